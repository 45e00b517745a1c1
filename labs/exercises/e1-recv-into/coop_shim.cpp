// coop_shim 1.2, the module you fix: gevent_openssl's wrapper around pyOpenSSL's
// connection. It patches BlockingTlsSocket (blocking_tls 1.0) with CoopShim, a subclass
// whose methods wait through the loop (wait_on_loop: gevent's wait_read/wait_write)
// instead of urllib3's poll(). Every method it does not define falls through to
// BlockingTlsSocket's, which blocks the loop - in Python, the wrapper's __getattr__.
//
// Your task (labs/exercises/e1-recv-into/README.md): make the py37 reader, which calls
// recv_into, cooperative. `make check-e1` says when it is.
#include "blocking_tls/blocking_tls_socket.h"
#include "slowfast/module/module.h"

namespace slowfast {
namespace {

// What the profile and the watchdog call each method, and which module owns it.
constexpr probe::Site kHandshake{"coop_shim", "CoopShim::handshake"};
constexpr probe::Site kSend{"coop_shim", "CoopShim::send"};
constexpr probe::Site kRecv{"coop_shim", "CoopShim::recv"};
constexpr probe::Site kShutdown{"coop_shim", "CoopShim::shutdown"};

class CoopShim final : public BlockingTlsSocket {
 public:
  using BlockingTlsSocket::BlockingTlsSocket;
  static std::unique_ptr<Socket> make(SocketArgs&& args) { return std::make_unique<CoopShim>(std::move(args)); }

  const char* class_name() const override { return "CoopShim"; }

  // Each method drives the TLS connection (TlsSocket, module_sdk/.../tls_socket.h) and,
  // when OpenSSL wants to read or write, waits with wait_on_loop: the coroutine is
  // suspended and the loop runs every other request meanwhile.
  Task<void> handshake() override { return drive_handshake(kHandshake, &wait_on_loop); }
  Task<std::size_t> send(std::span<const char> data) override { return drive_send(data, kSend, &wait_on_loop); }
  Task<std::string> recv(std::size_t n) override { return drive_recv(n, kRecv, &wait_on_loop); }
  Task<void> shutdown() override { return drive_shutdown(kShutdown, &wait_on_loop); }
};

void install(SocketRegistry* registry, const probe::HostApi* host) {
  probe::install(host);
  registry->patch("BlockingTlsSocket", "CoopShim", &CoopShim::make);
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "coop_shim", "1.2+e1",
                               "patches BlockingTlsSocket with CoopShim (your exercise 1 build)", &install};

}  // namespace
}  // namespace slowfast

SLOWFAST_MODULE(slowfast::kInfo)
