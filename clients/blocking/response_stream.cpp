#include "blocking/response_stream.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "core/interrupt.h"
#include "slowfast/module/tls_io.h"

namespace slowfast {

namespace {
constexpr std::size_t kReadSize = 8192;  // httplib's and http.client's read size
}  // namespace

ResponseStream::ResponseStream(int fd, SSL* ssl, Exchange& exchange) : fd_(fd), ssl_(ssl), ex_(exchange) {
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

void ResponseStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip.clear();
  port = 0;
}

void ResponseStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip.clear();
  port = 0;
}

void ResponseStream::wait(bool for_read) {
  using namespace std::chrono;
  auto timeout_ms = static_cast<long>(std::ceil(ex_.timeout_s * 1000));
  for (;;) {
    long left_ms = duration_cast<milliseconds>(ex_.deadline - steady_clock::now()).count() + 1;
    bool deadline_bound = left_ms <= timeout_ms;
    pollfd fds[2] = {{fd_, static_cast<short>(for_read ? POLLIN : POLLOUT), 0}, {interrupt_fd(), POLLIN, 0}};
    int rc = ::poll(fds, interrupt_fd() >= 0 ? 2 : 1, static_cast<int>(std::max(0L, std::min(left_ms, timeout_ms))));
    if (interrupted()) throw RequestFailure(FailureKind::kInterrupted, "interrupted by a signal");
    if (rc > 0) return;
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    if (deadline_bound) throw RequestFailure(FailureKind::kDeadline, deadline_message(ex_.deadline_s, ex_.step));
    throw RequestFailure(FailureKind::kTimeout, "timed out after " + fmt_seconds(ex_.timeout_s));
  }
}

std::size_t ResponseStream::read_some(char* buf, std::size_t n) {
  for (;;) {
    if (ssl_) {
      tls::Step s = tls::read(ssl_, std::span<char>(buf, n));  // n == 0, no want: closed
      if (!s.want) return s.n;
      wait(*s.want == Want::kRead);
      continue;
    }
    ssize_t got = ::recv(fd_, buf, n, 0);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      throw std::runtime_error(std::string("recv: ") + std::strerror(errno));
    wait(true);
  }
}

std::size_t ResponseStream::write_some(const char* buf, std::size_t n) {
  for (;;) {
    if (ssl_) {
      tls::Step s = tls::write(ssl_, std::span<const char>(buf, n));
      if (!s.want) return s.n;
      wait(*s.want == Want::kRead);
      continue;
    }
    ssize_t put = ::send(fd_, buf, n, MSG_NOSIGNAL);
    if (put >= 0) return static_cast<std::size_t>(put);
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    wait(false);
  }
}

void ResponseStream::read_response() {
  auto parser = std::make_unique<ResponseParser>();
  char buf[kReadSize];
  while (!parser->complete()) {
    std::size_t n = read_some(buf, sizeof buf);
    if (n == 0) {
      parser->feed_eof();
      break;
    }
    if (!ex_.rec->t.first_byte) ex_.rec->mark(Point::kFirstByte, ex_.clock->now());
    parser->feed(std::string_view(buf, n));
  }
  head_ = "HTTP/1.1 " + std::to_string(parser->status()) + " -\r\nContent-Length: " +
          std::to_string(parser->body().size()) + "\r\nConnection: close\r\n\r\n";
  parser_ = std::move(parser);
}

// Kept with its kind and named after its step; cpp-httplib only learns that it failed.
void ResponseStream::fail(const std::exception& e) {
  const char* step = ex_.step == Step::kWrite ? "send request: " : "read response: ";
  std::string what = e.what();
  if (what.rfind("read response: ", 0) != 0 && what.rfind("deadline of", 0) != 0) what = step + what;
  const auto* known = dynamic_cast<const RequestFailure*>(&e);
  ex_.failure.emplace(known ? known->kind() : kind_of_step(ex_.step), what);
}

ssize_t ResponseStream::write(const char* ptr, size_t size) {
  ex_.step = Step::kWrite;
  try {
    return static_cast<ssize_t>(write_some(ptr, size));
  } catch (const std::exception& e) {
    fail(e);
    return -1;
  }
}

ssize_t ResponseStream::read(char* ptr, size_t size) {
  if (!parser_) {
    if (ex_.failure) return -1;
    ex_.rec->mark(Point::kSent, ex_.clock->now());  // cpp-httplib reads once the request is written
    ex_.step = Step::kRead;
    try {
      read_response();
    } catch (const std::exception& e) {
      fail(e);
      return -1;
    }
  }
  const std::string& body = parser_->body();
  std::size_t n = 0;
  while (n < size && served_ < head_.size() + body.size()) {
    const std::string& from = served_ < head_.size() ? head_ : body;
    std::size_t at = served_ < head_.size() ? served_ : served_ - head_.size();
    std::size_t k = std::min(size - n, from.size() - at);
    std::memcpy(ptr + n, from.data() + at, k);
    n += k;
    served_ += k;
  }
  return static_cast<ssize_t>(n);
}

}  // namespace slowfast
