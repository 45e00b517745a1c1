#include "slowfast/module/tls_io.h"

#include "slowfast/module/probe.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace slowfast::tls {

namespace {

// The OpenSSL calls themselves: where the CPU of a TLS connection goes.
constexpr probe::Site kHandshake{"openssl", "SSL_do_handshake"};
constexpr probe::Site kWrite{"openssl", "SSL_write"};
constexpr probe::Site kRead{"openssl", "SSL_read"};
constexpr probe::Site kShutdown{"openssl", "SSL_shutdown"};

[[noreturn]] void fail(SSL* ssl, const char* op, int err) {
  long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    ERR_clear_error();
    throw std::runtime_error(std::string("TLS ") + op + ": certificate verify failed (" +
                             X509_verify_cert_error_string(verify) + ")");
  }
  // The peer closed the TCP connection (with or without close_notify: the context
  // ignores unexpected EOF), e.g. in the middle of the handshake.
  if (err == SSL_ERROR_ZERO_RETURN) {
    ERR_clear_error();
    throw std::runtime_error(std::string("TLS ") + op + ": connection closed by peer");
  }
  if (err == SSL_ERROR_SYSCALL) {
    int e = errno;
    std::string why = e ? std::strerror(e) : "connection closed by peer";
    ERR_clear_error();
    throw std::runtime_error(std::string("TLS ") + op + ": " + why);
  }
  // The reason alone ("wrong version number"), as the cpp-httplib variants say it.
  unsigned long first = ERR_peek_error();
  const char* reason = first ? ERR_reason_error_string(first) : nullptr;
  char code[256] = "TLS error";
  if (first && !reason) ERR_error_string_n(first, code, sizeof code);
  std::string why = reason ? reason : code;
  ERR_clear_error();
  throw std::runtime_error(std::string("TLS ") + op + ": " + why);
}

// Turns an OpenSSL return code into a Step, or throws.
Step classify(SSL* ssl, const char* op, int rc, bool eof_ok) {
  if (rc > 0) return Step{static_cast<std::size_t>(rc), std::nullopt};
  int err = SSL_get_error(ssl, rc);
  switch (err) {
    case SSL_ERROR_WANT_READ: return Step{0, Want::kRead};
    case SSL_ERROR_WANT_WRITE: return Step{0, Want::kWrite};
    case SSL_ERROR_ZERO_RETURN:
      if (eof_ok) return Step{0, std::nullopt};
      break;
    default: break;
  }
  fail(ssl, op, err);
}

}  // namespace

Step handshake(SSL* ssl) {
  ERR_clear_error();
  probe::Scope scope(kHandshake);
  return classify(ssl, "handshake", SSL_do_handshake(ssl), false);
}

Step write(SSL* ssl, std::span<const char> data) {
  ERR_clear_error();
  int n = static_cast<int>(std::min<std::size_t>(data.size(), 1 << 30));
  probe::Scope scope(kWrite);
  return classify(ssl, "write", SSL_write(ssl, data.data(), n), false);
}

Step read(SSL* ssl, std::span<char> buffer) {
  ERR_clear_error();
  int n = static_cast<int>(std::min<std::size_t>(buffer.size(), 1 << 30));
  probe::Scope scope(kRead);
  return classify(ssl, "read", SSL_read(ssl, buffer.data(), n), true);
}

Step shutdown(SSL* ssl) {
  ERR_clear_error();
  probe::Scope scope(kShutdown);
  int rc = SSL_shutdown(ssl);
  if (rc >= 0) return Step{};  // 0: our close_notify is out; we do not wait for theirs
  return classify(ssl, "shutdown", rc, true);
}

}  // namespace slowfast::tls
