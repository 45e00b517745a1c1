#include "core/response_parser.h"

#include <climits>

#include "slowfast/module/failure.h"
#include "slowfast/module/probe.h"

namespace slowfast {

namespace {
constexpr probe::Site kFeed{"slowfast", "ResponseParser::feed"};  // the "parse" step

[[noreturn]] void malformed(const std::string& why) {
  throw RequestFailure(FailureKind::kHttp, "read response: " + why);
}
}  // namespace

ResponseParser::ResponseParser(std::size_t max_body, std::size_t max_header)
    : max_body_(max_body), max_header_(max_header) {
  http_parser_init(&parser_, HTTP_RESPONSE);
  parser_.data = this;
  http_parser_settings_init(&settings_);
  settings_.on_status = &ResponseParser::on_status;
  settings_.on_header_field = &ResponseParser::on_header;
  settings_.on_header_value = &ResponseParser::on_header;
  settings_.on_headers_complete = &ResponseParser::on_headers_complete;
  settings_.on_body = &ResponseParser::on_body;
  settings_.on_message_complete = &ResponseParser::on_message_complete;
}

int ResponseParser::count_header_bytes(std::size_t len) {
  header_bytes_ += len;
  if (header_bytes_ <= max_header_) return 0;
  too_large_ = true;
  return 1;  // stops the parser
}

int ResponseParser::on_status(http_parser* p, const char*, std::size_t len) {
  return static_cast<ResponseParser*>(p->data)->count_header_bytes(len);
}

int ResponseParser::on_header(http_parser* p, const char*, std::size_t len) {
  return static_cast<ResponseParser*>(p->data)->count_header_bytes(len);
}

int ResponseParser::on_headers_complete(http_parser* p) {
  auto* self = static_cast<ResponseParser*>(p->data);
  self->status_ = static_cast<int>(p->status_code);
  // 101 is not interim here: we never ask to switch protocols.
  self->interim_ = p->status_code / 100 == 1 && p->status_code != 101;
  self->headers_done_ = !self->interim_;
  // A Content-Length over the cap fails now, before any of the body is read.
  if (!(p->flags & F_CHUNKED) && p->content_length != ULLONG_MAX && p->content_length > self->max_body_) {
    self->too_large_ = true;
    return -1;  // stops the parser (1 and 2 mean "no body" to http-parser)
  }
  return 0;
}

int ResponseParser::on_body(http_parser* p, const char* at, std::size_t len) {
  auto* self = static_cast<ResponseParser*>(p->data);
  if (self->body_.size() + len > self->max_body_) {
    self->too_large_ = true;
    return 1;  // stops the parser with HPE_CB_body
  }
  self->body_.append(at, len);
  return 0;
}

// A 1xx has no body: http-parser ends it after its headers and goes on with the next
// response in the same bytes. Pausing after the final one keeps bytes after it (none
// expected with Connection: close) from being parsed as a second message.
int ResponseParser::on_message_complete(http_parser* p) {
  auto* self = static_cast<ResponseParser*>(p->data);
  if (self->interim_) {
    self->interim_ = false;
    self->status_ = 0;
    self->header_bytes_ = 0;
    return 0;
  }
  self->complete_ = true;
  http_parser_pause(p, 1);
  return 0;
}

void ResponseParser::check(std::size_t parsed, std::size_t len) {
  if (too_large_)
    malformed(headers_done_ ? "body larger than " + std::to_string(max_body_) + " bytes"
                            : "headers larger than " + std::to_string(max_header_) + " bytes");
  auto err = HTTP_PARSER_ERRNO(&parser_);
  if (err == HPE_PAUSED && complete_) return;
  if (err == HPE_OK && parsed == len) return;
  switch (err) {
    case HPE_HEADER_OVERFLOW: malformed("headers larger than " + std::to_string(max_header_) + " bytes");
    // http-parser reports an overflowing chunk size with the Content-Length error.
    case HPE_INVALID_CONTENT_LENGTH:
      if (headers_done_ && (parser_.flags & F_CHUNKED)) malformed("chunk size too large");
      malformed("invalid Content-Length");
    case HPE_UNEXPECTED_CONTENT_LENGTH:
      malformed("conflicting Content-Length (repeated, or beside Transfer-Encoding: chunked)");
    case HPE_INVALID_CHUNK_SIZE: malformed("invalid chunk size");
    case HPE_INVALID_CONSTANT:
    case HPE_INVALID_VERSION:
    case HPE_INVALID_STATUS:
      if (status_ == 0 && !headers_done_) malformed(std::string("bad status line (") + http_errno_description(err) + ")");
      break;
    default: break;
  }
  malformed(std::string("malformed HTTP response (") + http_errno_description(err) + ")");
}

void ResponseParser::feed(std::string_view data) {
  if (complete_) return;
  probe::Scope scope(kFeed);
  fed_ += data.size();
  std::size_t parsed = http_parser_execute(&parser_, &settings_, data.data(), data.size());
  check(parsed, data.size());
}

void ResponseParser::feed_eof() {
  if (complete_) return;
  http_parser_execute(&parser_, &settings_, nullptr, 0);
  if (complete_) return;
  // http-parser calls an early end "stream ended at an unexpected time": say where.
  std::string why = fed_ == 0         ? "connection closed before any response byte"
                    : !headers_done_  ? "connection closed in the middle of the headers"
                                      : "connection closed after " + std::to_string(body_.size()) +
                                            " body bytes (body incomplete)";
  throw RequestFailure(FailureKind::kRead, "read response: " + why);
}

}  // namespace slowfast
