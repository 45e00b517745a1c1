// What a module may do to the socket factory, and what it gets to build a socket.
// Part of the module ABI (slowfast/module/module.h): change it and bump SLOWFAST_MODULE_ABI.
#pragma once
#include <cstdint>
#include <memory>

#include "slowfast/module/ssl_ptr.h"
#include "slowfast/module/io_wait.h"
#include "slowfast/module/socket.h"

namespace slowfast {

// Everything a TLS socket class needs for one connection.
struct SocketArgs {
  module::SslPtr ssl;           // client-mode SSL bound to fd, verification set up
  int fd = -1;            // the connection's socket (owned by the connection)
  IoWait* io = nullptr;   // cooperative readiness waits on fd, through the loop
  double timeout_s = 30;  // bound of each wait
  std::uint64_t deadline_ns = 0;  // bound of them all (uv_hrtime() clock); 0 = none
  // Readable once SIGINT/SIGTERM arrived (core/interrupt.h); -1 = none. A socket that
  // blocks in its own poll() watches it too, as Python's KeyboardInterrupt ends a poll.
  int interrupt_fd = -1;
};

using SocketMaker = std::unique_ptr<Socket> (*)(SocketArgs&& args);

class SocketRegistry {
 public:
  // Every TLS connection gets `class_name` from now on (urllib3's
  // inject_into_urllib3 when pyopenssl is importable).
  virtual void inject(const char* class_name, SocketMaker make) = 0;
  // Wherever `target_class` would be made, make `class_name` instead (gevent_openssl
  // monkey-patching pyOpenSSL's Connection). No effect while nothing makes the target.
  virtual void patch(const char* target_class, const char* class_name, SocketMaker make) = 0;

 protected:
  ~SocketRegistry() = default;
};

}  // namespace slowfast
