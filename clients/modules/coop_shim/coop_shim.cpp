#include "coop_shim/coop_shim.h"

namespace slowfast {

namespace {
constexpr probe::Site kHandshake{"coop_shim", "CoopShim::handshake"};
constexpr probe::Site kSend{"coop_shim", "CoopShim::send"};
constexpr probe::Site kRecv{"coop_shim", "CoopShim::recv"};
[[maybe_unused]] constexpr probe::Site kRecvInto{"coop_shim", "CoopShim::recv_into"};
constexpr probe::Site kShutdown{"coop_shim", "CoopShim::shutdown"};
}  // namespace

std::unique_ptr<Socket> CoopShim::make(SocketArgs&& args) { return std::make_unique<CoopShim>(std::move(args)); }

// Every method: on WANT_* wait through the loop (gevent's hub), so others run meanwhile.
Task<void> CoopShim::handshake() { return drive_handshake(kHandshake, &wait_on_loop); }

Task<std::size_t> CoopShim::send(std::span<const char> data) { return drive_send(data, kSend, &wait_on_loop); }

Task<std::string> CoopShim::recv(std::size_t n) { return drive_recv(n, kRecv, &wait_on_loop); }

#if SLOWFAST_COOP_SHIM_RECV_INTO
Task<std::size_t> CoopShim::recv_into(std::span<char> buffer) {
  return drive_recv_into(buffer, kRecvInto, &wait_on_loop);
}
#endif

Task<void> CoopShim::shutdown() { return drive_shutdown(kShutdown, &wait_on_loop); }

}  // namespace slowfast
