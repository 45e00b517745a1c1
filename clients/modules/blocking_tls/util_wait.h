// urllib3's util.wait (1.24): wait_for_read / wait_for_write -> select.poll() on the
// socket's own fd, a real system call. The loop thread, and every other request,
// sleeps in it. BlockingTlsSocket calls it unless a module patched the wait
// (SocketRegistry::patch_wait).
#pragma once
#include "slowfast/module/wait.h"

namespace slowfast::blocking_tls {

// wait_for_read (want kRead) and wait_for_write (kWrite), which in urllib3 both call
// wait_for_socket. Blocks until `on.fd` is ready for `want`, then finishes without
// ever suspending. Throws RequestFailure: kTimeout after on.timeout_s, kDeadline at on.deadline_ns,
// kInterrupted once on.interrupt_fd is readable; a poll() that another signal
// interrupted (EINTR) goes on for the time left.
Task<void> wait_for_socket(const WaitTarget& on, Want want);

}  // namespace slowfast::blocking_tls
