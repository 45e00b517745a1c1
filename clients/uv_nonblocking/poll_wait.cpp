#include "uv_nonblocking/poll_wait.h"

#include "core/probe_recorder.h"

#include <poll.h>

#include <algorithm>
#include <cmath>
#include <unordered_set>
#include <utility>
#include <vector>

namespace slowfast {

namespace {
// The loop hands a ready fd back to its coroutine: everything it runs until its next
// wait is below this probe.
constexpr probe::Site kResume{"slowfast", "PollWait::resume"};

// The live waits, for interrupt_all: each loop thread's own (`fetch --loops K` runs K).
// A wait joins once, for its connection's life, not at every arm: a node per arm was a
// malloc and a free per wait.
std::unordered_set<PollWait*>& live() {
  thread_local std::unordered_set<PollWait*> set;
  return set;
}
}  // namespace

PollWait::PollWait(uv_loop_t* loop, int fd, double timeout_s, int page, std::uint64_t deadline_ns)
    : fd_(fd),
      page_(page),
      timeout_ms_(static_cast<uint64_t>(std::ceil(timeout_s * 1000))),
      deadline_ns_(deadline_ns),
      poll_(loop, uv_poll_init, fd),
      timer_(loop, uv_timer_init) {
  poll_.get()->data = this;
  timer_.get()->data = this;
  live().insert(this);
}

PollWait::~PollWait() { live().erase(this); }

void PollWait::arm(Want want, std::coroutine_handle<> h) {
  want_ = want;
  waiter_ = h;
  kind_ = FailureKind::kNone;
  error_.clear();
  // The poll stays started between waits for the same direction (see finish): each
  // uv_poll_start is an epoll_ctl DEL now and an ADD in the next loop iteration.
  int events = want == Want::kRead ? UV_READABLE : UV_WRITABLE;
  if (events != polling_) {
    uv_check(uv_poll_start(poll_.get(), events, &PollWait::on_poll), "uv_poll_start");
    polling_ = events;
  }
  uv_ref(poll_.handle());
  // The loop's cached time is stale if a callback blocked: refresh it, or the timer
  // would fire early by however long the loop was stuck.
  uv_update_time(uv_handle_get_loop(poll_.handle()));
  uint64_t wait_ms = timeout_ms_;
  deadline_bound_ = false;
  if (deadline_ns_ != 0) {
    std::uint64_t now = uv_hrtime();
    uint64_t left_ms = now >= deadline_ns_ ? 0 : (deadline_ns_ - now + 999'999) / 1'000'000;
    if (left_ms <= wait_ms) {
      wait_ms = left_ms;
      deadline_bound_ = true;
    }
  }
  uv_check(uv_timer_start(timer_.get(), &PollWait::on_timeout, wait_ms, 0), "uv_timer_start");
}

void PollWait::check() {
  if (kind_ != FailureKind::kNone) throw RequestFailure(std::exchange(kind_, FailureKind::kNone), std::exchange(error_, {}));
}

void PollWait::interrupt_all(uv_loop_t* loop) {
  std::vector<PollWait*> waits;
  for (PollWait* w : live())
    if (w->waiter_ && uv_handle_get_loop(w->poll_.handle()) == loop) waits.push_back(w);
  // Each resumption may end (and destroy) other waits: only finish those still alive
  // (finish does nothing for one no longer armed).
  for (PollWait* w : waits)
    if (live().count(w)) w->finish(FailureKind::kInterrupted, "interrupted by a signal");
}

// libuv reports POLLERR/POLLHUP as status UV_EBADF. Like poll(2), that is "ready":
// the next recv, SSL call or SO_ERROR says what really happened (e.g. refused).
// The poll left started after a wait (see arm) reports an fd nobody waits on: it stops
// then, or a level-triggered event would come back at every loop iteration.
void PollWait::on_poll(uv_poll_t* p, int /*status*/, int /*events*/) {
  auto* self = static_cast<PollWait*>(p->data);
  if (!self->waiter_) {
    uv_must(uv_poll_stop(p), "uv_poll_stop");
    self->polling_ = 0;
    return;
  }
  self->finish(FailureKind::kNone, "");
}

// Timers run before I/O in a loop iteration: after the loop was blocked, the timer
// may be due although the data is already there. Only a silent fd is a timeout.
void PollWait::on_timeout(uv_timer_t* t) {
  auto* self = static_cast<PollWait*>(t->data);
  pollfd pfd{self->fd_, static_cast<short>(self->want_ == Want::kRead ? POLLIN : POLLOUT), 0};
  if (::poll(&pfd, 1, 0) > 0) return self->finish(FailureKind::kNone, "");
  if (self->deadline_bound_) return self->finish(FailureKind::kDeadline, "deadline reached");
  self->finish(FailureKind::kTimeout, "timed out after " + fmt_seconds(self->timeout_ms_ / 1000.0));
}

// Resuming is the last thing done here: the coroutine may destroy this object (the
// probe lives on this stack frame, not in the object). The poll stays started: the
// coroutine usually waits again for the same direction before the loop runs on (an
// SSL_read after SSL_connect, the response after the request), and a wait left over is
// stopped by on_poll. Unreferenced, it does not keep the loop running on its own.
void PollWait::finish(FailureKind kind, std::string error) {
  if (!waiter_) return;
  uv_unref(poll_.handle());
  uv_must(uv_timer_stop(timer_.get()), "uv_timer_stop");
  kind_ = kind;
  error_ = std::move(error);
  probe::dispatch(page_);
  probe::Scope scope(kResume);
  std::exchange(waiter_, {}).resume();
}

}  // namespace slowfast
