// A cache of certificates a TLS context has already verified, for the uv-nonblocking
// client's context (one per loop): N connections to one server present one certificate, and
// building and checking its chain again for each (X509_verify_cert: store lookups, the
// CA's signature over the leaf) was about a seventh of the client's CPU per request.
//
// A connection skips the chain check only when its leaf certificate is byte for byte
// one that passed the full check in this context, for the same host or IP address, and
// every certificate of that verified chain is still within its validity period now.
// Anything else - a first connection, another certificate or host, a failure, an SSL
// with a verify callback of its own (a module's, as exercise 4's cert_guard installs) -
// goes through X509_verify_cert as before. The handshake itself (the server's signature
// over it, with the certificate's key) is never skipped.
#pragma once
#include <openssl/ssl.h>

#include <cstdint>

namespace slowfast {

// Installs the cache as `ctx`'s certificate verification (SSL_CTX_set_cert_verify_callback);
// it lives as long as the context. Thread-safe: `fetch --loops K` verifies on K threads.
void use_verified_cert_cache(SSL_CTX* ctx);

// How many handshakes on `ctx` took a chain from the cache (0 without one).
std::uint64_t verified_cert_cache_hits(SSL_CTX* ctx);

}  // namespace slowfast
