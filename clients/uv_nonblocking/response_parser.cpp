#include "uv_nonblocking/response_parser.h"

#include <stdexcept>

#include "core/probe.h"

namespace slowfast {

namespace {
constexpr probe::Site kFeed{"slowfast", "ResponseParser::feed"};  // the "parse" step
}  // namespace

ResponseParser::ResponseParser(std::size_t max_body) : max_body_(max_body) {
  http_parser_init(&parser_, HTTP_RESPONSE);
  parser_.data = this;
  http_parser_settings_init(&settings_);
  settings_.on_headers_complete = &ResponseParser::on_headers_complete;
  settings_.on_body = &ResponseParser::on_body;
  settings_.on_message_complete = &ResponseParser::on_message_complete;
}

int ResponseParser::on_headers_complete(http_parser* p) {
  static_cast<ResponseParser*>(p->data)->status_ = static_cast<int>(p->status_code);
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

// Pausing keeps bytes after the response (none expected with Connection: close)
// from being parsed as a second message.
int ResponseParser::on_message_complete(http_parser* p) {
  static_cast<ResponseParser*>(p->data)->complete_ = true;
  http_parser_pause(p, 1);
  return 0;
}

void ResponseParser::check(std::size_t parsed, std::size_t len) {
  if (too_large_) throw std::runtime_error("response body larger than " + std::to_string(max_body_) + " bytes");
  auto err = HTTP_PARSER_ERRNO(&parser_);
  if (err == HPE_PAUSED && complete_) return;
  if (err != HPE_OK || parsed != len)
    throw std::runtime_error(std::string("malformed HTTP response: ") + http_errno_description(err));
}

void ResponseParser::feed(std::string_view data) {
  if (complete_) return;
  probe::Scope scope(kFeed);
  std::size_t parsed = http_parser_execute(&parser_, &settings_, data.data(), data.size());
  check(parsed, data.size());
}

void ResponseParser::feed_eof() {
  if (complete_) return;
  std::size_t parsed = http_parser_execute(&parser_, &settings_, nullptr, 0);
  check(parsed, 0);
  if (!complete_) throw std::runtime_error("connection closed before the response was complete");
}

}  // namespace slowfast
