// The exports on a known run: hey's CSV columns and values, the Chrome trace's tracks
// and slices (parsed back as JSON), wrk2's spectrum rows and footer.
#include "observe/exports.h"

#include <map>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace slowfast {
namespace {

// Two requests: page 0 all the way (connect 0-0.01, tls -0.03, send -0.031, wait -1.031,
// receive -1.032); page 1 refused at connect after 0.002 s. One stall on the loop.
RunResult known_run() {
  RunResult r;
  r.n = 2;
  r.requests.resize(2);
  RequestRecord& ok = r.requests[0];
  ok.page = 0;
  ok.status = 200;
  ok.t = {0.0, 0.01, 0.03, 0.031, 1.031, 1.032};
  RequestRecord& bad = r.requests[1];
  bad.page = 1;
  bad.t.start = 0.0;
  bad.t.done = 0.002;
  bad.fail(FailureKind::kConnect, "connect: connection refused", Step::kConnect);
  r.watchdog.enabled = true;
  r.watchdog.stalls = {{0.5, 0.52, 0.25, "blocking_tls: X -> poll", 0, {"poll [libc]"}}};
  return r;
}

TEST(Exports, HeyCsvHasHeysColumnsAndOneRowPerRequest) {
  EXPECT_EQ(to_hey_csv(known_run()),
            "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset,page,"
            "error-kind\n"
            "1.0320,0.0100,0.0000,0.0010,1.0000,0.0010,200,0.0000,0,\n"
            "0.0020,,0.0000,,,,0,0.0000,1,connect\n");
}

TEST(Exports, ChromeTraceHasATrackPerRequestAndTheStallsOnTheLoopsTrack) {
  nlohmann::json j = nlohmann::json::parse(to_chrome_trace(known_run()));
  int slices_page0 = 0, stalls = 0, errors = 0;
  std::map<int, std::string> names;
  std::map<std::string, std::pair<long long, long long>> slices;  // page 0's: name -> (ts, dur) in us
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name") names[e["tid"]] = e["args"]["name"];
    if (e["ph"] == "X" && e["tid"] == 1) ++slices_page0;
    if (e["ph"] == "X" && e["tid"] == 0) {
      ++stalls;
      EXPECT_EQ(e["ts"], 500000);
      EXPECT_EQ(e["dur"], 250000);
      EXPECT_EQ(e["name"], "stall: blocking_tls: X -> poll");
    }
    if (e["ph"] == "i") ++errors;
    if (e["ph"] == "X" && e["tid"] == 1) slices[e["name"]] = {e["ts"], e["dur"]};
  }
  EXPECT_EQ(names[0], "loop (watchdog stalls)");
  EXPECT_EQ(names[1], "page 0");
  EXPECT_EQ(names[2], "page 1");
  EXPECT_EQ(slices_page0, 5);  // connect, tls, send, wait, receive
  using Slice = std::pair<long long, long long>;
  EXPECT_EQ(slices["connect"], Slice(0, 10000));
  EXPECT_EQ(slices["tls"], Slice(10000, 20000));
  EXPECT_EQ(slices["send"], Slice(30000, 1000));
  EXPECT_EQ(slices["wait"], Slice(31000, 1000000));
  EXPECT_EQ(slices["receive"], Slice(1031000, 1000));
  EXPECT_EQ(stalls, 1);
  EXPECT_EQ(errors, 1);
}

TEST(Exports, PercentileSpectrumInWrk2sFormat) {
  EXPECT_EQ(to_percentile_spectrum(known_run()),
            "       Value     Percentile   TotalCount 1/(1-Percentile)\n"
            "\n"
            "       2.000       0.500000            1             2.00\n"
            "    1032.000       1.000000            2              inf\n"
            "#[Mean    =      517.000, StdDeviation   =      515.000]\n"
            "#[Max     =     1032.000, Total count    =            2]\n");
}

}  // namespace
}  // namespace slowfast
