// What a module may do to the socket factory, and what it gets to build a socket.
// Part of the module ABI (slowfast/module/module.h): change it and bump SLOWFAST_MODULE_ABI.
#pragma once
#include <cstdint>
#include <memory>

#include "slowfast/module/socket.h"
#include "slowfast/module/ssl_ptr.h"
#include "slowfast/module/task.h"
#include "slowfast/module/threadpool.h"
#include "slowfast/module/wait.h"

namespace slowfast {

// Everything a TLS socket class needs for one connection.
struct SocketArgs {
  module::SslPtr ssl;  // client-mode SSL bound to on.fd, verification set up
  WaitTarget on;       // the fd and the bounds of every wait on it
  // The wait a module put in place of urllib3's wait_for_read / wait_for_write
  // (SocketRegistry::patch_wait); null: nobody did, BlockingTlsSocket polls its fd.
  WaitForSocket patched_wait = nullptr;
};

using SocketMaker = std::unique_ptr<Socket> (*)(SocketArgs&& args);

// A complete response, as a response hook sees it (requests' hooks={'response': f}).
struct Response {
  int page = -1;                // the request's page
  int status = 0;               // its HTTP status
  const char* body = nullptr;   // the body, alive until the hook returns
  std::size_t body_size = 0;
  Threadpool* pool = nullptr;   // the loop's worker threads, for apply()
};

// Runs on the loop thread after each complete response (uv-nonblocking). What it returns
// is the request's "hook" in the record (`fetch --json`); what it throws fails the request.
using ResponseHook = Task<std::string> (*)(const Response& response);

class SocketRegistry {
 public:
  // Every TLS connection gets `class_name` from now on (urllib3's
  // inject_into_urllib3 when pyopenssl is importable).
  virtual void inject(const char* class_name, SocketMaker make) = 0;
  // Wherever `target_class` would be made, make `class_name` instead (gevent_openssl
  // monkey-patching pyOpenSSL's Connection). No effect while nothing makes the target.
  virtual void patch(const char* target_class, const char* class_name, SocketMaker make) = 0;
  // Every socket made from now on that waits the urllib3 way calls `wait` instead of
  // polling its own fd (grequests' monkey.patch_all(select=True) turning select.poll
  // cooperative). Sockets that already wait on the loop are not touched.
  virtual void patch_wait(WaitForSocket wait) = 0;
  // After every response, `hook` runs (the last one installed; requests' response hook).
  virtual void on_response(ResponseHook hook) = 0;

 protected:
  ~SocketRegistry() = default;
};

}  // namespace slowfast
