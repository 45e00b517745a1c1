#include "request_parser.h"

namespace slowfast::server {
RequestParser::RequestParser(size_t max_header_bytes, size_t max_body_bytes)
    : max_header_bytes_(max_header_bytes), max_body_bytes_(max_body_bytes) {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
}

size_t RequestParser::feed(const char* data, size_t len) {
  if (complete_ || failed() || len == 0) return 0;
  started_ = true;
  size_t n = http_parser_execute(&parser_, &settings(), data, len);
  http_errno err = HTTP_PARSER_ERRNO(&parser_);
  if (err == HPE_PAUSED || err == HPE_OK) return n;
  if (!failed()) {
    if (err == HPE_HEADER_OVERFLOW) fail(431, "request headers too large");
    else fail(400, std::string("malformed request: ") + http_errno_description(err));
  }
  return n;
}

std::string RequestParser::method() const {
  return http_method_str(static_cast<http_method>(parser_.method));
}

void RequestParser::next() {
  started_ = complete_ = keep_alive_ = in_value_ = false;
  header_bytes_ = body_bytes_ = 0;
  target_.clear();
  headers_.clear();
  http_parser_pause(&parser_, 0);
}

void RequestParser::fail(int status, std::string message) {
  error_status_ = status;
  error_message_ = std::move(message);
}

bool RequestParser::count_header_bytes(size_t len) {
  header_bytes_ += len;
  if (header_bytes_ <= max_header_bytes_) return true;
  fail(431, "request headers over " + std::to_string(max_header_bytes_) + " bytes");
  return false;
}

int RequestParser::on_message_begin(http_parser* p) {
  self(p).started_ = true;
  return 0;
}

int RequestParser::on_url(http_parser* p, const char* at, size_t len) {
  RequestParser& r = self(p);
  if (!r.count_header_bytes(len)) return 1;
  r.target_.append(at, len);
  return 0;
}

int RequestParser::on_header_field(http_parser* p, const char* at, size_t len) {
  RequestParser& r = self(p);
  if (!r.count_header_bytes(len)) return 1;
  if (r.in_value_ || r.headers_.empty()) r.headers_.emplace_back();
  r.in_value_ = false;
  r.headers_.back().first.append(at, len);
  return 0;
}

int RequestParser::on_header_value(http_parser* p, const char* at, size_t len) {
  RequestParser& r = self(p);
  if (!r.count_header_bytes(len)) return 1;
  r.in_value_ = true;
  r.headers_.back().second.append(at, len);
  return 0;
}

int RequestParser::on_body(http_parser* p, const char*, size_t len) {
  RequestParser& r = self(p);
  r.body_bytes_ += len;
  if (r.body_bytes_ <= r.max_body_bytes_) return 0;
  r.fail(413, "request body over " + std::to_string(r.max_body_bytes_) + " bytes");
  return 1;
}

int RequestParser::on_message_complete(http_parser* p) {
  RequestParser& r = self(p);
  r.complete_ = true;
  // An upgrade (e.g. to WebSocket) is not ours to serve: answer, then close.
  r.keep_alive_ = http_should_keep_alive(p) != 0 && !p->upgrade;
  http_parser_pause(p, 1);
  return 0;
}

const http_parser_settings& RequestParser::settings() {
  static const http_parser_settings s = [] {
    http_parser_settings st{};
    st.on_message_begin = &RequestParser::on_message_begin;
    st.on_url = &RequestParser::on_url;
    st.on_header_field = &RequestParser::on_header_field;
    st.on_header_value = &RequestParser::on_header_value;
    st.on_body = &RequestParser::on_body;
    st.on_message_complete = &RequestParser::on_message_complete;
    return st;
  }();
  return s;
}

}  // namespace slowfast::server
