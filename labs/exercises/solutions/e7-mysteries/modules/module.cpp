// One module per build: MYSTERY_FASTPATH, MYSTERY_TLS_TUNING or MYSTERY_CONN_REUSE
// (CMakeLists.txt beside it) picks the class and the neutral description.
#include "mystery_socket.h"
#include "slowfast/module/module.h"

namespace {

using namespace slowfast::mystery;

#if defined(MYSTERY_FASTPATH)
constexpr const char* kName = "fastpath";
constexpr const char* kVersion = "2.1";
constexpr const char* kSummary = "faster TLS for HTTP clients: every TLS connection becomes a TurboSocket";
constexpr const char* kClass = "TurboSocket";
constexpr auto kMake = &TurboSocket::make;
#elif defined(MYSTERY_TLS_TUNING)
constexpr const char* kName = "tls_tuning";
constexpr const char* kVersion = "0.9";
constexpr const char* kSummary = "tuned TLS settings for HTTP clients: every TLS connection becomes a TunedTlsSocket";
constexpr const char* kClass = "TunedTlsSocket";
constexpr auto kMake = &TunedTlsSocket::make;
#elif defined(MYSTERY_CONN_REUSE)
constexpr const char* kName = "conn_reuse";
constexpr const char* kVersion = "1.4";
constexpr const char* kSummary = "smarter connection reuse: every TLS connection becomes a ReuseSocket";
constexpr const char* kClass = "ReuseSocket";
constexpr auto kMake = &ReuseSocket::make;
#else
#error "define one of MYSTERY_FASTPATH, MYSTERY_TLS_TUNING, MYSTERY_CONN_REUSE"
#endif

void install(slowfast::SocketRegistry* registry, const slowfast::probe::HostApi* host) {
  slowfast::probe::install(host);
  registry->inject(kClass, kMake);
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, kName, kVersion, kSummary, &install};

}  // namespace

SLOWFAST_MODULE(kInfo)
