// tls::Connection: the one non-blocking TLS core, pyOpenSSL's Connection (or wrk's
// `sock` vtable). Each operation takes one OpenSSL step and answers done, WANT_READ or
// WANT_WRITE; it never waits. Waiting is the caller's choice (tls_socket.h), and that
// choice is the story.
#pragma once
#include <span>
#include <string>

#include "slowfast/module/ssl_ptr.h"
#include "slowfast/module/tls_io.h"

namespace slowfast::tls {

class Connection {
 public:
  explicit Connection(module::SslPtr ssl) : ssl_(std::move(ssl)) {}

  // Errors throw std::runtime_error with one readable line (tls_io.h).
  Step handshake() { return tls::handshake(ssl_.get()); }
  Step send(std::span<const char> data) { return tls::write(ssl_.get(), data); }
  // Reads up to buffer.size() bytes; once done, `buffer` holds what came (empty: the
  // peer closed).
  Step recv(std::string& buffer) {
    Step s = tls::read(ssl_.get(), buffer);
    if (!s.want) buffer.resize(s.n);
    return s;
  }
  Step recv_into(std::span<char> buffer) { return tls::read(ssl_.get(), buffer); }  // n == 0: closed
  Step shutdown() { return tls::shutdown(ssl_.get()); }

 private:
  module::SslPtr ssl_;
};

}  // namespace slowfast::tls
