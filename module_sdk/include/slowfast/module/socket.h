// Socket: one connection as the HTTP code sees it, shaped like Python's socket and
// pyOpenSSL's Connection. Which class is behind it decides whether waiting for data
// lets the other requests run (cooperative) or stops the loop (blocking).
#pragma once
#include <cstddef>
#include <span>
#include <string>

#include "slowfast/module/task.h"

namespace slowfast {

class Socket {
 public:
  virtual ~Socket() = default;

  // The class name `fetch --socket-class` prints (the original printed type(sock)).
  virtual const char* class_name() const = 0;

  virtual Task<void> handshake() = 0;
  // Writes some of `data` (at least one byte); returns how many.
  virtual Task<std::size_t> send(std::span<const char> data) = 0;
  // Reads up to `n` bytes into a new buffer; empty means the peer closed.
  virtual Task<std::string> recv(std::size_t n) = 0;
  // Reads into the caller's buffer; 0 means the peer closed.
  virtual Task<std::size_t> recv_into(std::span<char> buffer) = 0;
  // Says goodbye (TLS close_notify); does not wait for the peer's answer.
  virtual Task<void> shutdown() = 0;
};

// Python's sendall: send until everything is written.
inline Task<void> send_all(Socket& socket, std::span<const char> data) {
  while (!data.empty()) data = data.subspan(co_await socket.send(data));
}

}  // namespace slowfast
