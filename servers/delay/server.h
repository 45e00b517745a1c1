// The delay server, process-wide: configuration, the one TLS context, the listening
// ports, the worker threads (one libuv loop each, SO_REUSEPORT) and the signals.
// SIGINT/SIGTERM: stop accepting, let in-flight requests finish within the grace
// period, exit 0. A second signal closes everything at once.
#pragma once
#include <uv.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "slowfast/openssl_ptr.h"
#include "slowfast/uv_handle.h"

namespace slowfast::server {

class Worker;

struct Counters {
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> refused{0};  // over the connection cap
  std::atomic<uint64_t> handshake_failures{0};
  std::atomic<uint64_t> requests{0};
};

class Server {
 public:
  explicit Server(Config config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads (or creates) the certificates, binds, starts the workers.
  // Throws std::runtime_error with one readable line.
  void start();
  // "listening https=127.0.0.1:P http=127.0.0.1:Q" (a disabled listener is left out).
  std::string listening_line() const;
  // Handles signals until every worker has stopped.
  void run();

  // Shared with the workers (any thread).
  const Config& config() const { return config_; }
  SSL_CTX* tls_context() const { return tls_ctx_.get(); }
  Counters& counters() { return counters_; }
  size_t connection_count() const { return connections_.load(std::memory_order_relaxed); }
  bool reserve_connection();  // false when the cap is reached
  void release_connection() { connections_.fetch_sub(1, std::memory_order_relaxed); }
  void log(const std::string& line) const;
  void worker_stopped();

 private:
  static void on_signal(uv_signal_t* s, int signum);

  Config config_;
  SslCtxPtr tls_ctx_;
  int https_port_ = -1;
  int http_port_ = -1;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::optional<UvLoop> main_loop_;  // made by start(); outlives the handles below
  UvHandle<uv_signal_t> sigint_;
  UvHandle<uv_signal_t> sigterm_;
  UvHandle<uv_async_t> worker_stopped_;
  std::atomic<size_t> running_workers_{0};
  std::atomic<size_t> connections_{0};
  Counters counters_;
  mutable std::atomic<uint64_t> last_refusal_log_ns_{0};
  int signals_seen_ = 0;
};

}  // namespace slowfast::server
