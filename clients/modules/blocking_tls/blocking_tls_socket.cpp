#include "blocking_tls/blocking_tls_socket.h"

#include <poll.h>
#include <time.h>

#include <algorithm>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "slowfast/module/failure.h"

namespace slowfast {

namespace {
// Owned by blocking_tls (coop_shim carries this code too, as gevent_openssl's wrapper
// carried pyOpenSSL's): the culprit is named after where the code comes from.
constexpr probe::Site kHandshake{"blocking_tls", "BlockingTlsSocket::handshake"};
constexpr probe::Site kSend{"blocking_tls", "BlockingTlsSocket::send"};
constexpr probe::Site kRecv{"blocking_tls", "BlockingTlsSocket::recv"};
constexpr probe::Site kRecvInto{"blocking_tls", "BlockingTlsSocket::recv_into"};
constexpr probe::Site kShutdown{"blocking_tls", "BlockingTlsSocket::shutdown"};
// urllib3's wait_for_read -> select.poll(): its own probe, so the profile and the
// watchdog show it under the method that called it.
constexpr probe::Site kPoll{"blocking_tls", "poll"};
}  // namespace

BlockingTlsSocket::BlockingTlsSocket(SocketArgs&& args)
    : ssl_(std::move(args.ssl)), fd_(args.fd), timeout_s_(args.timeout_s), deadline_ns_(args.deadline_ns),
      interrupt_fd_(args.interrupt_fd) {}

std::unique_ptr<Socket> BlockingTlsSocket::make(SocketArgs&& args) {
  return std::make_unique<BlockingTlsSocket>(std::move(args));
}

void BlockingTlsSocket::wait_blocking(Want want) const {
  pollfd pfd[2] = {{fd_, static_cast<short>(want == Want::kRead ? POLLIN : POLLOUT), 0}, {interrupt_fd_, POLLIN, 0}};
  int timeout_ms = static_cast<int>(std::ceil(timeout_s_ * 1000));
  int wait_ms = timeout_ms;
  if (deadline_ns_ != 0) {
    // CLOCK_MONOTONIC is uv_hrtime()'s clock (the host's deadline); a module links no libuv.
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    auto now = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
    auto left_ms = static_cast<int>(now >= deadline_ns_ ? 0 : (deadline_ns_ - now + 999'999) / 1'000'000);
    wait_ms = std::min(wait_ms, left_ms);
  }
  probe::Scope scope(kPoll);
  int rc = ::poll(pfd, interrupt_fd_ >= 0 ? 2 : 1, wait_ms);  // the loop thread sleeps here
  // Only SIGINT/SIGTERM have handlers in `fetch`: like KeyboardInterrupt, they end the poll.
  if ((rc < 0 && errno == EINTR) || (rc > 0 && pfd[1].revents))
    throw RequestFailure(FailureKind::kInterrupted, "interrupted by a signal");
  if (rc == 0 && wait_ms < timeout_ms) throw RequestFailure(FailureKind::kDeadline, "deadline reached");
  if (rc == 0) throw RequestFailure(FailureKind::kTimeout, "timed out after " + fmt_seconds(timeout_s_));
  if (rc < 0) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
}

template <typename Step>
tls::Step BlockingTlsSocket::until_done(const probe::Site& site, Step step) const {
  probe::Scope scope(site);  // never spans a co_await: this class never suspends
  for (;;) {
    tls::Step s = step();
    if (!s.want) return s;
    wait_blocking(*s.want);
  }
}

// Coroutines only in shape: each finishes before returning to its caller.
Task<void> BlockingTlsSocket::handshake() {
  until_done(kHandshake, [&] { return tls::handshake(ssl_.get()); });
  co_return;
}

Task<std::size_t> BlockingTlsSocket::send(std::span<const char> data) {
  co_return until_done(kSend, [&] { return tls::write(ssl_.get(), data); }).n;
}

Task<std::string> BlockingTlsSocket::recv(std::size_t n) {
  std::string buffer(n, '\0');
  buffer.resize(until_done(kRecv, [&] { return tls::read(ssl_.get(), buffer); }).n);
  co_return buffer;
}

Task<std::size_t> BlockingTlsSocket::recv_into(std::span<char> buffer) {
  co_return until_done(kRecvInto, [&] { return tls::read(ssl_.get(), buffer); }).n;
}

Task<void> BlockingTlsSocket::shutdown() {
  until_done(kShutdown, [&] { return tls::shutdown(ssl_.get()); });
  co_return;
}

}  // namespace slowfast
