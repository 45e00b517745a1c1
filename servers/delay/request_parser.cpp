#include "request_parser.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <string_view>

namespace slowfast::server {
namespace {

// RFC 9110 5.6.2: tchar.
bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

void RequestParser::allow_header_bytes(size_t max_header_bytes) {
  // http-parser counts the separators our own count leaves out (": ", CRLF): leave room
  // for them so that our limit, with its clearer message, is the one a client meets.
  http_parser_set_max_header_size(
      static_cast<uint32_t>(std::max<size_t>(HTTP_MAX_HEADER_SIZE, 4 * max_header_bytes + 4096)));
}
RequestParser::RequestParser(size_t max_header_bytes, size_t max_body_bytes)
    : max_header_bytes_(max_header_bytes), max_body_bytes_(max_body_bytes) {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
}

size_t RequestParser::feed(const char* data, size_t len) {
  if (complete_ || failed() || len == 0) return 0;
  started_ = true;
  feed_end_ = data + len;
  if (!check_chunk_end(data)) return 0;
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
  started_ = complete_ = keep_alive_ = in_value_ = continue_wanted_ = false;
  crlf_left_ = 0;
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

// Called once the header block is complete; a non-zero return other than 1 or 2 makes
// http-parser stop with HPE_CB_headers_complete.
int RequestParser::on_headers_complete(http_parser* p) {
  RequestParser& r = self(p);
  if (!r.check_headers()) return -1;
  r.use_origin_form();
  bool has_body = (p->flags & F_CHUNKED) != 0 ||
                  (p->content_length > 0 && p->content_length != ULLONG_MAX);
  for (const auto& [name, value] : r.headers_)
    if (iequals(name, "Expect") && iequals(value, "100-continue") && has_body)
      r.continue_wanted_ = true;
  return 0;
}

bool RequestParser::check_headers() {
  int hosts = 0;
  for (const auto& [name, value] : headers_) {
    if (!is_token(name)) {
      fail(400, "malformed request: header name '" + name + "' is not a token");
      return false;
    }
    if (iequals(name, "Host")) ++hosts;
  }
  bool http11 = parser_.http_major == 1 && parser_.http_minor >= 1;
  if (hosts > 1 || (http11 && hosts == 0)) {
    fail(400, hosts ? "malformed request: more than one Host header"
                    : "malformed request: HTTP/1.1 without a Host header");
    return false;
  }
  return true;
}

// "GET https://host:port/get?x HTTP/1.1" (absolute-form, what a client speaking to a
// proxy sends) becomes "/get?x" with Host "host:port" (RFC 9112 3.2.2).
void RequestParser::use_origin_form() {
  std::string_view t = target_;
  size_t scheme_end = t.find("://");
  if (t.empty() || t[0] == '/' || scheme_end == std::string_view::npos) return;
  std::string_view rest = t.substr(scheme_end + 3);
  size_t path = rest.find_first_of("/?");
  std::string authority(rest.substr(0, path));
  std::string origin_form = path == std::string_view::npos ? "/" : std::string(rest.substr(path));
  if (origin_form[0] == '?') origin_form.insert(0, "/");
  target_ = std::move(origin_form);
  for (auto& [name, value] : headers_)
    if (iequals(name, "Host")) value = authority;
  if (std::none_of(headers_.begin(), headers_.end(), [](const auto& h) { return iequals(h.first, "Host"); }))
    headers_.emplace_back("Host", authority);
}

int RequestParser::on_body(http_parser* p, const char* at, size_t len) {
  RequestParser& r = self(p);
  r.body_bytes_ += len;
  if (r.body_bytes_ > r.max_body_bytes_) {
    r.fail(413, "request body over " + std::to_string(r.max_body_bytes_) + " bytes");
    return 1;
  }
  if ((p->flags & F_CHUNKED) && p->content_length == 0) {  // the chunk's data is all here
    r.crlf_left_ = 2;
    if (!r.check_chunk_end(at + len)) return 1;
  }
  return 0;
}

// A chunk's data must end in CRLF (RFC 9112 7.1). Debian's http-parser is built
// lenient and skips any two bytes there, so "3\r\nabcdef" would be framed differently
// here than by a stricter proxy in front: a request-smuggling shape. The CRLF may
// arrive with the next feed().
bool RequestParser::check_chunk_end(const char* from) {
  for (; crlf_left_ > 0 && from < feed_end_; ++from, --crlf_left_) {
    if (*from != (crlf_left_ == 2 ? '\r' : '\n')) {
      fail(400, "malformed request: chunk data not followed by CRLF");
      return false;
    }
  }
  return true;
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
    st.on_headers_complete = &RequestParser::on_headers_complete;
    st.on_body = &RequestParser::on_body;
    st.on_message_complete = &RequestParser::on_message_complete;
    return st;
  }();
  return s;
}

}  // namespace slowfast::server
