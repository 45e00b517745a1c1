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

// Now on CLOCK_MONOTONIC, uv_hrtime()'s clock (the host's deadline); a module links no
// libuv.
std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

// Milliseconds left until `until_ns`, rounded up.
int ms_until(std::uint64_t until_ns) {
  auto now = now_ns();
  return static_cast<int>(now >= until_ns ? 0 : (until_ns - now + 999'999) / 1'000'000);
}
}  // namespace

// A coroutine in shape only: it has no co_await, so it ends before its caller resumes.
Task<void> wait_for_socket(const WaitTarget& on, Want want) {
  pollfd pfd[2] = {{on.fd, static_cast<short>(want == Want::kRead ? POLLIN : POLLOUT), 0},
                   {on.interrupt_fd, POLLIN, 0}};
  const int timeout_ms = static_cast<int>(std::ceil(on.timeout_s * 1000));
  const std::uint64_t timeout_end_ns = now_ns() + static_cast<std::uint64_t>(timeout_ms) * 1'000'000u;
  const bool deadline_first = on.deadline_ns != 0 && on.deadline_ns < timeout_end_ns;
  const std::uint64_t until_ns = deadline_first ? on.deadline_ns : timeout_end_ns;
  probe::Scope scope(kPoll);  // spans no co_await: there is none
  int rc;
  // The loop thread sleeps here. A signal with a handler ends poll() with EINTR even
  // under SA_RESTART. SIGINT/SIGTERM (fetch's) make interrupt_fd readable first, so the
  // next poll returns at once and says so; any other - the watchdog sampling this
  // thread's stack - only woke it: it polls again for the time left.
  while ((rc = ::poll(pfd, on.interrupt_fd >= 0 ? 2 : 1, ms_until(until_ns))) < 0 && errno == EINTR) {
  }
  if (rc > 0 && pfd[1].revents) throw RequestFailure(FailureKind::kInterrupted, "interrupted by a signal");
  if (rc == 0 && deadline_first) throw RequestFailure(FailureKind::kDeadline, "deadline reached");
  if (rc == 0) throw RequestFailure(FailureKind::kTimeout, "timed out after " + fmt_seconds(on.timeout_s));
  if (rc < 0) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
  co_return;
}

}  // namespace slowfast::blocking_tls
