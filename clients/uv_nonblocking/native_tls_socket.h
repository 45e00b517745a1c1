// NativeTlsSocket: the built-in TLS socket (Python's stdlib ssl under gevent). On
// "want read/write" it awaits readiness from the loop, so other requests run meanwhile.
#pragma once
#include "slowfast/module/socket_registry.h"

namespace slowfast {

class NativeTlsSocket final : public Socket {
 public:
  explicit NativeTlsSocket(SocketArgs&& args);
  static std::unique_ptr<Socket> make(SocketArgs&& args);

  const char* class_name() const override { return "NativeTlsSocket"; }
  Task<void> handshake() override;
  Task<std::size_t> send(std::span<const char> data) override;
  Task<std::string> recv(std::size_t n) override;
  Task<std::size_t> recv_into(std::span<char> buffer) override;
  Task<void> shutdown() override;

 private:
  module::SslPtr ssl_;
  IoWait& io_;
};

}  // namespace slowfast
