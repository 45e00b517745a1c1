// The httpbin-compatible routes, as a pure function from a parsed request to a planned
// response. No I/O here: the connection carries the plan out (timers for /delay and
// /drip), which keeps every route unit-testable.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace slowfast::server {

struct Request {
  std::string method;  // "GET"
  std::string target;  // "/delay/1?page=7", as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string origin;  // the peer's address
  std::string scheme;  // "https" or "http"
  size_t open_connections = 0;  // reported by /health
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond the standard ones
  double delay_s = 0;  // wait this long before sending anything (/delay, /drip)
  // /drip: the body goes out in `drip_pieces` pieces spread evenly over drip_duration_s.
  int drip_pieces = 0;
  double drip_duration_s = 0;
  // ?framing=close: no Content-Length; the body ends where the connection does (HTTP/1.0
  // framing), so a client must read to the end of the stream.
  bool close_delimited = false;
};

// Routes: /delay/{s} /get /status/{code} /bytes/{n} /drip /health. Bad values give a 400
// with {"error": "..."}; unknown paths a 404. On any route, ?framing=close sends the body
// without Content-Length and closes the connection after it (?framing=length: the default).
Response route(const Request& req);

// "Not Found" for 404 and so on; "Unknown" for codes without a standard phrase.
const char* reason_phrase(int status);

// A JSON error body: {"error": message}.
Response error_response(int status, const std::string& message);

// Maximum values, as httpbin caps them.
inline constexpr double kMaxDelaySeconds = 10;
inline constexpr long kMaxBytes = 100 * 1024;
inline constexpr long kMaxDripBytes = 10 * 1024 * 1024;
inline constexpr int kMaxDripPieces = 1000;

}  // namespace slowfast::server
