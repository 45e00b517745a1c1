// One HTTP/1.1 request at a time, parsed by the http-parser library.
//
// The parser pauses itself after each complete request, so pipelined bytes that follow
// are left unconsumed for the connection to keep until the current response is out.
// Limits are enforced here: headers over the limit -> 431, body over the limit -> 413,
// anything http-parser rejects -> 400.
#pragma once
#include <http_parser.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace slowfast::server {

class RequestParser {
 public:
  RequestParser(size_t max_header_bytes, size_t max_body_bytes);
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Parses up to `len` bytes and returns how many it consumed: fewer than `len` when a
  // request completed (see complete()) or an error stopped it (see failed()).
  size_t feed(const char* data, size_t len);

  bool started() const { return started_; }  // some bytes of a request have arrived
  bool complete() const { return complete_; }
  bool failed() const { return error_status_ != 0; }
  int error_status() const { return error_status_; }
  const std::string& error_message() const { return error_message_; }

  // Valid once complete().
  std::string method() const;
  const std::string& target() const { return target_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
  bool keep_alive() const { return keep_alive_; }

  // Forget the completed request and accept the next one on the same connection.
  void next();

 private:
  static const http_parser_settings& settings();
  static int on_message_begin(http_parser* p);
  static int on_url(http_parser* p, const char* at, size_t len);
  static int on_header_field(http_parser* p, const char* at, size_t len);
  static int on_header_value(http_parser* p, const char* at, size_t len);
  static int on_body(http_parser* p, const char* at, size_t len);
  static int on_message_complete(http_parser* p);
  static RequestParser& self(http_parser* p) { return *static_cast<RequestParser*>(p->data); }
  bool count_header_bytes(size_t len);
  void fail(int status, std::string message);

  http_parser parser_{};
  size_t max_header_bytes_;
  size_t max_body_bytes_;
  size_t header_bytes_ = 0;
  size_t body_bytes_ = 0;
  bool started_ = false;
  bool complete_ = false;
  bool keep_alive_ = false;
  bool in_value_ = false;
  int error_status_ = 0;
  std::string error_message_;
  std::string target_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace slowfast::server
