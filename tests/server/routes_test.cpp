// The httpbin-compatible routes, without a socket in sight.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "routes.h"

namespace slowfast::server {
namespace {

using nlohmann::json;

Request get(const std::string& target) {
  return Request{"GET", target, {{"Host", "127.0.0.1:8443"}, {"User-Agent", "t"}}, "127.0.0.1",
                 "https"};
}

TEST(Routes, DelayEchoesArgsAndPlansTheWait) {
  Response r = route(get("/delay/0.25?page=7"));
  EXPECT_EQ(r.status, 200);
  EXPECT_DOUBLE_EQ(r.delay_s, 0.25);
  json body = json::parse(r.body);
  EXPECT_EQ(body["args"]["page"], "7");
  EXPECT_EQ(body["url"], "https://127.0.0.1:8443/delay/0.25?page=7");
  EXPECT_EQ(body["origin"], "127.0.0.1");
  EXPECT_EQ(body["headers"]["User-Agent"], "t");
}

TEST(Routes, DelayIsCappedAtTenSecondsLikeHttpbin) {
  EXPECT_DOUBLE_EQ(route(get("/delay/60")).delay_s, kMaxDelaySeconds);
}

TEST(Routes, BadDelayValuesGetA400WithAJsonError) {
  for (const char* bad : {"-1", "abc", "1e309", "nan", "inf", "", "1x", "0x10"}) {
    Response r = route(get(std::string("/delay/") + bad));
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.delay_s, 0) << bad;
    EXPECT_TRUE(json::parse(r.body).contains("error")) << bad;
  }
}

TEST(Routes, RepeatedArgsBecomeAnArrayAndEscapesAreDecoded) {
  json args = json::parse(route(get("/get?a=1&a=2&b=x%20y+z&c")).body)["args"];
  EXPECT_EQ(args["a"], json::array({"1", "2"}));
  EXPECT_EQ(args["b"], "x y z");
  EXPECT_EQ(args["c"], "");
}

TEST(Routes, StatusAnswersTheCodeAskedFor) {
  EXPECT_EQ(route(get("/status/418")).status, 418);
  EXPECT_EQ(route(get("/status/204")).status, 204);
  EXPECT_EQ(route(get("/status/99")).status, 400);
  EXPECT_EQ(route(get("/status/abc")).status, 400);
}

TEST(Routes, BytesAreCappedAndSeedable) {
  EXPECT_EQ(route(get("/bytes/64")).body.size(), 64u);
  EXPECT_EQ(route(get("/bytes/999999999")).body.size(), static_cast<size_t>(kMaxBytes));
  EXPECT_EQ(route(get("/bytes/32?seed=3")).body, route(get("/bytes/32?seed=3")).body);
  EXPECT_EQ(route(get("/bytes/-5")).status, 400);
}

TEST(Routes, FramingCloseDropsTheLengthOnAnyRoute) {
  EXPECT_FALSE(route(get("/bytes/64")).close_delimited);
  EXPECT_FALSE(route(get("/bytes/64?framing=length")).close_delimited);
  EXPECT_TRUE(route(get("/bytes/64?framing=close")).close_delimited);
  EXPECT_TRUE(route(get("/drip?numbytes=8&duration=0&framing=close")).close_delimited);
  Response bad = route(get("/get?framing=chunked"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("framing is close or length"), std::string::npos) << bad.body;
}

TEST(Routes, DripPlansPiecesOverTheDuration) {
  Response r = route(get("/drip?numbytes=20&duration=0.5&delay=0.1"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::string(20, '*'));
  EXPECT_EQ(r.drip_pieces, 20);
  EXPECT_DOUBLE_EQ(r.drip_duration_s, 0.5);
  EXPECT_DOUBLE_EQ(r.delay_s, 0.1);
  EXPECT_EQ(route(get("/drip?numbytes=5000")).drip_pieces, kMaxDripPieces);
  EXPECT_EQ(route(get("/drip?duration=nan")).status, 400);
  EXPECT_EQ(route(get("/drip?numbytes=1.5")).status, 400);
}

TEST(Routes, GetRejectsOtherMethodsAndUnknownPathsAre404) {
  Request post = get("/get");
  post.method = "POST";
  EXPECT_EQ(route(post).status, 405);
  EXPECT_EQ(route(get("/nope")).status, 404);
  EXPECT_EQ(route(get("/health")).status, 200);
}

TEST(Routes, BytesThatAreNotUtf8AreEchoedAsReplacementCharacters) {
  Request req = get("/get?a=%ff&b=\xc3\x28");
  req.headers.emplace_back("X-Raw", "\xfe");
  Response r = route(req);
  ASSERT_EQ(r.status, 200);
  json body = json::parse(r.body);
  EXPECT_EQ(body["args"]["a"], "\xef\xbf\xbd");  // U+FFFD
  EXPECT_EQ(body["headers"]["X-Raw"], "\xef\xbf\xbd");
  EXPECT_EQ(route(get("/no/\xff")).status, 404);
}

TEST(Routes, MethodNotAllowedCarriesAllow) {
  Request req = get("/get");
  req.method = "DELETE";
  Response r = route(req);
  EXPECT_EQ(r.status, 405);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Allow", "GET, HEAD"}));
}

}  // namespace
}  // namespace slowfast::server
