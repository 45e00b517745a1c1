#include "expectations.h"

#include <optional>
#include <string>

#include "core/verdict.h"

namespace slowfast::lab {
namespace {

// The version of `module` among `ids` ("coop_shim-1.2+recv_into" -> "1.2+recv_into"),
// nothing when it is not installed.
std::optional<std::string> version_of(const std::vector<std::string>& ids, const std::string& module) {
  for (const std::string& id : ids)
    if (id.rfind(module + "-", 0) == 0) return id.substr(module.size() + 1);
  return std::nullopt;
}

// Whether this coop_shim has a cooperative recv_into: the locally patched 1.2
// ("+recv_into"), or any release from 1.3 on, had gevent_openssl made one.
bool shim_has_recv_into(const std::string& version) {
  return version.find("+recv_into") != std::string::npos || std::stod(version) >= 1.3;
}

}  // namespace

Verdict expected_nonblocking(const std::vector<std::string>& ids, Runtime runtime) {
  if (!version_of(ids, "blocking_tls")) return Verdict::kFast;
  std::optional<std::string> shim = version_of(ids, "coop_shim");
  if (!shim) return Verdict::kSlow;
  if (!shim_has_recv_into(*shim)) return runtime == Runtime::kPy27 ? Verdict::kFast : Verdict::kSlow;
  return Verdict::kFast;
}

Verdict expected_threadpool(int n, int threads) {
  int rounds = (n + threads - 1) / threads;
  // Each round takes at least the delay: judge `rounds` delays as the run would.
  if (rounds == 1) return Verdict::kFast;
  return verdict_for(rounds + 0.1, 1.0, n) == Verdict::kSlow ? Verdict::kSlow : Verdict::kMixed;
}

Verdict expected_blocking(int n) { return n >= 2 ? Verdict::kSlow : Verdict::kFast; }

}  // namespace slowfast::lab
