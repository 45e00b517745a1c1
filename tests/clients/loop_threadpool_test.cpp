// apply() (the module SDK) over LoopThreadpool (the host): the work runs on one of
// libuv's worker threads, the coroutine that awaited it carries on on the loop thread,
// what the work throws reaches the awaiter, and while it runs the loop serves others.
#include "uv_nonblocking/loop_threadpool.h"

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "uv_test_loop.h"

namespace slowfast {
namespace {

struct Threads {
  std::thread::id work;     // where the work ran
  std::thread::id resumed;  // where the awaiter carried on
};

Task<void> offload(Threadpool& pool, Threads& seen) {
  co_await apply(pool, [&] { seen.work = std::this_thread::get_id(); });
  seen.resumed = std::this_thread::get_id();
}

TEST(LoopThreadpool, RunsTheWorkOnAWorkerAndResumesOnTheLoop) {
  TestLoop loop;
  LoopThreadpool pool(loop.get());
  Threads seen;
  Task<void> t = offload(pool, seen);
  t.start();
  EXPECT_FALSE(t.done()) << "apply() must suspend until the work has run";
  loop.run();
  ASSERT_TRUE(t.done());
  EXPECT_NE(seen.work, std::thread::id());
  EXPECT_NE(seen.work, std::this_thread::get_id());
  EXPECT_EQ(seen.resumed, std::this_thread::get_id());
}

Task<std::string> failing(Threadpool& pool) {
  try {
    co_await apply(pool, [] { throw std::runtime_error("no seal"); });
  } catch (const std::exception& e) {
    co_return std::string("caught ") + e.what();
  }
  co_return "nothing thrown";
}

TEST(LoopThreadpool, WhatTheWorkThrowsReachesTheAwaiter) {
  TestLoop loop;
  LoopThreadpool pool(loop.get());
  Task<std::string> t = failing(pool);
  t.start();
  loop.run();
  ASSERT_TRUE(t.done());
  EXPECT_EQ(t.result(), "caught no seal");
}

// The point of it all: a timer on the loop fires while the work still runs (and ends it).
Task<void> wait_for_the_timer(Threadpool& pool, std::atomic<bool>& go, bool& released) {
  co_await apply(pool, [&] {
    for (int i = 0; i < 5000 && !go.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    released = go.load();
  });
}

TEST(LoopThreadpool, TheLoopRunsWhileTheWorkDoes) {
  TestLoop loop;
  LoopThreadpool pool(loop.get());
  std::atomic<bool> go{false};
  bool released = false;
  UvHandle<uv_timer_t> timer(loop.get(), uv_timer_init);
  timer.get()->data = &go;
  auto on_timer = [](uv_timer_t* t) { static_cast<std::atomic<bool>*>(t->data)->store(true); };
  uv_check(uv_timer_start(timer.get(), on_timer, 10, 0), "uv_timer_start");
  Task<void> t = wait_for_the_timer(pool, go, released);
  t.start();
  loop.run();
  ASSERT_TRUE(t.done());
  EXPECT_TRUE(released) << "the timer did not fire while the work ran: the work held the loop";
  timer.close();
}

}  // namespace
}  // namespace slowfast
