// BlockingTlsSocket (module blocking_tls 1.0): pyOpenSSL + urllib3's WrappedSocket.
// The SSL is non-blocking, but on "want read/write" every method calls urllib3's
// wait_for_read / wait_for_write (util_wait.h) - by default select.poll() on its own
// fd with the request timeout, a real system call. The loop thread, and every other
// request, stops there - unless a module patched that wait (SocketRegistry::patch_wait).
#pragma once
#include "slowfast/module/tls_socket.h"

namespace slowfast {

class BlockingTlsSocket : public TlsSocket {
 public:
  explicit BlockingTlsSocket(SocketArgs&& args);
  static std::unique_ptr<Socket> make(SocketArgs&& args);

  const char* class_name() const override { return "BlockingTlsSocket"; }
  Task<void> handshake() override;
  Task<std::size_t> send(std::span<const char> data) override;
  Task<std::string> recv(std::size_t n) override;
  Task<std::size_t> recv_into(std::span<char> buffer) override;
  Task<void> shutdown() override;

 private:
  // urllib3's util.wait as this process has it: blocking_tls::wait_for_socket, or the
  // wait a module patched in. A patched wait can suspend these methods only because
  // they are coroutines that co_await it: C++ cannot make poll() yield from outside.
  WaitForSocket util_wait_;
};

}  // namespace slowfast
