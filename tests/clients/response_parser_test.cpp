#include "uv_nonblocking/response_parser.h"

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

}  // namespace
}  // namespace slowfast
