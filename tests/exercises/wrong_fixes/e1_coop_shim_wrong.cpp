// Exercise 1's wrong fixes, each the reference solution with one flaw an attendee
// could write, selected by E1_FLAW at build time. Each must fail exactly the check
// that names its flaw - the proof that those checks can fail (the starter fails the
// others):
//   E1_FLAW_BUSY          waits for "writable" when OpenSSL wants to read: a socket is
//                         almost always writable, so the read spins through the loop -
//                         fast, but the CPU is busy for the whole delay;
//   E1_FLAW_EOF_THROWS    treats the end of the stream as an error;
//   E1_FLAW_NO_TIMEOUT    retries a wait that timed out, so a request never times out.
#include "blocking_tls/blocking_tls_socket.h"
#include "slowfast/module/failure.h"
#include "slowfast/module/module.h"

namespace slowfast {
namespace {

constexpr probe::Site kHandshake{"coop_shim", "CoopShim::handshake"};
constexpr probe::Site kSend{"coop_shim", "CoopShim::send"};
constexpr probe::Site kRecv{"coop_shim", "CoopShim::recv"};
constexpr probe::Site kRecvInto{"coop_shim", "CoopShim::recv_into"};
constexpr probe::Site kShutdown{"coop_shim", "CoopShim::shutdown"};

#if E1_FLAW_BUSY
Task<void> read_wait(const WaitTarget& on, Want) { co_await wait_on_loop(on, Want::kWrite); }
#elif E1_FLAW_NO_TIMEOUT
Task<void> read_wait(const WaitTarget& on, Want want) {
  for (;;) {
    try {
      co_await wait_on_loop(on, want);
      co_return;
    } catch (const RequestFailure&) {  // "it timed out? wait again"
    }
  }
}
#else
Task<void> read_wait(const WaitTarget& on, Want want) { co_await wait_on_loop(on, want); }
#endif

class CoopShim final : public BlockingTlsSocket {
 public:
  using BlockingTlsSocket::BlockingTlsSocket;
  static std::unique_ptr<Socket> make(SocketArgs&& args) { return std::make_unique<CoopShim>(std::move(args)); }
  const char* class_name() const override { return "CoopShim"; }
  Task<void> handshake() override { return drive_handshake(kHandshake, &wait_on_loop); }
  Task<std::size_t> send(std::span<const char> data) override { return drive_send(data, kSend, &wait_on_loop); }
  Task<std::string> recv(std::size_t n) override { return drive_recv(n, kRecv, &wait_on_loop); }
  Task<std::size_t> recv_into(std::span<char> buffer) override {
    std::size_t n = co_await drive_recv_into(buffer, kRecvInto, &read_wait);
#if E1_FLAW_EOF_THROWS
    if (n == 0) throw RequestFailure(FailureKind::kRead, "recv_into: the connection closed");
#endif
    co_return n;
  }
  Task<void> shutdown() override { return drive_shutdown(kShutdown, &wait_on_loop); }
};

void install(SocketRegistry* registry, const probe::HostApi* host) {
  probe::install(host);
  registry->patch("BlockingTlsSocket", "CoopShim", &CoopShim::make);
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "coop_shim", "1.2+wrong", "exercise 1, a wrong fix", &install};

}  // namespace
}  // namespace slowfast

SLOWFAST_MODULE(slowfast::kInfo)
