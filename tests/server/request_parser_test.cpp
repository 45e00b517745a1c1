// The server's request parser (http-parser underneath): limits, pipelining, keep-alive.
#include <gtest/gtest.h>

#include "request_parser.h"

namespace slowfast::server {
namespace {

size_t feed(RequestParser& p, const std::string& s) { return p.feed(s.data(), s.size()); }

TEST(RequestParser, ParsesARequestAndItsHeaders) {
  RequestParser p(16384, 1024);
  std::string req = "GET /delay/1?page=3 HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n\r\n";
  EXPECT_EQ(feed(p, req), req.size());
  ASSERT_TRUE(p.complete());
  EXPECT_EQ(p.method(), "GET");
  EXPECT_EQ(p.target(), "/delay/1?page=3");
  ASSERT_EQ(p.headers().size(), 2u);
  EXPECT_EQ(p.headers()[1].first, "X-Long");
  EXPECT_EQ(p.headers()[1].second, "a");
  EXPECT_TRUE(p.keep_alive());
}

TEST(RequestParser, HeadersSplitAcrossReadsAreJoined) {
  RequestParser p(16384, 1024);
  feed(p, "GET /get HTTP/1.1\r\nHo");
  EXPECT_TRUE(p.started());
  EXPECT_FALSE(p.complete());
  feed(p, "st: loc");
  feed(p, "alhost\r\n\r\n");
  ASSERT_TRUE(p.complete());
  EXPECT_EQ(p.headers()[0], (std::pair<std::string, std::string>{"Host", "localhost"}));
}

TEST(RequestParser, StopsAfterOneRequestSoPipelinedBytesWait) {
  RequestParser p(16384, 1024);
  std::string one = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string two = "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(feed(p, one + two), one.size());
  EXPECT_EQ(p.target(), "/a");
  p.next();
  EXPECT_EQ(feed(p, two), two.size());
  EXPECT_EQ(p.target(), "/b");
}

TEST(RequestParser, Http10AndConnectionCloseEndKeepAlive) {
  RequestParser a(16384, 1024), b(16384, 1024);
  feed(a, "GET / HTTP/1.0\r\n\r\n");
  feed(b, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_FALSE(a.keep_alive());
  EXPECT_FALSE(b.keep_alive());
}

TEST(RequestParser, GarbageIs400) {
  RequestParser p(16384, 1024);
  feed(p, "\x16\x03\x01 this is not http\r\n\r\n");
  EXPECT_TRUE(p.failed());
  EXPECT_EQ(p.error_status(), 400);
}

TEST(RequestParser, HeadersOverTheLimitAre431) {
  RequestParser p(1024, 1024);
  feed(p, "GET / HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  EXPECT_EQ(p.error_status(), 431);
}

TEST(RequestParser, BodyOverTheLimitIs413) {
  RequestParser p(16384, 10);
  feed(p, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n01234567890123456789");
  EXPECT_EQ(p.error_status(), 413);
}

TEST(RequestParser, HeaderNamesMustBeTokens) {
  for (const char* name : {"Transfer-Encoding ", "Bad Name", "X@"}) {
    RequestParser p(16384, 1024);
    feed(p, std::string("GET / HTTP/1.1\r\nHost: x\r\n") + name + ": 1\r\n\r\n");
    EXPECT_EQ(p.error_status(), 400) << name;
    EXPECT_FALSE(p.complete()) << name;
  }
}

TEST(RequestParser, Http11NeedsExactlyOneHost) {
  RequestParser none(16384, 1024), two(16384, 1024), http10(16384, 1024);
  feed(none, "GET / HTTP/1.1\r\n\r\n");
  feed(two, "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n");
  feed(http10, "GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(none.error_status(), 400);
  EXPECT_EQ(two.error_status(), 400);
  EXPECT_TRUE(http10.complete());
}

TEST(RequestParser, AbsoluteFormBecomesOriginFormWithTheTargetsHost) {
  RequestParser p(16384, 1024);
  feed(p, "GET https://lab:8443?page=1 HTTP/1.1\r\nHost: other\r\n\r\n");
  ASSERT_TRUE(p.complete());
  EXPECT_EQ(p.target(), "/?page=1");
  EXPECT_EQ(p.headers()[0].second, "lab:8443");
}

TEST(RequestParser, ChunkDataMustEndInCrlfEvenAcrossFeeds) {
  RequestParser good(16384, 1024), bad(16384, 1024);
  for (const char* piece : {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc",
                            "\r", "\n0\r\n\r\n"})
    feed(good, piece);
  EXPECT_TRUE(good.complete());
  for (const char* piece : {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc",
                            "\r", "X0\r\n\r\n"})
    feed(bad, piece);
  EXPECT_EQ(bad.error_status(), 400);
}

TEST(RequestParser, ExpectContinueIsOwedOnlyWhileABodyIsToCome) {
  RequestParser p(16384, 1024), no_body(16384, 1024);
  feed(p, "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n");
  EXPECT_TRUE(p.take_continue_wanted());
  EXPECT_FALSE(p.take_continue_wanted());  // once
  feed(no_body, "GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_FALSE(no_body.take_continue_wanted());
}

}  // namespace
}  // namespace slowfast::server
