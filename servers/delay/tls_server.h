// The server's side of TLS: one SSL_CTX per process, one TlsSession per connection.
//
// A session speaks TLS through a pair of memory BIOs: the connection feeds it the
// ciphertext libuv read and sends whatever ciphertext it produced. OpenSSL never touches
// the socket, so it can never block the loop.
#pragma once
#include <cstddef>
#include <filesystem>
#include <string>

#include "slowfast/openssl_ptr.h"

namespace slowfast::server {

// TLS 1.2 and 1.3, ALPN http/1.1, the certificate and key from the lab directory.
// Throws std::runtime_error with one readable line.
SslCtxPtr make_server_tls_context(const std::filesystem::path& cert_pem,
                                  const std::filesystem::path& key_pem);

class TlsSession {
 public:
  enum class Status { kOk, kWantMore, kClosed, kError };

  explicit TlsSession(SSL_CTX* ctx);

  // Ciphertext from the peer.
  void feed(const char* data, size_t len);
  // Advances the handshake; kOk once it is complete.
  Status handshake();
  bool handshake_done() const { return SSL_is_init_finished(ssl_.get()) != 0; }
  // Decrypts up to `cap` bytes into `out`; *n is how many. kWantMore when nothing is
  // buffered, kClosed on the peer's close_notify.
  Status read(char* out, size_t cap, size_t* n);
  // Encrypts; the records wait in take_output().
  bool write(const char* data, size_t len);
  // Queues a close_notify.
  void shutdown();
  // Moves all pending ciphertext for the peer into `out` (appended); false if none.
  bool take_output(std::string& out);
  // The last error as a line, e.g. "wrong version number".
  const std::string& error() const { return error_; }

 private:
  Status classify(int ret);
  SslPtr ssl_;
  BIO* in_ = nullptr;   // owned by ssl_
  BIO* out_ = nullptr;  // owned by ssl_
  std::string error_;
};

}  // namespace slowfast::server
