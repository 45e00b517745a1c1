#include "uv_nonblocking/loop_watchdog.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace slowfast {

namespace {
// Heartbeat and monitor period: a quarter of the threshold, so a stall is caught while
// it lasts (between 1 and 1.25 thresholds in) and an idle loop beats well within it.
// How often a stall that goes on is told again to the run's events (`fetch --trace`).
constexpr double kRetellS = 0.5;
// How long the monitor waits for the loop thread's stack. A signal normally lands in
// microseconds; TSan holds it until its next safe point, possibly after the stall.
constexpr std::chrono::milliseconds kSampleWait{50};

std::chrono::microseconds period(double threshold_s) {
  return std::chrono::microseconds(std::max<std::int64_t>(1000, std::llround(threshold_s / 4 * 1e6)));
}
}  // namespace

LoopWatchdog::LoopWatchdog(uv_loop_t* loop, probe::Recorder& recorder, const RunClock& clock,
                           double threshold_s, RunEvents* events)
    : recorder_(recorder), clock_(clock), threshold_s_(threshold_s), events_(events), heartbeat_(loop, uv_timer_init) {
  last_alive_s_ = clock_.now();
  auto every_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(period(threshold_s)).count());
  heartbeat_.get()->data = this;
  uv_check(uv_timer_start(heartbeat_.get(), &LoopWatchdog::on_heartbeat, every_ms, every_ms), "uv_timer_start");
  uv_unref(heartbeat_.handle());  // the heartbeat alone must not keep the loop running
  recorder_.set_listener(this);
  thread_ = std::thread([this] { monitor(); });
}

LoopWatchdog::~LoopWatchdog() {
  recorder_.set_listener(nullptr);
  stop_monitor();
}

void LoopWatchdog::on_heartbeat(uv_timer_t* timer) { static_cast<LoopWatchdog*>(timer->data)->on_dispatch(); }

// The stall the monitor saw (if any) ends now: its start is exactly the sign of life it
// was measured from, so the match below needs no tolerance.
void LoopWatchdog::on_dispatch() noexcept {
  double now = clock_.now();
  std::lock_guard lock(mu_);
  if (!seen_.empty() && seen_.back().end_s < 0 && seen_.back().start_s == last_alive_s_)
    seen_.back().end_s = now;
  last_alive_s_ = now;
}

void LoopWatchdog::monitor() {
  std::unique_lock lock(mu_);
  const auto every = period(threshold_s_);
  while (!stopping_) {
    wake_.wait_for(lock, every);
    if (stopping_) break;
    double now = clock_.now();
    bool stuck = now - last_alive_s_ > threshold_s_;
    bool known = !seen_.empty() && seen_.back().start_s == last_alive_s_;
    // The culprit before the stack: the loop thread may leave its probe at any moment
    // (it waits for mu_ only at its next sign of life).
    const std::string culprit = stuck && events_ ? recorder_.culprit_now() : std::string();
    std::vector<std::string> stack_now;
    if (stuck && !known) {
      seen_.push_back(Seen{last_alive_s_, now, -1, recorder_.current_node(), recorder_.current_page(), {}});
      // A signal's round trip, under mu_ like the line below, so that the stack is the
      // stall's own; named now only from what is at hand (no file is read under mu_).
      seen_.back().stack = sampler_.capture(kSampleWait);
      if (events_) stack_now = sampler_.names(seen_.back().stack, false);
    }
    // Told while the loop is stuck, under mu_: the loop's next sign of life waits for the
    // line, so the stall is never reported after the loop moved on. A stall told again
    // comes without its stack, which was told the first time.
    if (stuck && events_ && (!known || now - last_told_s_ >= kRetellS)) {
      events_->on_stall(last_alive_s_, now, seen_.back().page, culprit, stack_now);
      last_told_s_ = now;
    }
  }
}

void LoopWatchdog::stop_monitor() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

WatchdogReport LoopWatchdog::finish() {
  on_dispatch();  // uv_run returned: the loop is alive again (closes a final stall)
  recorder_.set_listener(nullptr);
  stop_monitor();
  uv_check(uv_timer_stop(heartbeat_.get()), "uv_timer_stop");
  WatchdogReport report{true, threshold_s_, {}};
  for (const Seen& s : seen_) {
    double end = s.end_s >= 0 ? s.end_s : clock_.now();
    report.stalls.push_back(Stall{s.start_s, s.seen_s, end - s.start_s, recorder_.culprit(s.node), s.page,
                                  sampler_.names(s.stack, true)});
  }
  return report;
}

}  // namespace slowfast
