#include "fetch.h"

#include <csignal>

#include "blocking/blocking_client.h"
#include "uv_nonblocking/uv_nonblocking_client.h"
#include "uv_threadpool/uv_threadpool_client.h"

namespace slowfast {

RunResult run_fetch(const RunSpec& spec, const SocketFactory& factory) {
  // A peer that closes first must cost one request an EPIPE, not the process a SIGPIPE
  // (OpenSSL writes with plain write()).
  std::signal(SIGPIPE, SIG_IGN);
  RunResult result;
  switch (spec.variant) {
    case Variant::kBlocking: result = run_blocking(spec); break;
    case Variant::kUvThreadpool: result = run_uv_threadpool(spec); break;
    case Variant::kUvNonblocking: result = run_uv_nonblocking(spec, factory); break;
  }
  result.variant = spec.variant;
  result.runtime = spec.runtime;
  result.modules = factory.module_ids();
  result.n = spec.n;
  result.delay_s = spec.delay_s;
  summarize(result);
  return result;
}

}  // namespace slowfast
