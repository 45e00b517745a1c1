// One worker: a thread running its own libuv loop, its own listening sockets (sharing
// the ports with the other workers through SO_REUSEPORT) and the connections it
// accepted. Nothing of a worker is touched by another thread except through
// request_shutdown(), which goes through a uv_async_t.
#pragma once
#include <uv.h>

#include <atomic>

#include "config.h"
#include "slowfast/openssl_ptr.h"
#include "slowfast/uv_handle.h"

namespace slowfast::server {

class Connection;
class Server;

class Worker {
 public:
  explicit Worker(Server& server);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Takes the bound sockets (-1: listener off), listens, and runs the loop on a new
  // thread. Throws std::runtime_error with one readable line.
  void start(int https_fd, int http_fd);
  // Thread-safe. `force` false: stop accepting, let in-flight requests finish within
  // the grace period; true: close every connection now.
  void request_shutdown(bool force);
  void join();

  // For this worker's connections (worker thread only).
  Server& server() const { return server_; }
  const Config& config() const;
  SSL_CTX* tls_context() const;
  uv_loop_t* loop() { return loop_.get(); }
  bool draining() const { return draining_; }
  bool add(Connection* c);  // false: refused (cap reached or shutting down)
  void remove(Connection* c);

 private:
  void listen_fd(uv_tcp_t* handle, int fd);
  void begin_shutdown();
  void close_all();
  void finish_shutdown();
  static void on_connection(uv_stream_t* listener, int status);
  static void on_command(uv_async_t* async);

  Server& server_;
  UvLoop loop_;  // first: destroyed last, once every handle below has closed
  UvHandle<uv_tcp_t> https_;
  UvHandle<uv_tcp_t> http_;
  UvHandle<uv_async_t> command_async_;
  UvHandle<uv_timer_t> grace_timer_;
  uv_thread_t thread_{};
  bool thread_started_ = false;
  std::atomic<int> command_{0};  // 1: drain, 2: force
  bool draining_ = false;
  bool finished_ = false;
  Connection* connections_ = nullptr;  // intrusive list of this worker's connections
  size_t count_ = 0;
};

}  // namespace slowfast::server
