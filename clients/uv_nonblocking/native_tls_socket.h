// NativeTlsSocket: the built-in TLS socket (Python's stdlib ssl under gevent). On
// "want read/write" it waits through the loop, so other requests run meanwhile.
#pragma once
#include "slowfast/module/tls_socket.h"

namespace slowfast {

class NativeTlsSocket final : public TlsSocket {
 public:
  explicit NativeTlsSocket(SocketArgs&& args) : TlsSocket(std::move(args.ssl), args.on) {}
  static std::unique_ptr<Socket> make(SocketArgs&& args);

  const char* class_name() const override { return "NativeTlsSocket"; }
  Task<void> handshake() override;
  Task<std::size_t> send(std::span<const char> data) override;
  Task<std::string> recv(std::size_t n) override;
  Task<std::size_t> recv_into(std::span<char> buffer) override;
  Task<void> shutdown() override;
};

}  // namespace slowfast
