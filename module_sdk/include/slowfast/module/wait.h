// The wait a TLS socket calls when its connection answers WANT_READ or WANT_WRITE -
// urllib3's util.wait (wait_for_read / wait_for_write) on one side, gevent's
// wait_read / wait_write on the other. Which one a socket method calls is the whole
// difference between a request that blocks the loop and one that lets the others run.
//
// A wait is a coroutine so that one call site serves both kinds. C++ cannot make a
// blocking call yield from outside (Python could swap select.poll under urllib3): the
// seam works only because every socket method is a coroutine that co_awaits its wait.
// The blocking wait finishes before returning (its Task runs inline and the caller
// never suspends); the loop's wait suspends the caller until the fd is ready.
#pragma once
#include <cstdint>

#include "slowfast/module/io_wait.h"
#include "slowfast/module/task.h"

namespace slowfast {

// What waiting on a connection's fd needs: the fd, the bounds of each wait, the loop.
struct WaitTarget {
  int fd = -1;            // the connection's socket (owned by the connection)
  IoWait* io = nullptr;   // cooperative readiness waits on fd, through the loop
  double timeout_s = 30;  // bound of each wait
  std::uint64_t deadline_ns = 0;  // bound of them all (uv_hrtime() clock); 0 = none
  // Readable once SIGINT/SIGTERM arrived; -1 = none. A wait that blocks in its own
  // poll() watches it too, as Python's KeyboardInterrupt ends a poll.
  int interrupt_fd = -1;
};

// Returns once `on.fd` is ready for `want`; throws RequestFailure (timeout, deadline,
// interrupted) or std::runtime_error otherwise. `on` outlives the wait.
using WaitForSocket = Task<void> (*)(const WaitTarget& on, Want want);

// gevent's wait_read / wait_write: suspends on the loop (on.io) until the fd is ready.
Task<void> wait_on_loop(const WaitTarget& on, Want want);

}  // namespace slowfast
