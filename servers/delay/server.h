// The delay server: two listeners (HTTPS and plain HTTP) on one libuv loop, the
// connection cap, and graceful shutdown on SIGINT/SIGTERM.
#pragma once
#include <uv.h>

#include <cstdint>
#include <string>

#include "config.h"
#include "core/openssl_ptr.h"

namespace slowfast::server {

class Connection;

struct Counters {
  uint64_t accepted = 0;
  uint64_t refused = 0;  // over the connection cap
  uint64_t handshake_failures = 0;
  uint64_t requests = 0;
};

class Server {
 public:
  Server(uv_loop_t* loop, Config config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads (or creates) the certificates, binds and listens, installs the signal
  // handlers. Throws std::runtime_error with one readable line.
  void start();
  // "listening https=127.0.0.1:P http=127.0.0.1:Q" (a disabled listener is left out).
  std::string listening_line() const;
  // Stop accepting; let in-flight requests finish for up to config.grace_s.
  void begin_shutdown();

  const Config& config() const { return config_; }
  uv_loop_t* loop() const { return loop_; }
  SSL_CTX* tls_context() const { return tls_ctx_.get(); }
  bool draining() const { return draining_; }
  Counters& counters() { return counters_; }
  size_t connection_count() const { return connection_count_; }

  // Connection bookkeeping; false when the cap is reached.
  bool add(Connection* c);
  void remove(Connection* c);
  void log(const std::string& line) const;

 private:
  void listen_on(uv_tcp_t* handle, int port, int* bound_port);
  void finish_shutdown();
  static void on_connection(uv_stream_t* listener, int status);
  static void on_signal(uv_signal_t* s, int signum);

  uv_loop_t* loop_;
  Config config_;
  SslCtxPtr tls_ctx_;
  uv_tcp_t https_{};
  uv_tcp_t http_{};
  uv_signal_t sigint_{};
  uv_signal_t sigterm_{};
  uv_timer_t grace_timer_{};
  int https_port_ = -1;
  int http_port_ = -1;
  bool started_ = false;
  bool draining_ = false;
  bool closed_ = false;
  Connection* connections_ = nullptr;  // intrusive list head
  size_t connection_count_ = 0;
  Counters counters_;
  uint64_t last_refusal_log_ms_ = 0;
};

}  // namespace slowfast::server
