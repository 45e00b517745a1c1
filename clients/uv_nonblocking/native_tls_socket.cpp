#include "uv_nonblocking/native_tls_socket.h"

#include "slowfast/module/tls_io.h"

namespace slowfast {

namespace {
constexpr probe::Site kHandshake{"slowfast", "NativeTlsSocket::handshake"};
constexpr probe::Site kSend{"slowfast", "NativeTlsSocket::send"};
constexpr probe::Site kRecv{"slowfast", "NativeTlsSocket::recv"};
constexpr probe::Site kRecvInto{"slowfast", "NativeTlsSocket::recv_into"};
constexpr probe::Site kShutdown{"slowfast", "NativeTlsSocket::shutdown"};
}  // namespace

NativeTlsSocket::NativeTlsSocket(SocketArgs&& args) : ssl_(std::move(args.ssl)), io_(*args.io) {}

std::unique_ptr<Socket> NativeTlsSocket::make(SocketArgs&& args) {
  return std::make_unique<NativeTlsSocket>(std::move(args));
}

// Each step is timed on its own (tls::timed); the waits in between are the loop's.
Task<void> NativeTlsSocket::handshake() {
  for (tls::Step s; (s = tls::timed(kHandshake, [&] { return tls::handshake(ssl_.get()); })).want;)
    co_await io_.ready(*s.want);
}

Task<std::size_t> NativeTlsSocket::send(std::span<const char> data) {
  for (;;) {
    tls::Step s = tls::timed(kSend, [&] { return tls::write(ssl_.get(), data); });
    if (!s.want) co_return s.n;
    co_await io_.ready(*s.want);
  }
}

Task<std::string> NativeTlsSocket::recv(std::size_t n) {
  std::string buffer(n, '\0');
  for (;;) {
    tls::Step s = tls::timed(kRecv, [&] { return tls::read(ssl_.get(), buffer); });
    if (!s.want) {
      buffer.resize(s.n);
      co_return buffer;
    }
    co_await io_.ready(*s.want);
  }
}

Task<std::size_t> NativeTlsSocket::recv_into(std::span<char> buffer) {
  for (;;) {
    tls::Step s = tls::timed(kRecvInto, [&] { return tls::read(ssl_.get(), buffer); });
    if (!s.want) co_return s.n;
    co_await io_.ready(*s.want);
  }
}

Task<void> NativeTlsSocket::shutdown() {
  for (tls::Step s; (s = tls::timed(kShutdown, [&] { return tls::shutdown(ssl_.get()); })).want;)
    co_await io_.ready(*s.want);
}

}  // namespace slowfast
