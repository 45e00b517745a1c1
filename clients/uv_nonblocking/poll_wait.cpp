#include "uv_nonblocking/poll_wait.h"

#include "core/probe_recorder.h"

#include <poll.h>

#include <cmath>
#include <utility>

namespace slowfast {

namespace {
// The loop hands a ready fd back to its coroutine: everything it runs until its next
// wait is below this probe.
constexpr probe::Site kResume{"slowfast", "PollWait::resume"};
}  // namespace

PollWait::PollWait(uv_loop_t* loop, int fd, double timeout_s, int page)
    : fd_(fd), page_(page), timeout_ms_(static_cast<uint64_t>(std::ceil(timeout_s * 1000))) {
  uv_check(uv_poll_init(loop, poll_.get(), fd), "uv_poll_init");
  poll_.initialised();
  poll_.get()->data = this;
  uv_check(uv_timer_init(loop, timer_.get()), "uv_timer_init");
  timer_.initialised();
  timer_.get()->data = this;
}

void PollWait::arm(Want want, std::coroutine_handle<> h) {
  want_ = want;
  waiter_ = h;
  error_.clear();
  int events = want == Want::kRead ? UV_READABLE : UV_WRITABLE;
  uv_check(uv_poll_start(poll_.get(), events, &PollWait::on_poll), "uv_poll_start");
  // The loop's cached time is stale if a callback blocked: refresh it, or the timer
  // would fire early by however long the loop was stuck.
  uv_update_time(uv_handle_get_loop(poll_.handle()));
  uv_check(uv_timer_start(timer_.get(), &PollWait::on_timeout, timeout_ms_, 0), "uv_timer_start");
}

void PollWait::check() {
  if (!error_.empty()) throw std::runtime_error(std::exchange(error_, {}));
}

// libuv reports POLLERR/POLLHUP as status UV_EBADF. Like poll(2), that is "ready":
// the next recv, SSL call or SO_ERROR says what really happened (e.g. refused).
void PollWait::on_poll(uv_poll_t* p, int /*status*/, int /*events*/) {
  static_cast<PollWait*>(p->data)->finish("");
}

// Timers run before I/O in a loop iteration: after the loop was blocked, the timer
// may be due although the data is already there. Only a silent fd is a timeout.
void PollWait::on_timeout(uv_timer_t* t) {
  auto* self = static_cast<PollWait*>(t->data);
  pollfd pfd{self->fd_, static_cast<short>(self->want_ == Want::kRead ? POLLIN : POLLOUT), 0};
  bool ready = ::poll(&pfd, 1, 0) > 0;
  self->finish(ready ? "" : "timed out");
}

// Resuming is the last thing done here: the coroutine may destroy this object (the
// probe lives on this stack frame, not in the object).
void PollWait::finish(std::string error) {
  if (!waiter_) return;
  uv_poll_stop(poll_.get());
  uv_timer_stop(timer_.get());
  error_ = std::move(error);
  probe::dispatch(page_);
  probe::Scope scope(kResume);
  std::exchange(waiter_, {}).resume();
}

}  // namespace slowfast
