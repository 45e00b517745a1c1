#include "core/run_json.h"

#include <gtest/gtest.h>

namespace slowfast {
namespace {

TEST(RunJson, HasTheContractKeys) {
  RunResult r;
  r.variant = Variant::kUvNonblocking;
  r.runtime = Runtime::kPy27;
  r.modules = {"blocking_tls-1.0", "coop_shim-1.2"};
  r.n = 2;
  r.delay_s = 0.25;
  r.total_s = 0.2612345678;
  RequestRecord ok;
  ok.page = 0;
  ok.status = 200;
  ok.bytes = 300;
  ok.socket_class = "CoopShim";
  ok.t = {0.0, 0.001, 0.004, 0.0045, 0.251, 0.2512};
  RequestRecord bad;
  bad.page = 1;
  bad.fail(FailureKind::kTimeout, "read response: timed out after 1 s", Step::kRead);
  bad.t.start = 0.0;
  bad.t.done = 0.26;
  r.requests = {ok, bad};
  summarize(r);

  nlohmann::json j = to_json(r);
  for (const char* key : {"variant", "runtime", "modules", "n", "delay_s", "total_s", "valid", "invalid",
                          "verdict", "requests"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["variant"], "uv-nonblocking");
  EXPECT_EQ(j["runtime"], "py27");
  EXPECT_EQ(j["modules"][1], "coop_shim-1.2");
  EXPECT_EQ(j["valid"], 1);
  EXPECT_EQ(j["invalid"], 1);
  EXPECT_EQ(j["invalid_page_ids"], nlohmann::json::array({1}));
  EXPECT_DOUBLE_EQ(j["total_s"].get<double>(), 0.261235);
  EXPECT_FALSE(j.contains("threads"));

  const nlohmann::json& first = j["requests"][0];
  EXPECT_EQ(first["page"], 0);
  EXPECT_EQ(first["status"], 200);
  EXPECT_EQ(first["bytes"], 300);
  EXPECT_TRUE(first["error"].is_null());
  for (const char* step : {"start", "connected", "tls_done", "sent", "first_byte", "done"})
    EXPECT_TRUE(first["t"][step].is_number()) << step;
  const nlohmann::json& second = j["requests"][1];
  EXPECT_EQ(second["error"], "read response: timed out after 1 s");
  EXPECT_EQ(second["error_kind"], "timeout-read");
  EXPECT_TRUE(first["error_kind"].is_null());
  // Every kind counted, timeouts of every step as one (wrk's "Socket errors" line).
  EXPECT_EQ(j["errors_by_kind"]["timeout"], 1);
  EXPECT_EQ(j["errors_by_kind"]["connect"], 0);
  EXPECT_EQ(j["errors_by_kind"].size(), std::size(kFailureKindsInSummary));
  EXPECT_TRUE(second["t"]["connected"].is_null());  // never observed: null, not 0
}

// Each stall keeps its culprit and adds the loop thread's stack, innermost first.
TEST(RunJson, WatchdogStallsCarryTheirStack) {
  RunResult r;
  r.watchdog = WatchdogReport{true, 0.1, {Stall{0.0, 0.1, 0.3, "slowfast: uv_run -> PollWait::resume", 2,
                                                {"nanosleep [libc]", "VendorScanSocket::inspect_before_read [vendor_scan]"}},
                                          Stall{0.4, 0.5, 0.3, "slowfast: uv_run -> PollWait::resume", 3, {}}}};
  nlohmann::json s = to_json(r)["watchdog"]["stalls"];
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0]["culprit"], "slowfast: uv_run -> PollWait::resume");
  EXPECT_EQ(s[0]["stack"], nlohmann::json::array({"nanosleep [libc]", "VendorScanSocket::inspect_before_read [vendor_scan]"}));
  EXPECT_EQ(s[1]["stack"], nlohmann::json::array()) << "not sampled";
}

TEST(RunJson, ThreadpoolSizeIsReported) {
  RunResult r;
  r.variant = Variant::kUvThreadpool;
  r.threads = 4;
  EXPECT_EQ(to_json(r)["threads"], 4);
}

}  // namespace
}  // namespace slowfast
