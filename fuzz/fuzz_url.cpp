// The client's URL handling (clients/core/url.h): parse_url and everything the client
// derives from a parsed URL (authority for the Host header, origin for cpp-httplib,
// the per-page request target, the delay it asks the server for).
//
// Checks what parse_url guarantees today. SLOWFAST_FUZZ_URL_STRICT=1 in the environment
// adds properties it does not keep yet, to explore, not to gate CI: no control
// character at all in the target (DEL, 0x7f, gets through), none in the Host header
// (the host is not checked), a finite delay (/delay/inf), the round trip
// parse_url(url.str()).
//
// Input: byte 0 picks the page number; the rest is the URL text.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "core/url.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// What parse_url rejects in a target today: space and C0 controls.
bool no_space_or_c0(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) <= ' ') return false;
  return true;
}

bool no_control_or_space(const std::string& s) {
  for (char c : s)
    if (c == 0x7f) return false;
  return no_space_or_c0(s);
}

const bool kStrict = [] {
  const char* v = std::getenv("SLOWFAST_FUZZ_URL_STRICT");
  return v && *v && *v != '0';
}();

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
  check(no_space_or_c0(url->target));
  check(url->target.find('#') == std::string::npos);

  const std::string authority = url->authority();
  const std::string origin = url->origin();
  check(url->str() == origin + url->target);
  const std::string target = slowfast::target_for_page(*url, page);
  check(target.rfind(url->target, 0) == 0);
  check(target.size() > url->target.size() + 6);
  const double delay = slowfast::delay_from_url(*url);
  check(delay >= 0);  // not NaN either

  if (kStrict) {
    check(no_control_or_space(url->target));
    check(no_control_or_space(authority));  // it goes into the Host header
    check(std::isfinite(delay));
    std::string again_error;
    std::optional<slowfast::Url> again = slowfast::parse_url(url->str(), &again_error);
    check(again.has_value());
    check(again->scheme == url->scheme && again->host == url->host &&
          again->port == url->port && again->target == url->target);
  }
  return 0;
}
