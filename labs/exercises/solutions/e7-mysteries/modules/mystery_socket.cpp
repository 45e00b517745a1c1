#include "mystery_socket.h"

#include <openssl/err.h>

#include <string_view>

#include "blocking_tls/util_wait.h"

namespace slowfast::mystery {

namespace {
constexpr probe::Site kTurboHandshake{"fastpath", "TurboSocket::handshake"};
constexpr probe::Site kTurboSend{"fastpath", "TurboSocket::send"};
constexpr probe::Site kTurboRecv{"fastpath", "TurboSocket::recv"};
constexpr probe::Site kTurboRecvInto{"fastpath", "TurboSocket::recv_into"};
constexpr probe::Site kTurboShutdown{"fastpath", "TurboSocket::shutdown"};

constexpr probe::Site kTunedHandshake{"tls_tuning", "TunedTlsSocket::handshake"};
constexpr probe::Site kTunedSend{"tls_tuning", "TunedTlsSocket::send"};
constexpr probe::Site kTunedRecv{"tls_tuning", "TunedTlsSocket::recv"};
constexpr probe::Site kTunedRecvInto{"tls_tuning", "TunedTlsSocket::recv_into"};
constexpr probe::Site kTunedShutdown{"tls_tuning", "TunedTlsSocket::shutdown"};

constexpr probe::Site kReuseHandshake{"conn_reuse", "ReuseSocket::handshake"};
constexpr probe::Site kReuseSend{"conn_reuse", "ReuseSocket::send"};
constexpr probe::Site kReuseRecv{"conn_reuse", "ReuseSocket::recv"};
constexpr probe::Site kReuseRecvInto{"conn_reuse", "ReuseSocket::recv_into"};
constexpr probe::Site kReuseShutdown{"conn_reuse", "ReuseSocket::shutdown"};

constexpr WaitForSocket kLoop = &wait_on_loop;
constexpr WaitForSocket kBlocking = &blocking_tls::wait_for_socket;  // the culprit, where used
}  // namespace

// fastpath: recv blocks.
std::unique_ptr<Socket> TurboSocket::make(SocketArgs&& args) { return std::make_unique<TurboSocket>(std::move(args)); }
Task<void> TurboSocket::handshake() { return drive_handshake(kTurboHandshake, kLoop); }
Task<std::size_t> TurboSocket::send(std::span<const char> data) { return drive_send(data, kTurboSend, kLoop); }
Task<std::string> TurboSocket::recv(std::size_t n) { return drive_recv(n, kTurboRecv, kBlocking); }
Task<std::size_t> TurboSocket::recv_into(std::span<char> buffer) {
  return drive_recv_into(buffer, kTurboRecvInto, kLoop);
}
Task<void> TurboSocket::shutdown() { return drive_shutdown(kTurboShutdown, kLoop); }

// tls_tuning: recv_into blocks.
std::unique_ptr<Socket> TunedTlsSocket::make(SocketArgs&& args) {
  return std::make_unique<TunedTlsSocket>(std::move(args));
}
Task<void> TunedTlsSocket::handshake() { return drive_handshake(kTunedHandshake, kLoop); }
Task<std::size_t> TunedTlsSocket::send(std::span<const char> data) { return drive_send(data, kTunedSend, kLoop); }
Task<std::string> TunedTlsSocket::recv(std::size_t n) { return drive_recv(n, kTunedRecv, kLoop); }
Task<std::size_t> TunedTlsSocket::recv_into(std::span<char> buffer) {
  return drive_recv_into(buffer, kTunedRecvInto, kBlocking);
}
Task<void> TunedTlsSocket::shutdown() { return drive_shutdown(kTunedShutdown, kLoop); }

// conn_reuse: send blocks when the request target has a query.
std::unique_ptr<Socket> ReuseSocket::make(SocketArgs&& args) { return std::make_unique<ReuseSocket>(std::move(args)); }
Task<void> ReuseSocket::handshake() { return drive_handshake(kReuseHandshake, kLoop); }
Task<std::size_t> ReuseSocket::send(std::span<const char> data) {
  std::size_t n = co_await drive_send(data, kReuseSend, kLoop);
  if (!checked_) {
    checked_ = true;
    std::string_view text(data.data(), data.size());
    std::string_view line = text.substr(0, text.find("\r\n"));
    // The client appends ?page=i, or &page=i to a URL that has a query of its own: the
    // check fires only for the latter.
    if (line.find('&') != std::string_view::npos) {
      // The blocking wait never suspends, so the probe may span it (slowfast/module/probe.h).
      probe::Scope scope(kReuseSend);
      co_await wait_for_answer();
    }
  }
  co_return n;
}
Task<void> ReuseSocket::wait_for_answer() {
  for (;;) {
    co_await kBlocking(on_, Want::kRead);
    char byte = 0;
    int n = SSL_peek(ssl_, &byte, 1);
    if (n > 0 || SSL_get_error(ssl_, n) != SSL_ERROR_WANT_READ) break;  // data, or the reader's problem
  }
  ERR_clear_error();
}
Task<std::string> ReuseSocket::recv(std::size_t n) { return drive_recv(n, kReuseRecv, kLoop); }
Task<std::size_t> ReuseSocket::recv_into(std::span<char> buffer) {
  return drive_recv_into(buffer, kReuseRecvInto, kLoop);
}
Task<void> ReuseSocket::shutdown() { return drive_shutdown(kReuseShutdown, kLoop); }

}  // namespace slowfast::mystery
