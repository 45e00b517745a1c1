// The client's ResponseParser (uv-nonblocking), fed as read_response() feeds it: pieces
// until complete(), then feed_eof() when the bytes run out (the peer closed).
// std::runtime_error is its documented way to reject a response; anything else that
// escapes (another exception, a crash, a sanitizer report) is a finding.
//
// Input: byte 0 picks the piece size (1-64 bytes, or all at once) and a small body cap
// (to reach "response body larger than"); byte 1 seeds how the piece size varies.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "core/response_parser.h"

namespace {
void check(bool ok) {
  if (!ok) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t mode = data[0];
  uint32_t piece_seed = data[1];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);

  const size_t max_body = (mode & 0x80) ? 64 : size_t{64} << 20;
  const size_t base_piece = (mode & 0x40) ? bytes.size() + 1 : (mode & 0x3f) + 1;
  slowfast::ResponseParser parser(max_body);
  try {
    size_t pos = 0;
    while (!parser.complete()) {
      if (pos == bytes.size()) {
        parser.feed_eof();
        break;
      }
      piece_seed = piece_seed * 1103515245u + 12345u;
      size_t piece = std::min(base_piece + (piece_seed >> 16) % base_piece, bytes.size() - pos);
      parser.feed(bytes.substr(pos, piece));
      pos += piece;
    }
    // feed_eof() returns only on a complete response.
    check(parser.complete());
    // http-parser takes 1 to 3 digits ("HTTP/1.1 2" is status 2), never more; an interim
    // 1xx is skipped, never taken for the final answer (RFC 9110 15.2). 101 is final
    // (a switch we never asked for: the client rejects it as not 200).
    check(parser.status() >= 0 && parser.status() <= 999);
    check(parser.status() < 100 || parser.status() > 199 || parser.status() == 101);
    check(parser.body().size() <= max_body);
    // After completion more bytes and the close are ignored, never thrown on.
    parser.feed(bytes);
    parser.feed_eof();
  } catch (const std::runtime_error&) {
    // A rejected response: what the client reports as the page's error.
  }
  return 0;
}
