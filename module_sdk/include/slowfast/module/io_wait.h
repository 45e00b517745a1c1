// IoWait: the loop's side of a connection - "suspend me until this fd is readable or
// writable" (gevent's wait_read/wait_write). Sockets that cooperate await it (through
// wait_on_loop, wait.h); a socket that blocks (BlockingTlsSocket) calls poll() itself
// unless a module patched its wait.
// Virtual so that modules, built apart, reach the host's loop through it.
#pragma once
#include <coroutine>

namespace slowfast {

enum class Want { kRead, kWrite };

class IoWait {
 public:
  // Starts watching; resumes `h` from the loop when ready, failed or timed out.
  virtual void arm(Want want, std::coroutine_handle<> h) = 0;
  // Called on resumption: throws std::runtime_error when the wait timed out or failed.
  virtual void check() = 0;

  struct Awaiter {
    IoWait& io;
    Want want;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) { io.arm(want, h); }
    void await_resume() { io.check(); }
  };
  Awaiter ready(Want want) { return Awaiter{*this, want}; }

 protected:
  ~IoWait() = default;
};

}  // namespace slowfast
