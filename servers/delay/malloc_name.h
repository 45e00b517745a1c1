// Which malloc serves slowfast-server, for --version and the benchmark tables.
//
// slowfast-server links mimalloc (Debian's libmimalloc2.0) unless built with sanitizers.
// A TLS handshake is a few hundred small allocations in libssl and libcrypto, and glibc's
// malloc spent about 8 % of the server's CPU on them (perf, h2load full handshakes).
// Measured: 2,444 -> 2,353 thousand instructions per full handshake (cachegrind, one
// worker, 800 h2load connections), 0.233 -> 0.228 ms of server CPU per connection
// (median of 5 alternating h2load rounds of 5,000). The client keeps glibc's: mimalloc
// cost it 3-4 MB of peak RSS at 1,000 requests, past h2load's.
#pragma once

#include <string>

namespace slowfast::server {

// "mimalloc 2.0.9" when mimalloc serves this process's malloc (asked of mimalloc, not
// assumed from the build); otherwise says which it is not.
std::string malloc_name();

}  // namespace slowfast::server
