#include "blocking_tls/util_wait.h"

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "slowfast/module/failure.h"
#include "slowfast/module/probe.h"

namespace slowfast::blocking_tls {

namespace {
// select.poll(): its own probe, so the profile and the watchdog show it under the
// socket method that called it.
constexpr probe::Site kPoll{"blocking_tls", "poll"};

// Milliseconds left until `deadline_ns` on CLOCK_MONOTONIC, uv_hrtime()'s clock (the
// host's deadline); a module links no libuv.
int ms_until(std::uint64_t deadline_ns) {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  auto now = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
  return static_cast<int>(now >= deadline_ns ? 0 : (deadline_ns - now + 999'999) / 1'000'000);
}
}  // namespace

// A coroutine in shape only: it has no co_await, so it ends before its caller resumes.
Task<void> wait_for_socket(const WaitTarget& on, Want want) {
  pollfd pfd[2] = {{on.fd, static_cast<short>(want == Want::kRead ? POLLIN : POLLOUT), 0},
                   {on.interrupt_fd, POLLIN, 0}};
  int timeout_ms = static_cast<int>(std::ceil(on.timeout_s * 1000));
  int wait_ms = on.deadline_ns != 0 ? std::min(timeout_ms, ms_until(on.deadline_ns)) : timeout_ms;
  probe::Scope scope(kPoll);  // spans no co_await: there is none
  int rc = ::poll(pfd, on.interrupt_fd >= 0 ? 2 : 1, wait_ms);  // the loop thread sleeps here
  // Only SIGINT/SIGTERM have handlers in `fetch`: like KeyboardInterrupt, they end the poll.
  if ((rc < 0 && errno == EINTR) || (rc > 0 && pfd[1].revents))
    throw RequestFailure(FailureKind::kInterrupted, "interrupted by a signal");
  if (rc == 0 && wait_ms < timeout_ms) throw RequestFailure(FailureKind::kDeadline, "deadline reached");
  if (rc == 0) throw RequestFailure(FailureKind::kTimeout, "timed out after " + fmt_seconds(on.timeout_s));
  if (rc < 0) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
  co_return;
}

}  // namespace slowfast::blocking_tls
