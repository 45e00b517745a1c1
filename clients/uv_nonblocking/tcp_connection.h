// TcpConnection: one non-blocking TCP socket and the loop's watch on it. connect() is
// cooperative: a non-blocking connect(2), then await writability through the loop.
#pragma once
#include <sys/socket.h>

#include <memory>

#include "uv_nonblocking/poll_wait.h"
#include "slowfast/module/task.h"

namespace slowfast {

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }

 private:
  int fd_;
};

class TcpConnection {
 public:
  // Connects to `addr` (a resolved address), each wait bounded by `timeout_s`.
  // Throws std::runtime_error("connect 127.0.0.1:1: connection refused"). `page`: the
  // request it serves, for the probes.
  // `deadline_ns` (uv_hrtime(), 0 = none) bounds every wait on the connection.
  static Task<std::unique_ptr<TcpConnection>> connect(uv_loop_t* loop, const sockaddr_storage& addr,
                                                      double timeout_s, int page = -1,
                                                      std::uint64_t deadline_ns = 0);

  TcpConnection(uv_loop_t* loop, int fd, double timeout_s, int page = -1, std::uint64_t deadline_ns = 0);
  int fd() const { return fd_.get(); }
  IoWait& io() { return wait_; }

 private:
  Fd fd_;          // declared first: closed after the poll handle stopped watching it
  PollWait wait_;
};

// "127.0.0.1:8443" for error messages.
std::string to_string(const sockaddr_storage& addr);

}  // namespace slowfast
