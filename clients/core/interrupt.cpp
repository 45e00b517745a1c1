#include "core/interrupt.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdint>

namespace slowfast {

namespace {
std::atomic<int> g_signal{0};
std::atomic<int> g_fd{-1};

// Async-signal-safe: an atomic store and a write(2).
void on_signal(int signo) {
  g_signal.store(signo);
  std::uint64_t one = 1;
  int fd = g_fd.load();
  if (fd >= 0) static_cast<void>(::write(fd, &one, sizeof one));
}
}  // namespace

void install_interrupt_handlers() {
  if (g_fd.load() >= 0) return;
  g_fd.store(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  struct sigaction sa {};
  sa.sa_handler = &on_signal;
  sigemptyset(&sa.sa_mask);
  // No SA_RESTART: a blocking call returns EINTR and looks at the flag. SA_RESETHAND:
  // a second signal is not caught.
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int interrupt_signal() { return g_signal.load(); }
int interrupt_fd() { return g_fd.load(); }

}  // namespace slowfast
