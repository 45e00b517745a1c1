// One non-blocking OpenSSL step and what it needs next. Every TLS socket class (the
// built-in one and the modules') shares these; they differ only in HOW they wait
// when a step says "want read" or "want write" - which is the whole story.
#pragma once
#include <cstddef>
#include <optional>
#include <span>

#include <openssl/ssl.h>

#include "slowfast/module/probe.h"
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

// One step, timed as the socket method `site` that takes it. Cooperative sockets time
// each step, not the whole method: a probe never spans a co_await (slowfast/module/probe.h).
template <typename F>
Step timed(const probe::Site& site, F step) {
  probe::Scope scope(site);
  return step();
}

}  // namespace slowfast::tls
