// The trace, profile and watchdog texts, from hand-made records.
#include <gtest/gtest.h>

#include "observe/profile_table.h"
#include "observe/trace.h"
#include "observe/watchdog_report.h"

namespace slowfast {
namespace {

RunResult two_pages() {
  RunResult r;
  r.n = 2;
  for (int i = 0; i < 2; ++i) {
    RequestRecord rec;
    rec.page = i;
    rec.status = 200;
    rec.bytes = 309;
    // Page 1 connects before page 0 sends: the trace interleaves them by time.
    rec.t = {0.0, 0.01 + i * 0.001, 0.02 + i, 0.02 + i, 1.02 + i, 1.03 + i};
    r.requests.push_back(rec);
  }
  r.requests[1].error = "page mismatch";
  r.watchdog = WatchdogReport{true, 0.1, {Stall{0.02, 0.12, 1.0, "blocking_tls: X::recv_into -> poll", 0}}};
  return r;
}

TEST(Trace, EventsInTimeOrderAndEachPageInItsOwnOrder) {
  std::string why;
  Url url = *parse_url("https://127.0.0.1:8443/delay/1", &why);
  std::string t = render_trace(two_pages(), url);
  auto at = [&](const std::string& s) { return t.find(s); };
  EXPECT_LT(at("page 0    started"), at("page 1    started")) << t;
  EXPECT_LT(at("page 1    connected"), at("page 0    handshake done")) << t;
  EXPECT_LT(at("page 0    request sent  GET /delay/1?page=0"), at("LOOP BLOCKED  blocking_tls")) << t;
  EXPECT_LT(at("LOOP BLOCKED"), at("page 0    first byte")) << t;
  EXPECT_NE(at("page 0    response done  GET /delay/1?page=0 200 309 bytes"), std::string::npos) << t;
  EXPECT_LT(at("page 1    response done"), at("page 1    error  page mismatch")) << t;
}

TEST(ProfileTable, CProfileColumnsAndPaths) {
  std::vector<ProfileRow> rows = {{{"uv_run"}, "slowfast", 1, 0.001, 2.0},
                                  {{"uv_run", "X::recv_into", "poll"}, "blocking_tls", 8, 1.9, 1.9}};
  std::string t = render_profile(rows, 2.0, 1);
  EXPECT_NE(t.find("  ncalls  tottime  percall  cumtime  percall  caller -> callee"), std::string::npos) << t;
  EXPECT_NE(t.find("       1    0.001    0.001    2.000    2.000  uv_run  [slowfast]"), std::string::npos) << t;
  EXPECT_EQ(t.find("poll"), std::string::npos) << "cut at max_rows";
  EXPECT_NE(t.find("(1 more paths"), std::string::npos) << t;
  EXPECT_EQ(path_text(rows[1]), "uv_run -> X::recv_into -> poll");
}

TEST(WatchdogReport, StallsThenSummary) {
  RunResult r = two_pages();
  std::string t = render_watchdog(r.watchdog, 2.0);
  EXPECT_NE(t.find("threshold 100 ms): 1 stall\n"), std::string::npos) << t;
  EXPECT_NE(t.find("1.000 s blocked from 0.020 s, page 0, in blocking_tls: X::recv_into -> poll"), std::string::npos)
      << t;
  EXPECT_NE(t.find("Summary: 1 stall, 1.000 s blocked in all, longest 1.000 s, loop blocked 50.0 %"),
            std::string::npos)
      << t;
  EXPECT_EQ(stall_summary(r.watchdog, 2.0), "1 stall, 1.00 s blocked (50 %), longest 1.000 s, in blocking_tls: "
                                            "X::recv_into -> poll");
  EXPECT_EQ(stall_summary(WatchdogReport{true, 0.1, {}}, 1), "no stall");
  EXPECT_NE(render_watchdog(WatchdogReport{true, 0.1, {}}, 1).find("no stall"), std::string::npos);
}

}  // namespace
}  // namespace slowfast
