// LoopWatchdog: gevent's monitor thread (max_blocking_time) for the libuv loop.
//
// The loop shows signs of life: a repeating heartbeat timer (every threshold / 4, so an
// idle loop waiting in epoll is alive too) and each dispatch of a ready fd to its
// coroutine (the recorder tells us; gevent counts greenlet switches the same way). The
// second matters because one epoll batch may hold every request: a blocking socket then
// serves them one after another inside a single loop iteration, and only the dispatches
// split that into one stall per request.
//
// A monitor thread wakes every threshold / 4. When the last sign of life is older than
// the threshold, the loop is stuck right now: it reads the probe the loop thread has
// active (the culprit) and the page it serves. The loop thread closes the stall at its
// next sign of life, so the length is exact, not rounded to the monitor's period.
//
// The probe names only code that has probes: a blocking call in a module without any
// is charged to the framework's probe around it. So when it first sees a stall, the
// monitor also samples the loop thread's real stack (StackSampler), as gevent's
// monitor prints the blocked greenlet's.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/observe_types.h"
#include "core/probe_recorder.h"
#include "core/run_clock.h"
#include "core/run_events.h"
#include "slowfast/uv_handle.h"
#include "uv_nonblocking/stack_sampler.h"

namespace slowfast {

class LoopWatchdog final : public probe::DispatchListener {
 public:
  // Loop thread: starts the heartbeat on `loop` and the monitor thread. `recorder` must
  // be started on the loop thread and outlive the watchdog.
  // `events`, when given, hears of each stall from the monitor thread while it lasts.
  LoopWatchdog(uv_loop_t* loop, probe::Recorder& recorder, const RunClock& clock, double threshold_s,
               RunEvents* events = nullptr);
  ~LoopWatchdog();  // stops the monitor (joins it) if finish() did not
  LoopWatchdog(const LoopWatchdog&) = delete;
  LoopWatchdog& operator=(const LoopWatchdog&) = delete;

  // Loop thread: a sign of life.
  void on_dispatch() noexcept override;

  // Loop thread, after uv_run returned: the last sign of life, the monitor stopped,
  // culprits named.
  WatchdogReport finish();

 private:
  struct Seen {  // one stall as the monitor caught it
    double start_s;
    double seen_s;
    double end_s = -1;  // -1 while the loop is still stuck
    std::int32_t node;
    int page;
    RawStack stack;  // named in finish(), once every symbol table is read
  };
  static void on_heartbeat(uv_timer_t* timer);
  void monitor();
  void stop_monitor();

  probe::Recorder& recorder_;
  const RunClock& clock_;
  const double threshold_s_;
  RunEvents* const events_;
  UvHandle<uv_timer_t> heartbeat_;
  StackSampler sampler_;  // of the thread that made the watchdog: the loop's

  std::mutex mu_;  // guards everything below; the loop takes it once per sign of life
  std::condition_variable wake_;
  bool stopping_ = false;
  double last_alive_s_ = 0;
  double last_told_s_ = 0;  // when events_ last heard of the current stall
  std::vector<Seen> seen_;
  std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace slowfast
