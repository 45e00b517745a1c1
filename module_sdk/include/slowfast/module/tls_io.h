// One non-blocking OpenSSL step on a borrowed SSL and what it needs next: the steps
// under tls::Connection (tls_connection.h) and the blocking client's own loop.
#pragma once
#include <cstddef>
#include <optional>
#include <span>

#include <openssl/ssl.h>

#include "slowfast/module/io_wait.h"

namespace slowfast::tls {

// Either done (with a byte count for reads and writes) or waiting for `want`.
struct Step {
  std::size_t n = 0;
  std::optional<Want> want;
};

// Each throws std::runtime_error with one readable line on a TLS or socket error
// (a failed verification names the reason, e.g. "unable to get local issuer certificate").
Step handshake(SSL* ssl);
Step write(SSL* ssl, std::span<const char> data);
Step read(SSL* ssl, std::span<char> buffer);  // n == 0 and no want: the peer closed
Step shutdown(SSL* ssl);

}  // namespace slowfast::tls
