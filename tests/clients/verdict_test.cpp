#include "core/verdict.h"
#include "core/run_types.h"

#include <gtest/gtest.h>

namespace slowfast {
namespace {

TEST(CheckPage, ValidWhenStatus200AndPageMatches) {
  EXPECT_EQ(check_page(200, R"({"args":{"page":"7"},"origin":"127.0.0.1"})", 7), "");
}

TEST(CheckPage, SaysWhatIsWrong) {
  EXPECT_EQ(check_page(503, "{}", 1), "HTTP status 503");
  EXPECT_EQ(check_page(200, "not json", 1), "response body is not JSON");
  EXPECT_NE(check_page(200, R"({"args":{}})", 1).find("no args.page"), std::string::npos);
  EXPECT_EQ(check_page(200, R"({"args":{"page":"2"}})", 1), R"(wrong page id "2" (expected 1))");
  EXPECT_NE(check_page(200, R"({"args":{"page":1}})", 1).find("wrong page id"), std::string::npos);
  EXPECT_NE(check_page(200, R"({"args":{"page":["1","1"]}})", 1).find("wrong page id"), std::string::npos);
}

TEST(CheckResponse, AStatusIsAnHttpFailureAWrongBodyAPageFailure) {
  RequestRecord rec;
  rec.page = 1;
  check_response(rec, 302, "", RunSpec{});
  EXPECT_EQ(rec.error_kind, "http");
  RequestRecord other;
  other.page = 1;
  check_response(other, 200, R"({"args":{"page":"2"}})", RunSpec{});
  EXPECT_EQ(other.error_kind, "page");
  EXPECT_EQ(other.bytes, 21u);
}

RunSpec spec_for(const std::string& url, Check check) {
  RunSpec spec;
  spec.url = *parse_url(url, nullptr);
  spec.check = check;
  return spec;
}

TEST(CheckResponse, CheckKindsForBytesAndDrip) {
  RunSpec bytes = spec_for("https://127.0.0.1:8443/bytes/5", Check::kLength);
  EXPECT_EQ(check_body(bytes, 200, "abcde", 3), "");
  EXPECT_EQ(check_body(bytes, 200, "abcd", 3), "body of 4 bytes (expected 5)");
  EXPECT_EQ(check_body(bytes, 500, "abcde", 3), "HTTP status 500");
  EXPECT_EQ(check_body(spec_for("https://h/drip?duration=1&numbytes=3", Check::kLength), 200, "***", 0), "");
  EXPECT_NE(check_body(spec_for("https://h/drip?duration=1", Check::kLength), 200, "***", 0), "");  // 10 asked
  EXPECT_EQ(check_body(spec_for("https://h/bytes/5", Check::kStatus), 200, "x", 0), "");
  EXPECT_EQ(check_body(spec_for("https://h/bytes/5", Check::kStatus), 404, "x", 0), "HTTP status 404");
  EXPECT_EQ(check_body(spec_for("https://h/status/503", Check::kNone), 503, "", 0), "");
  // The default is the page check: bytes name no page.
  EXPECT_NE(check_body(spec_for("https://h/bytes/5", Check::kPage), 200, "abcde", 0), "");
}

TEST(CheckResponse, LengthFromUrl) {
  auto length = [](const std::string& u) { return length_from_url(*parse_url(u, nullptr)); };
  EXPECT_EQ(length("http://h/bytes/1024"), 1024u);
  EXPECT_EQ(length("http://h/bytes/1024?seed=3"), 1024u);
  EXPECT_EQ(length("http://h/drip"), 10u);
  EXPECT_EQ(length("http://h/drip?numbytes=0&delay=0"), 0u);
  EXPECT_FALSE(length("http://h/bytes/-1"));
  EXPECT_FALSE(length("http://h/drip?numbytes=1.5"));
  EXPECT_FALSE(length("http://h/delay/1"));
  EXPECT_EQ(parse_check("length"), Check::kLength);
  EXPECT_FALSE(parse_check("body"));
}

TEST(Verdict, FastSlowMixedUnknown) {
  EXPECT_EQ(verdict_for(1.05, 1.0, 10), Verdict::kFast);
  EXPECT_EQ(verdict_for(10.1, 1.0, 10), Verdict::kSlow);
  EXPECT_EQ(verdict_for(3.0, 1.0, 10), Verdict::kMixed);
  EXPECT_EQ(verdict_for(5.0, 1.0, 10), Verdict::kMixed);  // > n/2 x delay is slow, = is not
  EXPECT_EQ(verdict_for(1.0, 0.0, 10), Verdict::kUnknown);
}

RequestRecord record(int page, std::string error = "") {
  RequestRecord r;
  r.page = page;
  r.error = std::move(error);
  return r;
}

TEST(Summarize, SortsPagesAndNeedsOneValidResponseForAVerdict) {
  RunResult r;
  r.n = 3;
  r.delay_s = 1;
  r.total_s = 1.1;
  r.requests = {record(2), record(0, "timed out"), record(1)};
  summarize(r);
  EXPECT_EQ(r.valid_pages, (std::vector<int>{1, 2}));
  EXPECT_EQ(r.invalid_pages, (std::vector<int>{0}));
  EXPECT_EQ(r.verdict, Verdict::kFast);
  for (auto& rec : r.requests) rec.error = "refused";
  summarize(r);
  EXPECT_EQ(r.verdict, Verdict::kUnknown);
}

// A fully serialised run (N x delay) must end with its pages, not with deadlines.
TEST(Deadline, DefaultCoversTwiceASerialisedRun) {
  EXPECT_DOUBLE_EQ(default_deadline(10, 1), kDefaultDeadlineS);
  EXPECT_DOUBLE_EQ(default_deadline(100, 1), 200);
  EXPECT_DOUBLE_EQ(default_deadline(10, 0), kDefaultDeadlineS);  // no known delay
}

}  // namespace
}  // namespace slowfast
