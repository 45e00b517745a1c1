// The run statistics on known inputs: nearest-rank percentiles, effective concurrency
// for overlapped and serial runs, the two latency views, and when a run is named
// serialised by a culprit.
#include "core/run_stats.h"

#include <gtest/gtest.h>

namespace slowfast {
namespace {

TEST(SpreadOf, NearestRankPercentilesOfOneToAHundred) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);  // unsorted on purpose
  Spread s = spread_of(v);
  EXPECT_EQ(s.count, 100);
  EXPECT_EQ(s.p50, 50);
  EXPECT_EQ(s.p90, 90);
  EXPECT_EQ(s.p99, 99);
  EXPECT_EQ(s.max, 100);
}

TEST(SpreadOf, SmallAndEmptySets) {
  EXPECT_EQ(spread_of({}).count, 0);
  Spread one = spread_of({0.25});
  EXPECT_EQ(one.p50, 0.25);
  EXPECT_EQ(one.p99, 0.25);
  Spread four = spread_of({4, 1, 3, 2});  // ranks: ceil(2) = 2, ceil(3.6) = 4, ceil(3.96) = 4
  EXPECT_EQ(four.p50, 2);
  EXPECT_EQ(four.p90, 4);
  EXPECT_EQ(four.p99, 4);
}

RequestRecord timed(double start, double sent, double done) {
  RequestRecord r;
  r.t.start = start;
  r.t.sent = sent;
  r.t.done = done;
  return r;
}

TEST(RunStats, TenOverlappedRequestsAreTenWay) {
  RunResult r;
  for (int i = 0; i < 10; ++i) r.requests.push_back(timed(0, 0.01, 1.0 + i * 0.001));
  r.total_s = 1.009;
  RunStats st = run_stats(r);
  EXPECT_EQ(st.timed, 10);
  EXPECT_NEAR(st.in_flight_sum_s, 9.945, 1e-9);
  EXPECT_NEAR(st.effective_concurrency, 9.945 / 1.009, 1e-9);
  EXPECT_DOUBLE_EQ(st.first_done_s, 1.0);
  EXPECT_DOUBLE_EQ(st.last_done_s, 1.009);
  EXPECT_DOUBLE_EQ(st.from_intended_start.max, 1.009);
  EXPECT_TRUE(st.serialised_by.empty());
}

// The slow stage: every coroutine starts at 0, each request is sent when the previous
// one is done and is done one delay later. "1 s" per request from its send, while the
// user waited up to 10 s; and one way, not (N+1)/2, though all "started" together.
TEST(RunStats, TheSlowStageIsOneWayAndItsLatencyDependsOnWhereYouStartTheClock) {
  RunResult r;
  for (int i = 0; i < 10; ++i) r.requests.push_back(timed(0, i, i + 1.0));
  r.total_s = 10;
  r.watchdog.enabled = true;
  r.watchdog.stalls = {{0.0, 0.02, 4.0, "blocking_tls: X -> poll", 0, {}},
                       {4.0, 4.02, 5.0, "blocking_tls: X -> poll", 1, {}},
                       {9.0, 9.02, 0.5, "other", 2, {}}};
  RunStats st = run_stats(r);
  EXPECT_DOUBLE_EQ(st.in_flight_sum_s, 10);
  EXPECT_DOUBLE_EQ(st.effective_concurrency, 1.0);
  EXPECT_EQ(st.from_intended_start.p50, 5);
  EXPECT_EQ(st.from_intended_start.p90, 9);
  EXPECT_EQ(st.from_intended_start.max, 10);
  EXPECT_EQ(st.from_send.p50, 1);
  EXPECT_EQ(st.from_send.max, 1);
  EXPECT_EQ(st.serialised_by, "blocking_tls: X -> poll (2 stalls, 9.00 s)");
}

TEST(RunStats, AConcurrentRunWithStallsIsNotCalledSerialised) {
  RunResult r;
  for (int i = 0; i < 4; ++i) r.requests.push_back(timed(0, 0, 1));
  r.total_s = 1;
  r.watchdog.enabled = true;
  r.watchdog.stalls = {{0.5, 0.52, 0.05, "body_seal: seal_response", 0, {}}};
  EXPECT_TRUE(run_stats(r).serialised_by.empty());
}

TEST(RunStats, UntimedRequestsAreLeftOut) {
  RunResult r;
  r.requests.resize(3);  // no timeline at all
  r.requests.push_back(timed(0, 0.1, 0.5));
  r.requests.push_back(timed(0, 0.1, 0.5));
  r.requests.back().t.sent.reset();  // failed before sending
  r.total_s = 0.5;
  RunStats st = run_stats(r);
  EXPECT_EQ(st.timed, 2);
  EXPECT_EQ(st.from_intended_start.count, 2);
  EXPECT_EQ(st.from_send.count, 1);
  EXPECT_DOUBLE_EQ(st.effective_concurrency, 0.4 / 0.5);
}

}  // namespace
}  // namespace slowfast

namespace slowfast {
namespace {

// The loop budget's reading on known inputs: the lab's bug (never idle, never on a CPU),
// a CPU-bound loop (exercise 6), and a healthy loop that mostly waits in epoll.
TEST(LoopBudget, NamesABlockingCallWhenTheLoopIsBusyButOffTheCpu) {
  LoopBudget slow{true, 10.0, 0.1, 0.05};
  EXPECT_NEAR(slow.utilisation(), 0.99, 1e-9);
  EXPECT_NEAR(slow.blocked_s(), 9.85, 1e-9);
  EXPECT_EQ(slow.signature(),
            "the loop was busy 99 % of the run but on a CPU for 0.05 s of it: blocked 9.85 s in a call outside its "
            "wait (a blocking call on the loop thread)");
}

TEST(LoopBudget, NamesComputingWhenTheLoopIsBusyOnTheCpu) {
  LoopBudget seal{true, 1.0, 0.45, 0.5};
  EXPECT_EQ(seal.signature(), "the loop was busy 55 % of the run, on a CPU for 0.50 s of it: computing on the loop thread");
}

TEST(LoopBudget, SaysNothingWhenTheLoopMostlyWaits) {
  LoopBudget fast{true, 1.0, 0.95, 0.03};
  EXPECT_NEAR(fast.utilisation(), 0.05, 1e-9);
  EXPECT_EQ(fast.signature(), "");
  EXPECT_EQ(LoopBudget{}.signature(), "") << "no loop (the cpp-httplib variants)";
  EXPECT_EQ((LoopBudget{true, 0.001, 0, 0}.signature()), "") << "a run refused at once says nothing";
}

}  // namespace
}  // namespace slowfast
