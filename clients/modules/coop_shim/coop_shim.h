// CoopShim (module coop_shim, gevent_openssl): makes BlockingTlsSocket cooperative.
// It is a subclass - the C++ form of gevent_openssl's wrapper, whose __getattr__
// hands every method it does not define to the wrapped connection. Its methods differ
// from BlockingTlsSocket's only in the wait: the loop's (gevent's wait_read), not
// urllib3's poll(). Version 1.2 defines handshake, send, recv and shutdown; recv_into
// is not among them, so a py37 reader (recv_into) falls through to the blocking one.
// Version 1.3 adds recv_into: the fix. Both versions build from this one source;
// SLOWFAST_COOP_SHIM_RECV_INTO selects 1.3.
#pragma once
#include "blocking_tls/blocking_tls_socket.h"

namespace slowfast {

class CoopShim final : public BlockingTlsSocket {
 public:
  using BlockingTlsSocket::BlockingTlsSocket;
  static std::unique_ptr<Socket> make(SocketArgs&& args);

  const char* class_name() const override { return "CoopShim"; }
  Task<void> handshake() override;
  Task<std::size_t> send(std::span<const char> data) override;
  Task<std::string> recv(std::size_t n) override;
#if SLOWFAST_COOP_SHIM_RECV_INTO
  Task<std::size_t> recv_into(std::span<char> buffer) override;
#endif
  Task<void> shutdown() override;
};

}  // namespace slowfast
