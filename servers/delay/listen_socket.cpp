#include "listen_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace slowfast::server {

namespace {

// address:port as a socket address; `len` its size. Throws on a non-IP address.
sockaddr_storage socket_address(const std::string& address, int port, socklen_t& len) {
  sockaddr_storage addr{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v6;
  } else {
    throw std::runtime_error("--bind: not an IP address: " + address);
  }
  return addr;
}

}  // namespace

void refuse_if_listening(const std::string& address, int port) {
  socklen_t len = 0;
  sockaddr_storage addr = socket_address(address, port, len);
  int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  int on = 1;  // SO_REUSEADDR alone: a TIME_WAIT leftover passes, a listener does not
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  int err = errno;
  ::close(fd);
  if (rc == 0) return;
  std::string where = address + ":" + std::to_string(port);
  if (err != EADDRINUSE) throw std::runtime_error("cannot listen on " + where + ": " + std::strerror(err));
  throw std::runtime_error(where + " is in use, perhaps by another slowfast-server: stop it (kill its PID; "
                           "`pgrep -a slowfast-server` lists them), pick another port, or pass --share-port");
}

int open_reuseport_socket(const std::string& address, int port, int* bound_port) {
  socklen_t len = 0;
  sockaddr_storage addr = socket_address(address, port, len);
  int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    int err = errno;
    ::close(fd);
    throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port) + ": " +
                             std::strerror(err));
  }
  sockaddr_storage name{};
  socklen_t name_len = sizeof name;
  getsockname(fd, reinterpret_cast<sockaddr*>(&name), &name_len);
  *bound_port = ntohs(name.ss_family == AF_INET6
                          ? reinterpret_cast<sockaddr_in6*>(&name)->sin6_port
                          : reinterpret_cast<sockaddr_in*>(&name)->sin_port);
  return fd;
}

}  // namespace slowfast::server
