#include "uv_nonblocking/plain_socket.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "slowfast/module/probe.h"

namespace slowfast {

namespace {
constexpr probe::Site kSend{"slowfast", "PlainSocket::send"};
constexpr probe::Site kRecvInto{"slowfast", "PlainSocket::recv_into"};

bool would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINTR; }
[[noreturn]] void fail(const char* op, int e) {
  throw std::runtime_error(std::string(op) + ": " + std::strerror(e));
}
}  // namespace

Task<std::size_t> PlainSocket::send(std::span<const char> data) {
  for (;;) {
    ssize_t n;
    {
      probe::Scope scope(kSend);
      n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    }
    if (n >= 0) co_return static_cast<std::size_t>(n);
    if (!would_block(errno)) fail("send", errno);
    co_await io_.ready(Want::kWrite);
  }
}

Task<std::string> PlainSocket::recv(std::size_t n) {
  std::string buffer(n, '\0');
  std::size_t got = co_await recv_into(buffer);
  buffer.resize(got);
  co_return buffer;
}

Task<std::size_t> PlainSocket::recv_into(std::span<char> buffer) {
  for (;;) {
    ssize_t n;
    {
      probe::Scope scope(kRecvInto);
      n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    }
    if (n >= 0) co_return static_cast<std::size_t>(n);
    if (!would_block(errno)) fail("recv", errno);
    co_await io_.ready(Want::kRead);
  }
}

}  // namespace slowfast
