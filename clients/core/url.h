// The small URL subset the lab needs: http(s)://host[:port]/path[?query].
#pragma once
#include <optional>
#include <string>

namespace slowfast {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // name or address, IPv6 without brackets
  int port = 0;        // explicit or the scheme's default
  std::string target;  // path and query, "/" at least

  bool tls() const { return scheme == "https"; }
  // host:port as it goes in a Host header ([v6]:port for IPv6).
  std::string authority() const;
  // scheme://authority, what cpp-httplib's Client takes.
  std::string origin() const;
  std::string str() const { return origin() + target; }
};

// Parses `text` or says why not in `error`.
std::optional<Url> parse_url(const std::string& text, std::string* error);

// The request target for page `page`: ?page=i or &page=i appended.
std::string target_for_page(const Url& url, int page);

// The server delay a URL asks for: `/delay/{seconds}` -> seconds, otherwise 0.
double delay_from_url(const Url& url);

// The body length a URL asks for: `/bytes/{n}` -> n, `/drip` -> its numbytes (10 when
// not given, as httpbin); nothing for any other path.
std::optional<std::size_t> length_from_url(const Url& url);

}  // namespace slowfast
