// blocking_tls 1.0: installing it is like `pip install pyopenssl` - requests then
// injects urllib3's pyOpenSSL WrappedSocket into every HTTPS connection.
#include "blocking_tls/blocking_tls_socket.h"
#include "slowfast/module/module.h"

namespace {

void install(slowfast::SocketRegistry* registry, const slowfast::probe::HostApi* host) {
  slowfast::probe::install(host);
  registry->inject("BlockingTlsSocket", &slowfast::BlockingTlsSocket::make);
}

const SlowfastModuleInfo kInfo{
    SLOWFAST_MODULE_ABI, "blocking_tls", "1.0",
    "every TLS connection becomes a BlockingTlsSocket: on want-read/want-write it calls "
    "poll() on its own fd and blocks the loop",
    &install};

}  // namespace

SLOWFAST_MODULE(kInfo)
