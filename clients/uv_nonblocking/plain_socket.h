// PlainSocket: http:// connections (gevent's patched socket). Always cooperative,
// whatever modules are installed: they only touch TLS, which is why plain HTTP
// stays fast in every stage.
#pragma once
#include "slowfast/module/socket.h"
#include "slowfast/module/io_wait.h"

namespace slowfast {

class PlainSocket final : public Socket {
 public:
  PlainSocket(int fd, IoWait& io) : fd_(fd), io_(io) {}

  const char* class_name() const override { return "PlainSocket"; }
  Task<void> handshake() override { co_return; }
  Task<std::size_t> send(std::span<const char> data) override;
  Task<std::string> recv(std::size_t n) override;
  Task<std::size_t> recv_into(std::span<char> buffer) override;
  Task<void> shutdown() override { co_return; }

 private:
  int fd_;  // owned by the connection
  IoWait& io_;
};

}  // namespace slowfast
