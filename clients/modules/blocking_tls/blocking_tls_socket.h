// BlockingTlsSocket (module blocking_tls 1.0): pyOpenSSL + urllib3's WrappedSocket.
// The SSL is non-blocking, but on "want read/write" every method calls poll() on its
// own fd with the request timeout - urllib3's wait_for_read -> select.poll(), a real
// system call nobody patched. The loop thread, and every other request, stops there.
#pragma once
#include "slowfast/module/socket_registry.h"
#include "slowfast/module/tls_io.h"

namespace slowfast {

class BlockingTlsSocket : public Socket {
 public:
  explicit BlockingTlsSocket(SocketArgs&& args);
  static std::unique_ptr<Socket> make(SocketArgs&& args);

  const char* class_name() const override { return "BlockingTlsSocket"; }
  Task<void> handshake() override;
  Task<std::size_t> send(std::span<const char> data) override;
  Task<std::string> recv(std::size_t n) override;
  Task<std::size_t> recv_into(std::span<char> buffer) override;
  Task<void> shutdown() override;

 protected:
  SSL* ssl() const { return ssl_.get(); }

 private:
  // Blocks the calling thread until the fd is ready; throws RequestFailure after the
  // timeout or at the deadline.
  void wait_blocking(Want want) const;
  // Repeats `step` until it needs no wait, blocking in between; timed as `site`.
  template <typename Step>
  tls::Step until_done(const probe::Site& site, Step step) const;

  module::SslPtr ssl_;
  int fd_;
  double timeout_s_;
  std::uint64_t deadline_ns_;
  int interrupt_fd_;
};

}  // namespace slowfast
