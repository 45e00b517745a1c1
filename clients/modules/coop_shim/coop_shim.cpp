#include "modules/coop_shim/coop_shim.h"

namespace slowfast {

std::unique_ptr<Socket> CoopShim::make(SocketArgs&& args) {
  IoWait& io = *args.io;
  return std::make_unique<CoopShim>(std::move(args), io);
}

Task<void> CoopShim::handshake() {
  for (tls::Step s; (s = tls::handshake(ssl())).want;) co_await io_.ready(*s.want);
}

Task<std::size_t> CoopShim::send(std::span<const char> data) {
  for (;;) {
    tls::Step s = tls::write(ssl(), data);
    if (!s.want) co_return s.n;
    co_await io_.ready(*s.want);
  }
}

Task<std::string> CoopShim::recv(std::size_t n) {
  std::string buffer(n, '\0');
  for (;;) {
    tls::Step s = tls::read(ssl(), buffer);
    if (!s.want) {
      buffer.resize(s.n);
      co_return buffer;
    }
    co_await io_.ready(*s.want);
  }
}

#if SLOWFAST_COOP_SHIM_RECV_INTO
Task<std::size_t> CoopShim::recv_into(std::span<char> buffer) {
  for (;;) {
    tls::Step s = tls::read(ssl(), buffer);
    if (!s.want) co_return s.n;
    co_await io_.ready(*s.want);
  }
}
#endif

Task<void> CoopShim::shutdown() {
  for (tls::Step s; (s = tls::shutdown(ssl())).want;) co_await io_.ready(*s.want);
}

}  // namespace slowfast
