// The loop-stall watchdog on a bare libuv loop: a callback that blocks is one stall
// named after its probe; blocks that follow each other in one loop iteration are one
// stall each; a loop that is merely idle is no stall.
#include "uv_nonblocking/loop_watchdog.h"

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "uv_test_loop.h"

namespace slowfast {
namespace {

constexpr probe::Site kStep{"test", "Blocker::step"};
constexpr probe::Site kSleep{"test", "sleep"};

// A one-shot timer whose callback plays a request `page` blocking for `block_ms`.
struct Blocker {
  int page;
  int block_ms;
  UvHandle<uv_timer_t> timer;

  Blocker(uv_loop_t* loop, int page, int block_ms, std::uint64_t at_ms)
      : page(page), block_ms(block_ms), timer(loop, uv_timer_init) {
    timer.get()->data = this;
    uv_check(uv_timer_start(timer.get(), &Blocker::fire, at_ms, 0), "uv_timer_start");
  }
  static void fire(uv_timer_t* t) {
    auto* self = static_cast<Blocker*>(t->data);
    probe::dispatch(self->page);
    probe::Scope step(kStep);
    probe::Scope sleep(kSleep);
    std::this_thread::sleep_for(std::chrono::milliseconds(self->block_ms));
  }
};

// Runs the blockers on a loop watched at `threshold_ms`.
WatchdogReport watch(const std::vector<std::pair<int, int>>& blocks_ms, std::uint64_t at_ms, double threshold_ms) {
  TestLoop loop;
  RunClock clock;
  probe::Recorder recorder;
  recorder.start();
  WatchdogReport report;
  {
    LoopWatchdog dog(loop.get(), recorder, clock, threshold_ms / 1000);
    std::vector<std::unique_ptr<Blocker>> blockers;
    for (auto [page, ms] : blocks_ms) blockers.push_back(std::make_unique<Blocker>(loop.get(), page, ms, at_ms));
    loop.run();
    report = dog.finish();
  }
  recorder.stop();
  return report;
}

TEST(LoopWatchdog, ABlockingCallbackIsOneStallNamedAfterItsProbe) {
  WatchdogReport r = watch({{5, 300}}, 10, 100);
  ASSERT_EQ(r.stalls.size(), 1u);
  const Stall& s = r.stalls[0];
  EXPECT_EQ(s.culprit, "test: Blocker::step -> sleep");
  EXPECT_EQ(s.page, 5);
  EXPECT_GE(s.length_s, 0.29);
  EXPECT_LT(s.length_s, 0.6);
  EXPECT_GE(s.seen_s - s.start_s, 0.1) << "caught after the threshold";
  EXPECT_LT(s.seen_s, s.start_s + s.length_s) << "caught while it lasted";
  // The loop thread's real stack: the callback that sleeps, below the sleep itself.
  std::string stack;
  for (const std::string& frame : s.stack) stack += frame + "\n";
  EXPECT_NE(stack.find("Blocker::fire [test_probes]\n"), std::string::npos) << stack;
  EXPECT_NE(stack.find("uv_run [libuv]\n"), std::string::npos) << stack;
}

// Both timers are due in the same iteration: only the dispatches split the block.
TEST(LoopWatchdog, BlocksInOneLoopIterationAreOneStallEach) {
  WatchdogReport r = watch({{1, 250}, {2, 250}, {3, 250}}, 10, 100);
  ASSERT_EQ(r.stalls.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(r.stalls[static_cast<size_t>(i)].page, i + 1);
    EXPECT_GE(r.stalls[static_cast<size_t>(i)].length_s, 0.24);
    EXPECT_LT(r.stalls[static_cast<size_t>(i)].length_s, 0.5);
  }
  EXPECT_GE(r.total_blocked_s(), 0.74);
}

TEST(LoopWatchdog, AnIdleLoopIsNoStall) {
  WatchdogReport r = watch({{0, 0}}, 400, 100);  // waits 400 ms in epoll, blocks nothing
  EXPECT_TRUE(r.enabled);
  EXPECT_TRUE(r.stalls.empty()) << r.stalls.size() << " stalls, first " << r.stalls[0].culprit;
}

TEST(LoopWatchdog, ABlockBelowTheThresholdIsNoStall) {
  WatchdogReport r = watch({{0, 30}, {1, 30}}, 10, 100);
  EXPECT_TRUE(r.stalls.empty());
}

}  // namespace
}  // namespace slowfast
