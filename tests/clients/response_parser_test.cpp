#include "core/response_parser.h"

#include "slowfast/module/failure.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace slowfast {
namespace {

TEST(ResponseParser, ContentLengthBodyInOneGo) {
  ResponseParser p;
  p.feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
  ASSERT_TRUE(p.complete());
  EXPECT_EQ(p.status(), 200);
  EXPECT_EQ(p.body(), "hello");
}

TEST(ResponseParser, ByteByByte) {
  std::string wire = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nnop";
  ResponseParser p;
  for (char c : wire) {
    EXPECT_FALSE(p.complete());
    p.feed(std::string_view(&c, 1));
  }
  ASSERT_TRUE(p.complete());
  EXPECT_EQ(p.status(), 404);
  EXPECT_EQ(p.body(), "nop");
}

TEST(ResponseParser, ChunkedBody) {
  ResponseParser p;
  p.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n");
  EXPECT_FALSE(p.complete());
  p.feed("3\r\nefg\r\n0\r\n\r\n");
  ASSERT_TRUE(p.complete());
  EXPECT_EQ(p.body(), "abcdefg");
}

TEST(ResponseParser, BodyUntilCloseEndsAtEof) {
  ResponseParser p;
  p.feed("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npart");
  EXPECT_FALSE(p.complete());
  p.feed_eof();
  ASSERT_TRUE(p.complete());
  EXPECT_EQ(p.body(), "part");
}

TEST(ResponseParser, TruncatedResponseIsAnError) {
  ResponseParser p;
  p.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
  EXPECT_THROW(p.feed_eof(), std::runtime_error);
}

TEST(ResponseParser, GarbageIsAnError) {
  ResponseParser p;
  EXPECT_THROW(p.feed("SSH-2.0-OpenSSH\r\n"), std::runtime_error);
}

TEST(ResponseParser, OversizedBodyIsAnError) {
  ResponseParser p(4);
  EXPECT_THROW(p.feed("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n12345678"), std::runtime_error);
}

TEST(ResponseParser, BytesAfterTheResponseAreIgnored) {
  ResponseParser p;
  p.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 500 X\r\n\r\n");
  ASSERT_TRUE(p.complete());
  EXPECT_EQ(p.status(), 200);
  EXPECT_EQ(p.body(), "ok");
}

// What the parser throws for `wire`: its kind and message.
std::pair<FailureKind, std::string> failure_of(std::string_view wire) {
  ResponseParser p;
  try {
    p.feed(wire);
    p.feed_eof();
  } catch (const RequestFailure& e) {
    return {e.kind(), e.what()};
  }
  return {FailureKind::kNone, ""};
}

TEST(ResponseParser, InterimResponsesAreSkipped) {
  ResponseParser p;
  p.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n");
  EXPECT_FALSE(p.complete());
  p.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  ASSERT_TRUE(p.complete());
  EXPECT_EQ(p.status(), 200);
  EXPECT_EQ(p.body(), "ok");
}

TEST(ResponseParser, EachFaultIsNamed) {
  EXPECT_EQ(failure_of("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
            std::make_pair(FailureKind::kHttp, std::string("read response: conflicting Content-Length (repeated, or "
                                                           "beside Transfer-Encoding: chunked)")));
  auto [kind, why] = failure_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n");
  EXPECT_EQ(kind, FailureKind::kHttp);
  EXPECT_EQ(why, "read response: chunk size too large");
  EXPECT_NE(failure_of("garbage\r\n\r\n").second.find("bad status line"), std::string::npos);
  EXPECT_EQ(failure_of("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n").second, "read response: invalid Content-Length");
  EXPECT_EQ(failure_of("").first, FailureKind::kRead);
  EXPECT_NE(failure_of("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab").second.find("after 2 body bytes"),
            std::string::npos);
  std::string big = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 2000; ++i) big += "X-Filler-" + std::to_string(i) + ": " + std::string(40, 'x') + "\r\n";
  EXPECT_EQ(failure_of(big).second, "read response: headers larger than 65536 bytes");
}

}  // namespace
}  // namespace slowfast
