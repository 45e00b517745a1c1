#include "modules/blocking_tls/blocking_tls_socket.h"

#include <poll.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

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
    : ssl_(std::move(args.ssl)), fd_(args.fd), timeout_s_(args.timeout_s) {}

std::unique_ptr<Socket> BlockingTlsSocket::make(SocketArgs&& args) {
  return std::make_unique<BlockingTlsSocket>(std::move(args));
}

void BlockingTlsSocket::wait_blocking(Want want) const {
  pollfd pfd{fd_, static_cast<short>(want == Want::kRead ? POLLIN : POLLOUT), 0};
  int timeout_ms = static_cast<int>(std::ceil(timeout_s_ * 1000));
  int rc;
  probe::Scope scope(kPoll);
  do {
    rc = ::poll(&pfd, 1, timeout_ms);  // the loop thread sleeps here
  } while (rc < 0 && errno == EINTR);
  if (rc == 0) throw std::runtime_error("timed out");
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
