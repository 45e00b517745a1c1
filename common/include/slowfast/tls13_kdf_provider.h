// TLS 1.3 derives every secret and key of a handshake with HKDF (RFC 8446, section 7.1):
// 19 derivations per connection on the server, as many on the client. libssl 3.0 runs each one through a
// fresh EVP_KDF: it fetches "TLS13-KDF" from the method store under read locks, builds a
// context, and the default provider's implementation fetches the digest by name again,
// then builds three EVP_MD_CTXs per HMAC. That is 1.46 us for one derivation where the
// hashing is a fraction of it (slowfast-bench-client, BM_Tls13Kdf).
//
// This provider implements the same "TLS13-KDF" (both modes libssl uses: EXTRACT_ONLY
// for the early, handshake and master secrets, EXPAND_ONLY for everything derived from
// them) on a digest fetched once per name, with SHA-256 and SHA-384 HMACs computed from
// OpenSSL's own block functions (common/src/tls13_hkdf.cpp): 0.69 us. The bytes are
// OpenSSL's (tests/clients/tls13_kdf_provider_test.cpp compares every mode, length and
// refusal, and runs a handshake against OpenSSL's KDF), so a peer on stock OpenSSL, nginx
// or Go cannot tell. libssl picks it through the SSL_CTX's property query
// "?provider=slowfast", which prefers this provider where it has the algorithm and takes
// the default provider's for everything else.
//
// Measured: slowfast-server, cachegrind, 800 full handshakes from h2load: 2,382 -> 2,217
// thousand instructions per connection; server CPU per handshake (h2load, 4 alternating
// runs of 5,000): 0.2105 -> 0.1900 ms, nginx 0.2315 in the same runs; client CPU per
// request (5 alternating runs of 3,000 x /delay/1, medians): 0.360 -> 0.323 ms.
#pragma once

#include <openssl/ssl.h>

#include "slowfast/openssl_ptr.h"

namespace slowfast {

// SSL_CTX_new_ex(libctx, nullptr, method), but with its TLS 1.3 secrets derived by this
// provider: loaded into `libctx` (nullptr: the default library context) for as long as
// the SSL_CTX lives, and preferred by the SSL_CTX's property query. If the provider cannot
// be loaded, the SSL_CTX derives with OpenSSL's KDF, as any other. Thread-safe.
SslCtxPtr new_ssl_ctx_with_tls13_kdf(OSSL_LIB_CTX* libctx, const SSL_METHOD* method);

// The provider's name, as OSSL_PROVIDER_get0_name reports it and property queries name it.
inline constexpr const char* kTls13KdfProviderName = "slowfast";
// Its one parameter (OSSL_PROVIDER_get_params, a uint64): how many derivations it has
// made in its library context, so that a test can tell which KDF a handshake ran on.
inline constexpr const char* kTls13KdfDerivationsParam = "slowfast-derivations";

}  // namespace slowfast
