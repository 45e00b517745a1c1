// One HTTP/1.1 request at a time, parsed by the http-parser library.
//
// The parser pauses itself after each complete request, so pipelined bytes that follow
// are left unconsumed for the connection to keep until the current response is out.
// Limits are enforced here: headers over the limit -> 431, body over the limit -> 413,
// anything http-parser rejects -> 400. So are the RFC 9112 rules http-parser leaves to
// its user: a field name must be a token ("Transfer-Encoding : chunked" is a
// request-smuggling shape, not chunked), an HTTP/1.1 request carries exactly one Host,
// and an absolute-form target ("GET https://host/get") is served as its path with the
// target's authority as the Host.
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

  // The request's headers are in and it asked for "Expect: 100-continue" with a body
  // still to come: the connection owes an interim "100 Continue". True once.
  bool take_continue_wanted() { return std::exchange(continue_wanted_, false); }

  // http-parser's own ceiling on header bytes is process-wide (80 KiB unless raised):
  // raise it so that a configured limit above it is the one that applies.
  static void allow_header_bytes(size_t max_header_bytes);

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
  static int on_headers_complete(http_parser* p);
  static int on_body(http_parser* p, const char* at, size_t len);
  static int on_message_complete(http_parser* p);
  static RequestParser& self(http_parser* p) { return *static_cast<RequestParser*>(p->data); }
  bool count_header_bytes(size_t len);
  void fail(int status, std::string message);
  bool check_headers();
  bool check_chunk_end(const char* from);
  void use_origin_form();

  http_parser parser_{};
  size_t max_header_bytes_;
  size_t max_body_bytes_;
  size_t header_bytes_ = 0;
  size_t body_bytes_ = 0;
  bool started_ = false;
  bool complete_ = false;
  bool keep_alive_ = false;
  bool in_value_ = false;
  bool continue_wanted_ = false;
  const char* feed_end_ = nullptr;  // end of the bytes the current feed() parses
  int crlf_left_ = 0;  // bytes of a chunk's closing CRLF still to check (2, 1 or 0)
  int error_status_ = 0;
  std::string error_message_;
  std::string target_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace slowfast::server
