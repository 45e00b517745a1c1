// A module built against a future ABI: the loader must refuse it by its version
// field alone, without calling install.
#include "slowfast/module/module.h"

namespace {
void install(slowfast::SocketRegistry*, const slowfast::probe::HostApi*) { __builtin_trap(); }
const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI + 98, "wrong_abi", "1.0", "never installed", &install};
}  // namespace

SLOWFAST_MODULE(kInfo)
