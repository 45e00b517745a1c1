// The client side of TLS for the uv-nonblocking client: one SSL_CTX per loop (the
// CA is parsed once; a context per connection costs 35-50 ms with a full
// bundle) and one SSL per connection, bound to the connection's own fd.
#pragma once
#include <filesystem>
#include <string>

#include "slowfast/openssl_ptr.h"

namespace slowfast {

// The policy every variant's context follows (issue 8): TLS 1.2 at least, no session
// cache (full handshakes, as the story's clients did), a peer closing without
// close_notify is an end of stream (the server may close right after a body).
void apply_client_tls_policy(SSL_CTX* ctx);

// Verifies against `cacert` unless `insecure`. Every connection does a full handshake
// (no session reuse), as the story's clients did. Throws std::runtime_error (one line).
// `libctx`: OpenSSL's library context the connections fetch their algorithms from
// (nullptr: the process's default one).
SslCtxPtr make_client_tls_context(const std::filesystem::path& cacert, bool insecure,
                                  OSSL_LIB_CTX* libctx = nullptr);

// An SSL in client mode on `fd` (not owned: the connection closes it), checking that
// the certificate names `host` (a DNS name or an IP address) and sending SNI for names.
SslPtr new_client_ssl(SSL_CTX* ctx, int fd, const std::string& host);

}  // namespace slowfast
