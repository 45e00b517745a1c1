#include "expectations.h"

#include "core/verdict.h"

namespace slowfast::lab {
namespace {

// "coop_shim-1.2" -> 1.2 when the id names `module`, else a negative number.
double version_of(const std::vector<std::string>& ids, const std::string& module) {
  for (const std::string& id : ids)
    if (id.rfind(module + "-", 0) == 0) return std::stod(id.substr(module.size() + 1));
  return -1;
}

}  // namespace

Verdict expected_nonblocking(const std::vector<std::string>& ids, Runtime runtime) {
  if (version_of(ids, "blocking_tls") < 0) return Verdict::kFast;
  double shim = version_of(ids, "coop_shim");
  if (shim < 0) return Verdict::kSlow;
  if (shim < 1.3) return runtime == Runtime::kPy27 ? Verdict::kFast : Verdict::kSlow;
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
