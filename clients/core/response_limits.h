// How much of a response every client variant accepts (issue 8, one policy for all):
// a wrong URL or a hostile server must not eat the memory. The TLS side of the policy
// (TLS 1.2 minimum) is in tls_client_context.h.
#pragma once
#include <cstddef>

namespace slowfast {

// Status line and headers of one response, below http-parser's own 80 KiB limit so that
// ours is the one that speaks.
inline constexpr std::size_t kMaxResponseHeaderBytes = 64 << 10;
// Body bytes, after de-chunking.
inline constexpr std::size_t kMaxResponseBodyBytes = 64 << 20;

}  // namespace slowfast
