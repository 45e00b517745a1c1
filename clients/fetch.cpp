#include "fetch.h"

#include <sys/resource.h>

#include <csignal>

#include "blocking/blocking_client.h"
#include "uv_nonblocking/uv_nonblocking_client.h"
#include "uv_threadpool/uv_threadpool_client.h"

namespace slowfast {

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

}  // namespace

RunResult run_fetch(const RunSpec& spec, const SocketFactory& factory) {
  // A peer that closes first must cost one request an EPIPE, not the process a SIGPIPE
  // (OpenSSL writes with plain write()).
  std::signal(SIGPIPE, SIG_IGN);
  RunResult result;
  const double cpu_before = cpu_seconds();
  switch (spec.variant) {
    case Variant::kBlocking: result = run_blocking(spec); break;
    case Variant::kUvThreadpool: result = run_uv_threadpool(spec); break;
    case Variant::kUvNonblocking: result = run_uv_nonblocking(spec, factory); break;
  }
  result.cpu_s = cpu_seconds() - cpu_before;
  result.variant = spec.variant;
  result.runtime = spec.runtime;
  result.modules = factory.module_ids();
  result.n = spec.n;
  result.delay_s = spec.delay_s;
  summarize(result);
  return result;
}

}  // namespace slowfast
