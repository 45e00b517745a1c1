#include "core/url.h"

#include <gtest/gtest.h>

namespace slowfast {
namespace {

Url parse_ok(const std::string& text) {
  std::string why;
  auto url = parse_url(text, &why);
  EXPECT_TRUE(url) << text << ": " << why;
  return url.value_or(Url{});
}

std::string parse_error(const std::string& text) {
  std::string why;
  EXPECT_FALSE(parse_url(text, &why)) << text;
  return why;
}

TEST(Url, ParsesHostPortAndTarget) {
  Url u = parse_ok("https://127.0.0.1:8443/delay/1?x=2");
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.target, "/delay/1?x=2");
  EXPECT_TRUE(u.tls());
  EXPECT_EQ(u.origin(), "https://127.0.0.1:8443");
}

TEST(Url, DefaultsPortAndPath) {
  Url u = parse_ok("http://localhost");
  EXPECT_EQ(u.port, 80);
  EXPECT_EQ(u.target, "/");
  EXPECT_FALSE(u.tls());
  EXPECT_EQ(parse_ok("https://example.org?q=1").target, "/?q=1");
  EXPECT_EQ(parse_ok("https://example.org/a#frag").target, "/a");
}

TEST(Url, Ipv6InBrackets) {
  Url u = parse_ok("https://[::1]:9/get");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 9);
  EXPECT_EQ(u.authority(), "[::1]:9");
}

TEST(Url, RejectsWhatItCannotUse) {
  EXPECT_NE(parse_error("127.0.0.1:8443/delay/1").find("scheme"), std::string::npos);
  EXPECT_NE(parse_error("ftp://host/").find("unsupported scheme"), std::string::npos);
  EXPECT_NE(parse_error("https://host:99999/").find("bad port"), std::string::npos);
  EXPECT_NE(parse_error("https://host:x/").find("bad port"), std::string::npos);
  EXPECT_NE(parse_error("https:///path").find("missing host"), std::string::npos);
  EXPECT_NE(parse_error("https://[::1/").find("unclosed"), std::string::npos);
  EXPECT_NE(parse_error("https://h/a b").find("space"), std::string::npos);
  EXPECT_NE(parse_error("https://h/a\x7f").find("control"), std::string::npos);
}

// The host goes into the Host header: nothing in it may start a new header line.
TEST(Url, RejectsAHostThatIsNeitherANameNorAnAddress) {
  for (const char* bad : {"http://a\r\nX-Injected/get", "http://a b/", "http://a]:b:80/", "http://a%0d/"})
    EXPECT_NE(parse_error(bad).find("bad character in host"), std::string::npos) << bad;
  EXPECT_NE(parse_error("http://[z%5]/").find("IPv6"), std::string::npos);
  EXPECT_NE(parse_error(std::string("http://a\0b/", 11)).find("bad character in host"), std::string::npos);
  EXPECT_EQ(parse_ok("https://[fe80::1%25eth0]:8443/").host, "fe80::1%25eth0");
  EXPECT_EQ(parse_ok("https://lab-host.example_1:8443/").host, "lab-host.example_1");
}

TEST(Url, PageIsAppendedToTheQuery) {
  EXPECT_EQ(target_for_page(parse_ok("https://h/delay/1"), 7), "/delay/1?page=7");
  EXPECT_EQ(target_for_page(parse_ok("https://h/get?a=b"), 0), "/get?a=b&page=0");
}

TEST(Url, DelayComesFromTheDelayPath) {
  EXPECT_DOUBLE_EQ(delay_from_url(parse_ok("https://h/delay/1")), 1.0);
  EXPECT_DOUBLE_EQ(delay_from_url(parse_ok("https://h/delay/0.25?x=1")), 0.25);
  EXPECT_DOUBLE_EQ(delay_from_url(parse_ok("https://h/get")), 0.0);
  EXPECT_DOUBLE_EQ(delay_from_url(parse_ok("https://h/delay/abc")), 0.0);
  EXPECT_DOUBLE_EQ(delay_from_url(parse_ok("https://h/delay/")), 0.0);
  EXPECT_DOUBLE_EQ(delay_from_url(parse_ok("https://h/delay/1e309")), 0.0);  // the server's 400
  EXPECT_DOUBLE_EQ(delay_from_url(parse_ok("https://h/delay/inf")), 0.0);
}

}  // namespace
}  // namespace slowfast
