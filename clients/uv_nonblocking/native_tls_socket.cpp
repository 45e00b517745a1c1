#include "uv_nonblocking/native_tls_socket.h"

#include "uv_nonblocking/tls_io.h"

namespace slowfast {

NativeTlsSocket::NativeTlsSocket(SocketArgs&& args) : ssl_(std::move(args.ssl)), io_(*args.io) {}

std::unique_ptr<Socket> NativeTlsSocket::make(SocketArgs&& args) {
  return std::make_unique<NativeTlsSocket>(std::move(args));
}

Task<void> NativeTlsSocket::handshake() {
  for (tls::Step s; (s = tls::handshake(ssl_.get())).want;) co_await io_.ready(*s.want);
}

Task<std::size_t> NativeTlsSocket::send(std::span<const char> data) {
  for (;;) {
    tls::Step s = tls::write(ssl_.get(), data);
    if (!s.want) co_return s.n;
    co_await io_.ready(*s.want);
  }
}

Task<std::string> NativeTlsSocket::recv(std::size_t n) {
  std::string buffer(n, '\0');
  std::size_t got = co_await recv_into(buffer);
  buffer.resize(got);
  co_return buffer;
}

Task<std::size_t> NativeTlsSocket::recv_into(std::span<char> buffer) {
  for (;;) {
    tls::Step s = tls::read(ssl_.get(), buffer);
    if (!s.want) co_return s.n;
    co_await io_.ready(*s.want);
  }
}

Task<void> NativeTlsSocket::shutdown() {
  for (tls::Step s; (s = tls::shutdown(ssl_.get())).want;) co_await io_.ready(*s.want);
}

}  // namespace slowfast
