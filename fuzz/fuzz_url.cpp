// The client's URL handling (clients/core/url.h): parse_url and everything the client
// derives from a parsed URL (authority for the Host header, origin for cpp-httplib,
// the per-page request target, the delay it asks the server for).
//
// Checks what parse_url promises: no space or control character (DEL included) in the
// target or in the authority that goes into the Host header, a finite delay, and the
// round trip parse_url(url.str()).
//
// Input: byte 0 picks the page number; the rest is the URL text.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/url.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool no_control_or_space(const std::string& s) {
  for (unsigned char c : s)
    if (c <= ' ' || c == 0x7f) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int page = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  std::string error;
  std::optional<slowfast::Url> url = slowfast::parse_url(text, &error);
  if (!url) {
    check(!error.empty());
    return 0;
  }
  check(url->scheme == "http" || url->scheme == "https");
  check(!url->host.empty());
  check(url->port >= 1 && url->port <= 65535);
  check(!url->target.empty() && url->target.front() == '/');
  check(no_control_or_space(url->target));
  check(no_control_or_space(url->authority()));  // it goes into the Host header
  check(url->target.find('#') == std::string::npos);
  check(url->str() == url->origin() + url->target);
  const std::string target = slowfast::target_for_page(*url, page);
  check(target.rfind(url->target, 0) == 0);
  check(target.size() > url->target.size() + 6);
  const double delay = slowfast::delay_from_url(*url);
  check(delay >= 0 && std::isfinite(delay));

  std::string again_error;
  std::optional<slowfast::Url> again = slowfast::parse_url(url->str(), &again_error);
  check(again.has_value());
  check(again->scheme == url->scheme && again->host == url->host && again->port == url->port &&
        again->target == url->target);
  return 0;
}
