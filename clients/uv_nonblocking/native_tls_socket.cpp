#include "uv_nonblocking/native_tls_socket.h"

namespace slowfast {

namespace {
constexpr probe::Site kHandshake{"slowfast", "NativeTlsSocket::handshake"};
constexpr probe::Site kSend{"slowfast", "NativeTlsSocket::send"};
constexpr probe::Site kRecv{"slowfast", "NativeTlsSocket::recv"};
constexpr probe::Site kRecvInto{"slowfast", "NativeTlsSocket::recv_into"};
constexpr probe::Site kShutdown{"slowfast", "NativeTlsSocket::shutdown"};
}  // namespace

std::unique_ptr<Socket> NativeTlsSocket::make(SocketArgs&& args) {
  return std::make_unique<NativeTlsSocket>(std::move(args));
}

// Every method: on WANT_* wait through the loop, the way gevent's ssl module does.
Task<void> NativeTlsSocket::handshake() { return drive_handshake(kHandshake, &wait_on_loop); }

Task<std::size_t> NativeTlsSocket::send(std::span<const char> data) { return drive_send(data, kSend, &wait_on_loop); }

Task<std::string> NativeTlsSocket::recv(std::size_t n) { return drive_recv(n, kRecv, &wait_on_loop); }

Task<std::size_t> NativeTlsSocket::recv_into(std::span<char> buffer) {
  return drive_recv_into(buffer, kRecvInto, &wait_on_loop);
}

Task<void> NativeTlsSocket::shutdown() { return drive_shutdown(kShutdown, &wait_on_loop); }

}  // namespace slowfast
