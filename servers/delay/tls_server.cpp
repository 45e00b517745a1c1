#include "tls_server.h"

#include "slowfast/ec_key_engine.h"
#include "slowfast/tls13_kdf_provider.h"
#include "slowfast/tls_suites.h"

#include <cstring>
#include <stdexcept>

namespace slowfast::server {

namespace {

int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof kHttp11, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;  // the client offered no http/1.1: carry on without ALPN
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

SslCtxPtr make_server_tls_context(const std::filesystem::path& cert_pem,
                                  const std::filesystem::path& key_pem) {
  // Every CertificateVerify signature, and libssl's checks of which digests the key can
  // sign with, then run in the EC method's own code, with no provider context to build
  // per handshake (slowfast/ec_key_engine.h).
  use_ec_key_engine();
  // Its secrets and keys derived without an algorithm fetch each (slowfast/tls13_kdf_provider.h).
  SslCtxPtr ctx = new_ssl_ctx_with_tls13_kdf(nullptr, TLS_server_method());
  if (!ctx) throw std::runtime_error("SSL_CTX_new: " + openssl_error());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_pem.c_str()) != 1)
    throw std::runtime_error("cannot load " + cert_pem.string() + ": " + openssl_error());
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), key_pem.c_str(), SSL_FILETYPE_PEM) != 1)
    throw std::runtime_error("cannot load " + key_pem.string() + ": " + openssl_error());
  if (SSL_CTX_check_private_key(ctx.get()) != 1)
    throw std::runtime_error("key does not match certificate: " + openssl_error());
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_ciphersuites(ctx.get(), kTls13Ciphersuites) != 1)
    throw std::runtime_error("SSL_CTX_set_ciphersuites: " + openssl_error());
  // Idle keep-alive connections give their 34 KB of record buffers back.
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_alpn_select_cb(ctx.get(), select_alpn, nullptr);
  // Every lab request is a new connection with a full handshake, so neither a session
  // cache nor TLS 1.3 tickets would serve anyone. A ticket cost the server 16 us per
  // handshake (166 against 150, slowfast-bench-server), and it let h2load resume every
  // connection after each of its clients' first: the rate test then measured resumptions
  // at twice the rate, not the full handshakes it is about.
  SSL_CTX_set_num_tickets(ctx.get(), 0);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  return ctx;
}

TlsSession::TlsSession(SSL_CTX* ctx) : ssl_(SSL_new(ctx)) {
  if (!ssl_) throw std::runtime_error("SSL_new: " + openssl_error());
  in_ = BIO_new(BIO_s_mem());
  out_ = BIO_new(BIO_s_mem());
  if (!in_ || !out_) {
    BIO_free(in_);
    BIO_free(out_);
    throw std::runtime_error("BIO_new: " + openssl_error());
  }
  // Reading an empty memory BIO means "want read", not end of file.
  BIO_set_mem_eof_return(in_, -1);
  SSL_set_bio(ssl_.get(), in_, out_);
  SSL_set_accept_state(ssl_.get());
}

void TlsSession::feed(const char* data, size_t len) {
  BIO_write(in_, data, static_cast<int>(len));
}

TlsSession::Status TlsSession::classify(int ret) {
  switch (SSL_get_error(ssl_.get(), ret)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return Status::kWantMore;
    case SSL_ERROR_ZERO_RETURN:
      return Status::kClosed;
    case SSL_ERROR_SYSCALL:
      error_ = "unexpected end of TLS stream";
      ERR_clear_error();
      return Status::kError;
    default:
      error_ = openssl_error("TLS error");
      return Status::kError;
  }
}

TlsSession::Status TlsSession::handshake() {
  int ret = SSL_do_handshake(ssl_.get());
  return ret == 1 ? Status::kOk : classify(ret);
}

TlsSession::Status TlsSession::read(char* out, size_t cap, size_t* n) {
  *n = 0;
  int ret = SSL_read_ex(ssl_.get(), out, cap, n);
  return ret == 1 ? Status::kOk : classify(ret);
}

bool TlsSession::write(const char* data, size_t len) {
  size_t written = 0;
  // Memory BIOs grow as needed, so a write is all-or-error.
  return len == 0 || (SSL_write_ex(ssl_.get(), data, len, &written) == 1 && written == len);
}

void TlsSession::shutdown() {
  if (handshake_done()) SSL_shutdown(ssl_.get());
  ERR_clear_error();
}

bool TlsSession::take_output(std::string& out) {
  size_t pending = BIO_ctrl_pending(out_);
  if (pending == 0) return false;
  size_t old = out.size();
  out.resize(old + pending);
  int n = BIO_read(out_, out.data() + old, static_cast<int>(pending));
  out.resize(old + static_cast<size_t>(n > 0 ? n : 0));
  return n > 0;
}

}  // namespace slowfast::server
