// The SSL a socket owns, freed by SSL_free. The SDK names its own owner (the host's is
// slowfast/openssl_ptr.h) because a module builds against this folder alone.
#pragma once
#include <memory>

#include <openssl/ssl.h>

namespace slowfast::module {

struct SslFree {
  void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
};
using SslPtr = std::unique_ptr<SSL, SslFree>;

}  // namespace slowfast::module
