// A module's response hook (SocketRegistry::on_response) on real runs over TLS: it sees
// each response, its answer is the request's "hook" in the JSON, the work it hands to
// the threadpool runs off the loop, and what it throws fails that request alone, named.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fetch_fixture.h"

namespace slowfast::testing {
namespace {
using nlohmann::json;

TEST(ResponseHook, AnswersEveryResponseAndFailsOnlyThePageItThrowsFor) {
  FetchFixture lab;
  FetchRun r = lab.fetch(4, {"--url", lab.server().https_url("/delay/0.2"), "--modules", SLOWFAST_TEST_PAGE_HOOK_DIR});
  ASSERT_TRUE(r.j.is_object()) << r.cli.out << r.cli.err;
  EXPECT_EQ(r.cli.exit_code, 1) << "one invalid page is a failed run\n" << r.cli.out;
  for (const json& req : r.j["requests"]) {
    const int page = req["page"];
    if (page == 2) {
      EXPECT_EQ(req["error"], "read response: response hook: no answer for page 2") << req;
      EXPECT_EQ(req["error_kind"], "read") << req;
      EXPECT_FALSE(req.contains("hook")) << req;
    } else {
      EXPECT_TRUE(req["error"].is_null()) << req;
      EXPECT_EQ(req["hook"], "page=" + std::to_string(page) + " status=200 bytes=" +
                                 std::to_string(req["bytes"].get<int>()) + " off_loop=yes")
          << req;
    }
  }
}

TEST(ResponseHook, NoHookNoField) {
  FetchFixture lab;
  FetchRun r = lab.fetch(2, {"--url", lab.server().https_url("/get")});
  ASSERT_TRUE(r.j.is_object()) << r.cli.out << r.cli.err;
  for (const json& req : r.j["requests"]) EXPECT_FALSE(req.contains("hook")) << req;
}

}  // namespace
}  // namespace slowfast::testing
