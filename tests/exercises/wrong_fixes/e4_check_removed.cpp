// A wrong fix for exercise 4: the blocking call is gone because the certificate check is
// gone - cert_guard's socket without its verify callback. Fast, no stall, every page
// valid; but a responder that says "revoked" is never asked, so every handshake
// succeeds: the validator's "a revoked certificate still fails" check must fail.
#include "slowfast/module/module.h"
#include "slowfast/module/tls_socket.h"

namespace slowfast {
namespace {

constexpr probe::Site kHandshake{"cert_guard", "GuardedTlsSocket::handshake"};
constexpr probe::Site kSend{"cert_guard", "GuardedTlsSocket::send"};
constexpr probe::Site kRecv{"cert_guard", "GuardedTlsSocket::recv"};
constexpr probe::Site kRecvInto{"cert_guard", "GuardedTlsSocket::recv_into"};
constexpr probe::Site kShutdown{"cert_guard", "GuardedTlsSocket::shutdown"};

class GuardedTlsSocket final : public TlsSocket {
 public:
  explicit GuardedTlsSocket(SocketArgs&& args) : TlsSocket(std::move(args.ssl), args.on) {}
  static std::unique_ptr<Socket> make(SocketArgs&& args) {
    return std::make_unique<GuardedTlsSocket>(std::move(args));  // the wrong fix: no SSL_set_verify
  }

  const char* class_name() const override { return "GuardedTlsSocket"; }
  Task<void> handshake() override { return drive_handshake(kHandshake, &wait_on_loop); }
  Task<std::size_t> send(std::span<const char> data) override { return drive_send(data, kSend, &wait_on_loop); }
  Task<std::string> recv(std::size_t n) override { return drive_recv(n, kRecv, &wait_on_loop); }
  Task<std::size_t> recv_into(std::span<char> buffer) override {
    return drive_recv_into(buffer, kRecvInto, &wait_on_loop);
  }
  Task<void> shutdown() override { return drive_shutdown(kShutdown, &wait_on_loop); }
};

void install(SocketRegistry* registry, const probe::HostApi* host) {
  probe::install(host);
  registry->inject("GuardedTlsSocket", &GuardedTlsSocket::make);
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "cert_guard", "1.0+check_removed",
                               "checks every server certificate with its revocation responder", &install};

}  // namespace
}  // namespace slowfast

SLOWFAST_MODULE(slowfast::kInfo)
