// A wrong fix for exercise 2: instead of patching the wait, it injects a socket class of
// its own that waits on the loop (urllib3's WrappedSocket swapped out for something
// else). Fast on both stages - but the sockets are no longer BlockingTlsSocket /
// CoopShim, and the validator's "wrapper untouched" checks must say so.
#include "slowfast/module/module.h"
#include "slowfast/module/tls_socket.h"

namespace slowfast {
namespace {

constexpr probe::Site kSite{"patch_select", "LoopTlsSocket"};

class LoopTlsSocket final : public TlsSocket {
 public:
  explicit LoopTlsSocket(SocketArgs&& args) : TlsSocket(std::move(args.ssl), args.on) {}
  static std::unique_ptr<Socket> make(SocketArgs&& args) { return std::make_unique<LoopTlsSocket>(std::move(args)); }
  const char* class_name() const override { return "LoopTlsSocket"; }
  Task<void> handshake() override { return drive_handshake(kSite, &wait_on_loop); }
  Task<std::size_t> send(std::span<const char> data) override { return drive_send(data, kSite, &wait_on_loop); }
  Task<std::string> recv(std::size_t n) override { return drive_recv(n, kSite, &wait_on_loop); }
  Task<std::size_t> recv_into(std::span<char> buffer) override {
    return drive_recv_into(buffer, kSite, &wait_on_loop);
  }
  Task<void> shutdown() override { return drive_shutdown(kSite, &wait_on_loop); }
};

void install(SocketRegistry* registry, const probe::HostApi* host) {
  probe::install(host);
  registry->inject("LoopTlsSocket", &LoopTlsSocket::make);  // installed after blocking_tls: replaces it
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "patch_select", "1.0+inject",
                               "a wrong fix for exercise 2: injects LoopTlsSocket", &install};

}  // namespace
}  // namespace slowfast

SLOWFAST_MODULE(slowfast::kInfo)
