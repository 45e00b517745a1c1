// The three mystery modules of exercise 7 (labs/exercises/e7-mysteries/). Reading this
// folder is reading the answer key: each class below waits through the loop in every
// method but one, and that one calls urllib3's blocking wait (blocking_tls::wait_for_socket,
// a poll() on the socket's own fd) under one condition. Their names, versions and
// summaries say nothing of it, as a package's would not.
#pragma once
#include <openssl/ssl.h>

#include "slowfast/module/tls_socket.h"

namespace slowfast::mystery {

// fastpath 2.1: every method waits in the loop except recv, which py27's reader calls.
class TurboSocket final : public TlsSocket {
 public:
  explicit TurboSocket(SocketArgs&& args) : TlsSocket(std::move(args.ssl), args.on) {}
  static std::unique_ptr<Socket> make(SocketArgs&& args);
  const char* class_name() const override { return "TurboSocket"; }
  Task<void> handshake() override;
  Task<std::size_t> send(std::span<const char> data) override;
  Task<std::string> recv(std::size_t n) override;
  Task<std::size_t> recv_into(std::span<char> buffer) override;
  Task<void> shutdown() override;
};

// tls_tuning 0.9: every method waits in the loop except recv_into, which py37's reader
// calls (exercise 1's bug, in another coat).
class TunedTlsSocket final : public TlsSocket {
 public:
  explicit TunedTlsSocket(SocketArgs&& args) : TlsSocket(std::move(args.ssl), args.on) {}
  static std::unique_ptr<Socket> make(SocketArgs&& args);
  const char* class_name() const override { return "TunedTlsSocket"; }
  Task<void> handshake() override;
  Task<std::size_t> send(std::span<const char> data) override;
  Task<std::string> recv(std::size_t n) override;
  Task<std::size_t> recv_into(std::span<char> buffer) override;
  Task<void> shutdown() override;
};

// conn_reuse 1.4: after sending a request for a URL with a query of its own (`?x=1`), send
// waits for the answer's first bytes in a blocking poll() before it returns ("is the
// connection still reusable?"), so the loop sleeps through the server's whole delay.
class ReuseSocket final : public TlsSocket {
 public:
  explicit ReuseSocket(SocketArgs&& args) : ReuseSocket(args.ssl.get(), std::move(args)) {}
  static std::unique_ptr<Socket> make(SocketArgs&& args);
  const char* class_name() const override { return "ReuseSocket"; }
  Task<void> handshake() override;
  Task<std::size_t> send(std::span<const char> data) override;
  Task<std::string> recv(std::size_t n) override;
  Task<std::size_t> recv_into(std::span<char> buffer) override;
  Task<void> shutdown() override;

 private:
  ReuseSocket(SSL* ssl, SocketArgs&& args) : TlsSocket(std::move(args.ssl), args.on), ssl_(ssl), on_(args.on) {}
  // Blocks until the answer's first byte can be read (TLS 1.3 session tickets, which
  // make the fd readable first, are taken in passing).
  Task<void> wait_for_answer();

  SSL* ssl_;  // owned by the TlsSocket
  WaitTarget on_;
  bool checked_ = false;  // the first request line seen: one check per connection
};

}  // namespace slowfast::mystery
