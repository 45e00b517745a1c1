// ResponseParser: one HTTP/1.1 response fed in pieces, parsed by the http-parser
// library (status line, headers, Content-Length, chunked or read-until-close bodies).
// Interim 1xx responses (100 Continue, 103 Early Hints) are skipped: the final one is
// the response (RFC 9110 15.2). Every client variant reads through it, so all of them
// accept and reject the same responses. No I/O here, so it is tested on its own.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <http_parser.h>

#include "core/response_limits.h"

namespace slowfast {

class ResponseParser {
 public:
  // Headers above `max_header` or bodies above `max_body` bytes are an error.
  explicit ResponseParser(std::size_t max_body = kMaxResponseBodyBytes,
                          std::size_t max_header = kMaxResponseHeaderBytes);
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  // Feeds bytes; throws RequestFailure (kind http) on a malformed or oversized response.
  void feed(std::string_view data);
  // The peer closed: completes a read-until-close body, or throws RequestFailure (kind
  // read) when the response is incomplete.
  void feed_eof();

  bool complete() const { return complete_; }
  bool started() const { return fed_ > 0; }
  int status() const { return status_; }
  const std::string& body() const { return body_; }

 private:
  static int on_status(http_parser* p, const char* at, std::size_t len);
  static int on_header(http_parser* p, const char* at, std::size_t len);
  static int on_headers_complete(http_parser* p);
  static int on_body(http_parser* p, const char* at, std::size_t len);
  static int on_message_complete(http_parser* p);
  int count_header_bytes(std::size_t len);
  void check(std::size_t parsed, std::size_t len);

  http_parser parser_{};
  http_parser_settings settings_{};
  std::size_t max_body_;
  std::size_t max_header_;
  std::size_t header_bytes_ = 0;  // of the response being parsed (reset after a 1xx)
  std::size_t fed_ = 0;
  int status_ = 0;
  bool headers_done_ = false;
  bool interim_ = false;  // the response being parsed is a 1xx
  std::string body_;
  bool complete_ = false;
  bool too_large_ = false;
};

}  // namespace slowfast
