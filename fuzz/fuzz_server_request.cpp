// The delay server's whole bytes-to-answer path, as connection.cpp drives it without the
// sockets: bytes -> RequestParser (fed in pieces) -> Request -> route() -> the response
// text send_response() writes, then the next pipelined request, until the connection
// would close. Nothing a client sends may crash it or throw out of it: no try/catch here.
//
// Input: byte 0 picks the piece size (1-64 bytes, or all at once) and small parser
// limits (to reach 431 and 413); byte 1 seeds how the piece size varies; the rest is
// what the client sends.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "config.h"
#include "request_parser.h"
#include "routes.h"

namespace {

using namespace slowfast::server;

constexpr int kMaxRequests = 64;  // pipelined requests per input

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Connection::arm_timer's conversion: must be defined (UBSan checks the cast).
uint64_t timer_ms(double seconds) {
  check(seconds >= 0 && seconds <= kMaxDelaySeconds);
  return static_cast<uint64_t>(seconds * 1000 + 0.5);
}

// Connection::send_response (and send_drip_piece): the bytes that would go out.
std::string serialise(const Response& r, const std::string& method, bool keep_alive) {
  check(r.status >= 200 && r.status <= 599);
  bool head = method == "HEAD";
  bool bodyless = r.status == 204 || r.status == 304;
  char line[160];
  std::snprintf(line, sizeof line, "HTTP/1.1 %d %s\r\n", r.status, reason_phrase(r.status));
  std::string out = line;
  out += "Server: slowfast\r\nContent-Type: " + r.content_type + "\r\n";
  if (!bodyless) out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  if (r.delay_s > 0) timer_ms(r.delay_s);
  if (r.drip_pieces > 0 && !head && !bodyless) {
    size_t size = r.body.size(), pieces = static_cast<size_t>(r.drip_pieces);
    check(pieces <= static_cast<size_t>(kMaxDripPieces));
    size_t sent = 0;
    for (size_t i = 0; i < pieces; ++i) sent += size * (i + 1) / pieces - size * i / pieces;
    check(sent == size);
    timer_ms(r.drip_duration_s / static_cast<double>(pieces));
    return out;  // the body goes out in pieces; the head is what matters here
  }
  if (r.content_type == "application/json") check(nlohmann::json::accept(r.body));
  if (!head && !bodyless) out += r.body;
  return out;
}

// Connection::respond_error: the answer to bytes that are not a request.
void answer_error(int status, const std::string& message) {
  serialise(error_response(status, message), "-", false);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t mode = data[0];
  uint32_t piece_seed = data[1];
  const char* bytes = reinterpret_cast<const char*>(data + 2);
  const size_t len = size - 2;

  const Config defaults;
  const bool small_limits = mode & 0x80;
  RequestParser parser(small_limits ? 256 : defaults.max_header_bytes,
                       small_limits ? 64 : defaults.max_body_bytes);
  const size_t base_piece = (mode & 0x40) ? len + 1 : (mode & 0x3f) + 1;
  auto next_piece = [&] {
    // Vary the piece size around the base one (a read returns what has arrived).
    piece_seed = piece_seed * 1103515245u + 12345u;
    return base_piece + ((piece_seed >> 16) % base_piece);
  };
  const std::string scheme = (mode & 0x20) ? "https" : "http";

  size_t pos = 0;
  for (int requests = 0; requests < kMaxRequests;) {
    if (pos == len) {
      // The client stopped mid-request: the header timeout answers 408.
      if (parser.started()) answer_error(408, "request headers not complete within 300 s");
      break;
    }
    size_t piece = std::min(next_piece(), len - pos);
    size_t used = parser.feed(bytes + pos, piece);
    check(used <= piece);
    pos += used;
    if (parser.failed()) {
      int st = parser.error_status();
      check(st == 400 || st == 413 || st == 431);
      answer_error(st, parser.error_message());
      break;
    }
    if (!parser.complete()) {
      // connection.cpp keeps nothing of a piece the parser neither used nor completed on.
      check(used == piece);
      continue;
    }
    ++requests;
    Request req{parser.method(), parser.target(), parser.headers(), "127.0.0.1", scheme,
                static_cast<size_t>(requests)};
    Response res = route(req);
    bool keep_alive = parser.keep_alive();
    serialise(res, req.method, keep_alive);
    if (!keep_alive) break;
    parser.next();
  }
  return 0;
}
