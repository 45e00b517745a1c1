// coop_shim: installing it is like `pip install gevent_openssl` - it patches the
// pyOpenSSL connection class, so it only matters when blocking_tls is installed too.
#include "coop_shim/coop_shim.h"
#include "slowfast/module/module.h"

namespace {

void install(slowfast::SocketRegistry* registry, const slowfast::probe::HostApi* host) {
  slowfast::probe::install(host);
  registry->patch("BlockingTlsSocket", "CoopShim", &slowfast::CoopShim::make);
}

#if SLOWFAST_COOP_SHIM_RECV_INTO
constexpr const char* kSummary =
    "patches BlockingTlsSocket with CoopShim: handshake, send, recv, recv_into and shutdown "
    "wait through the loop";
#else
constexpr const char* kSummary =
    "patches BlockingTlsSocket with CoopShim: handshake, send, recv and shutdown wait through "
    "the loop; recv_into is not overridden and still blocks";
#endif

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "coop_shim", SLOWFAST_COOP_SHIM_VERSION, kSummary,
                               &install};

}  // namespace

SLOWFAST_MODULE(kInfo)
