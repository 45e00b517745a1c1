#include "uv_nonblocking/tcp_connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "slowfast/module/failure.h"

#include "slowfast/module/probe.h"

namespace slowfast {

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

TcpConnection::TcpConnection(uv_loop_t* loop, int fd, double timeout_s, int page, std::uint64_t deadline_ns)
    : fd_(fd), wait_(loop, fd, timeout_s, page, deadline_ns) {}

std::string to_string(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    if (uv_ip4_name(a, host, sizeof host) != 0) std::strcpy(host, "?");
    port = ntohs(a->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
  if (uv_ip6_name(a, host, sizeof host) != 0) std::strcpy(host, "?");
  port = ntohs(a->sin6_port);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

namespace {
constexpr probe::Site kConnect{"slowfast", "TcpConnection::connect"};

[[noreturn]] void fail(const sockaddr_storage& addr, int e) {
  throw std::runtime_error("connect " + to_string(addr) + ": " + std::strerror(e));
}
}  // namespace

Task<std::unique_ptr<TcpConnection>> TcpConnection::connect(uv_loop_t* loop, const sockaddr_storage& addr,
                                                            double timeout_s, int page,
                                                            std::uint64_t deadline_ns) {
  std::unique_ptr<TcpConnection> conn;
  bool in_progress = false;
  {
    probe::Scope scope(kConnect);  // the system calls; the wait below is the loop's
    int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) fail(addr, errno);
    conn = std::make_unique<TcpConnection>(loop, fd, timeout_s, page, deadline_ns);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    socklen_t len = addr.ss_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
      if (errno != EINPROGRESS) fail(addr, errno);
      in_progress = true;
    }
  }
  if (in_progress) {
    int fd = conn->fd();
    std::optional<RequestFailure> failed;  // a co_await cannot sit in a catch block
    try {
      co_await conn->io().ready(Want::kWrite);
    } catch (const RequestFailure& e) {
      failed = e;
    }
    if (failed) throw RequestFailure(failed->kind(), "connect " + to_string(addr) + ": " + failed->what());
    int err = 0;
    socklen_t err_len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
    if (err != 0) fail(addr, err);
  }
  co_return conn;
}

}  // namespace slowfast
