#include "coop_shim/coop_shim.h"

namespace slowfast {

namespace {
constexpr probe::Site kHandshake{"coop_shim", "CoopShim::handshake"};
constexpr probe::Site kSend{"coop_shim", "CoopShim::send"};
constexpr probe::Site kRecv{"coop_shim", "CoopShim::recv"};
[[maybe_unused]] constexpr probe::Site kRecvInto{"coop_shim", "CoopShim::recv_into"};
constexpr probe::Site kShutdown{"coop_shim", "CoopShim::shutdown"};
}  // namespace

std::unique_ptr<Socket> CoopShim::make(SocketArgs&& args) {
  IoWait& io = *args.io;
  return std::make_unique<CoopShim>(std::move(args), io);
}

// Each step is timed on its own (tls::timed); the waits in between are the loop's.
Task<void> CoopShim::handshake() {
  for (tls::Step s; (s = tls::timed(kHandshake, [&] { return tls::handshake(ssl()); })).want;)
    co_await io_.ready(*s.want);
}

Task<std::size_t> CoopShim::send(std::span<const char> data) {
  for (;;) {
    tls::Step s = tls::timed(kSend, [&] { return tls::write(ssl(), data); });
    if (!s.want) co_return s.n;
    co_await io_.ready(*s.want);
  }
}

Task<std::string> CoopShim::recv(std::size_t n) {
  std::string buffer(n, '\0');
  for (;;) {
    tls::Step s = tls::timed(kRecv, [&] { return tls::read(ssl(), buffer); });
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
    tls::Step s = tls::timed(kRecvInto, [&] { return tls::read(ssl(), buffer); });
    if (!s.want) co_return s.n;
    co_await io_.ready(*s.want);
  }
}
#endif

Task<void> CoopShim::shutdown() {
  for (tls::Step s; (s = tls::timed(kShutdown, [&] { return tls::shutdown(ssl()); })).want;)
    co_await io_.ready(*s.want);
}

}  // namespace slowfast
