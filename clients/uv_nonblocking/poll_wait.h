// PollWait: IoWait over a uv_poll_t on the connection's fd plus a uv_timer_t for the
// timeout. uv_poll (not memory BIOs over uv_tcp) because the story needs a real
// fd-owning SSL: BlockingTlsSocket must be able to call a real blocking poll() on its
// own fd, exactly where urllib3 called select.poll(); with memory BIOs there is no fd
// whose readiness means "TLS data", and the blocking module would have nothing to block on.
#pragma once
#include <cstdint>
#include <string>

#include "slowfast/module/failure.h"

#include "slowfast/module/io_wait.h"
#include "slowfast/uv_handle.h"

namespace slowfast {

class PollWait final : public IoWait {
 public:
  // `timeout_s` bounds each wait, like a Python socket timeout; `deadline_ns`
  // (uv_hrtime(), 0 = none) bounds them all: the request's deadline. `page` is the
  // request the connection serves: resuming it tells the probes (and the watchdog)
  // which page runs.
  PollWait(uv_loop_t* loop, int fd, double timeout_s, int page = -1, std::uint64_t deadline_ns = 0);
  PollWait(const PollWait&) = delete;
  PollWait& operator=(const PollWait&) = delete;
  ~PollWait();  // handles close themselves (UvHandle), before the fd closes

  void arm(Want want, std::coroutine_handle<> h) override;
  // Throws RequestFailure: kTimeout, kDeadline, or kInterrupted.
  void check() override;

  // Ends every wait armed on `loop` with kind interrupted (SIGINT/SIGTERM).
  static void interrupt_all(uv_loop_t* loop);

 private:
  static void on_poll(uv_poll_t* p, int status, int events);
  static void on_timeout(uv_timer_t* t);
  void finish(FailureKind kind, std::string error);

  int fd_;
  int page_;
  Want want_ = Want::kRead;
  uint64_t timeout_ms_;
  std::uint64_t deadline_ns_;
  bool deadline_bound_ = false;  // the armed wait ends at the deadline, not the timeout
  int polling_ = 0;  // the events the poll is started for (0: stopped)
  UvHandle<uv_poll_t> poll_;
  UvHandle<uv_timer_t> timer_;
  std::coroutine_handle<> waiter_;
  FailureKind kind_ = FailureKind::kNone;
  std::string error_;
};

}  // namespace slowfast
