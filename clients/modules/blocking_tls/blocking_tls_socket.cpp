#include "modules/blocking_tls/blocking_tls_socket.h"

#include <poll.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace slowfast {

BlockingTlsSocket::BlockingTlsSocket(SocketArgs&& args)
    : ssl_(std::move(args.ssl)), fd_(args.fd), timeout_s_(args.timeout_s) {}

std::unique_ptr<Socket> BlockingTlsSocket::make(SocketArgs&& args) {
  return std::make_unique<BlockingTlsSocket>(std::move(args));
}

void BlockingTlsSocket::wait_blocking(Want want) const {
  pollfd pfd{fd_, static_cast<short>(want == Want::kRead ? POLLIN : POLLOUT), 0};
  int timeout_ms = static_cast<int>(std::ceil(timeout_s_ * 1000));
  int rc;
  do {
    rc = ::poll(&pfd, 1, timeout_ms);  // the loop thread sleeps here
  } while (rc < 0 && errno == EINTR);
  if (rc == 0) throw std::runtime_error("timed out");
  if (rc < 0) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
}

template <typename Step>
tls::Step BlockingTlsSocket::until_done(Step step) const {
  for (;;) {
    tls::Step s = step();
    if (!s.want) return s;
    wait_blocking(*s.want);
  }
}

// Coroutines only in shape: each finishes before returning to its caller.
Task<void> BlockingTlsSocket::handshake() {
  until_done([&] { return tls::handshake(ssl_.get()); });
  co_return;
}

Task<std::size_t> BlockingTlsSocket::send(std::span<const char> data) {
  co_return until_done([&] { return tls::write(ssl_.get(), data); }).n;
}

Task<std::string> BlockingTlsSocket::recv(std::size_t n) {
  std::string buffer(n, '\0');
  buffer.resize(until_done([&] { return tls::read(ssl_.get(), buffer); }).n);
  co_return buffer;
}

Task<std::size_t> BlockingTlsSocket::recv_into(std::span<char> buffer) {
  co_return until_done([&] { return tls::read(ssl_.get(), buffer); }).n;
}

Task<void> BlockingTlsSocket::shutdown() {
  until_done([&] { return tls::shutdown(ssl_.get()); });
  co_return;
}

}  // namespace slowfast
