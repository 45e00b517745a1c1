// ResponseParser: one HTTP/1.1 response fed in pieces, parsed by the http-parser
// library (status line, headers, Content-Length, chunked or read-until-close bodies).
// No I/O here, so it is tested on its own.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <http_parser.h>

namespace slowfast {

class ResponseParser {
 public:
  // Bodies above `max_body` are an error: a wrong URL must not eat the memory.
  explicit ResponseParser(std::size_t max_body = 64 << 20);
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  // Feeds bytes; throws std::runtime_error on a malformed response.
  void feed(std::string_view data);
  // The peer closed: completes a read-until-close body, or throws if incomplete.
  void feed_eof();

  bool complete() const { return complete_; }
  int status() const { return status_; }
  const std::string& body() const { return body_; }

 private:
  static int on_headers_complete(http_parser* p);
  static int on_body(http_parser* p, const char* at, std::size_t len);
  static int on_message_complete(http_parser* p);
  void check(std::size_t parsed, std::size_t len);

  http_parser parser_{};
  http_parser_settings settings_{};
  std::size_t max_body_;
  int status_ = 0;
  std::string body_;
  bool complete_ = false;
  bool too_large_ = false;
};

}  // namespace slowfast
