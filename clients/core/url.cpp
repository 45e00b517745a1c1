#include "core/url.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace slowfast {

std::string Url::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

std::string Url::origin() const { return scheme + "://" + authority(); }

namespace {

bool parse_port(const std::string& s, int* port) {
  int value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value < 1 || value > 65535)
    return false;
  *port = value;
  return true;
}

// Splits "host[:port]" or "[v6][:port]" into url->host and url->port.
bool parse_authority(const std::string& auth, Url* url, std::string* error) {
  std::string port_text;
  if (!auth.empty() && auth.front() == '[') {
    size_t close = auth.find(']');
    if (close == std::string::npos) return *error = "unclosed '[' in host", false;
    url->host = auth.substr(1, close - 1);
    if (close + 1 < auth.size()) {
      if (auth[close + 1] != ':') return *error = "junk after ']' in host", false;
      port_text = auth.substr(close + 2);
    }
  } else {
    size_t colon = auth.rfind(':');
    url->host = auth.substr(0, colon);
    if (colon != std::string::npos) port_text = auth.substr(colon + 1);
  }
  if (url->host.empty()) return *error = "missing host", false;
  // The host goes into the Host header: a CR, LF or any other byte outside a name or
  // an address would let a URL inject header lines.
  bool v6 = auth.front() == '[';
  if (v6 && url->host.find(':') == std::string::npos)
    return *error = "'[...]' holds an IPv6 address, got '" + url->host + "'", false;
  std::string_view allowed = v6 ? ":.%" : "-._~";
  bool ok = std::all_of(url->host.begin(), url->host.end(), [allowed](unsigned char c) {
    return std::isalnum(c) || allowed.find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (!ok) return *error = "bad character in host '" + url->host + "'", false;
  if (!port_text.empty() && !parse_port(port_text, &url->port))
    return *error = "bad port '" + port_text + "'", false;
  return true;
}

}  // namespace

std::optional<Url> parse_url(const std::string& text, std::string* error) {
  Url url;
  size_t sep = text.find("://");
  if (sep == std::string::npos) return *error = "missing scheme (http:// or https://)", std::nullopt;
  url.scheme = text.substr(0, sep);
  if (url.scheme != "http" && url.scheme != "https")
    return *error = "unsupported scheme '" + url.scheme + "'", std::nullopt;
  url.port = url.tls() ? 443 : 80;
  size_t path = text.find_first_of("/?#", sep + 3);
  std::string auth = text.substr(sep + 3, path == std::string::npos ? std::string::npos : path - sep - 3);
  if (!parse_authority(auth, &url, error)) return std::nullopt;
  url.target = path == std::string::npos ? "/" : text.substr(path);
  if (size_t hash = url.target.find('#'); hash != std::string::npos) url.target.resize(hash);
  if (url.target.empty() || url.target.front() != '/') url.target.insert(0, "/");
  for (unsigned char c : url.target)
    if (c <= ' ' || c == 0x7f) return *error = "space or control character in path", std::nullopt;
  return url;
}

std::string target_for_page(const Url& url, int page) {
  char sep = url.target.find('?') == std::string::npos ? '?' : '&';
  return url.target + sep + "page=" + std::to_string(page);
}

namespace {
// A whole non-negative decimal number, nothing else.
std::optional<std::size_t> parse_size(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return static_cast<std::size_t>(std::stoull(s));
}
}  // namespace

std::optional<std::size_t> length_from_url(const Url& url) {
  const std::string& t = url.target;
  std::string path = t.substr(0, t.find('?'));
  std::string query = t.find('?') == std::string::npos ? "" : t.substr(t.find('?') + 1);
  if (path.rfind("/bytes/", 0) == 0) return parse_size(path.substr(7));
  if (path != "/drip") return std::nullopt;
  for (size_t at = 0; at <= query.size();) {
    size_t end = std::min(query.find('&', at), query.size());
    std::string pair = query.substr(at, end - at);
    if (pair.rfind("numbytes=", 0) == 0) return parse_size(pair.substr(9));
    at = end + 1;
  }
  return 10;
}

double delay_from_url(const Url& url) {
  const std::string prefix = "/delay/";
  if (url.target.rfind(prefix, 0) != 0) return 0;
  std::string rest = url.target.substr(prefix.size());
  rest = rest.substr(0, rest.find_first_of("/?"));
  char* end = nullptr;
  double d = std::strtod(rest.c_str(), &end);
  if (rest.empty() || *end != '\0' || !(d > 0) || !std::isfinite(d)) return 0;
  return d;
}

}  // namespace slowfast
