#include "server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "slowfast/lab_certs.h"
#include "listen_socket.h"
#include "ready_file.h"
#include "request_parser.h"
#include "tls_server.h"
#include "worker.h"

namespace slowfast::server {
namespace {

// A connection holds one fd: let the process hold as many as the hard limit allows.
void raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace

Server::Server(Config config) : config_(std::move(config)) {}

// The workers go first (joined: none can signal worker_stopped_ any more); then the
// handles close themselves and main_loop_ runs their close callbacks and checks
// uv_loop_close.
Server::~Server() {
  for (auto& w : workers_) w->request_shutdown(true);
  workers_.clear();  // joins each thread
}

void Server::start() {
  raise_fd_limit();
  // A write to a peer that has reset the connection must fail with EPIPE for that one
  // connection, not end the process: libuv's stream writes do not pass MSG_NOSIGNAL.
  std::signal(SIGPIPE, SIG_IGN);
  RequestParser::allow_header_bytes(config_.max_header_bytes);
  if (config_.https_port >= 0) {
    std::filesystem::path dir = config_.certs_dir.empty()
                                    ? default_lab_certs_dir()
                                    : std::filesystem::path(config_.certs_dir);
    ensure_lab_certs(dir);
    LabCertPaths certs{dir};
    tls_ctx_ = make_server_tls_context(certs.server_pem(), certs.server_key());
  }

  main_loop_.emplace();
  uv_loop_t* loop = main_loop_->get();
  sigint_ = UvHandle<uv_signal_t>(loop, uv_signal_init);
  sigterm_ = UvHandle<uv_signal_t>(loop, uv_signal_init);
  // Every worker has stopped: the main loop has nothing left to wait for. The async
  // handle is only unreferenced, not closed: a worker thread may still be inside
  // uv_async_send on it until it is joined.
  worker_stopped_ = UvHandle<uv_async_t>(loop, uv_async_init, [](uv_async_t* a) {
    auto* self = static_cast<Server*>(a->data);
    if (self->running_workers_.load() != 0) return;
    self->sigint_.close();
    self->sigterm_.close();
    uv_unref(self->worker_stopped_.handle());
  });
  sigint_.get()->data = sigterm_.get()->data = worker_stopped_.get()->data = this;
  uv_check(uv_signal_start(sigint_.get(), on_signal, SIGINT), "uv_signal_start");
  uv_check(uv_signal_start(sigterm_.get(), on_signal, SIGTERM), "uv_signal_start");

  // The first worker's sockets fix the ports (0 picks free ones); the others share them.
  if (!config_.share_port)
    for (int port : {config_.https_port, config_.http_port})
      if (port > 0) refuse_if_listening(config_.bind, port);
  int n = config_.workers > 0 ? config_.workers : static_cast<int>(uv_available_parallelism());
  for (int i = 0; i < n; ++i) {
    int https_fd = -1, http_fd = -1;
    if (config_.https_port >= 0)
      https_fd = open_reuseport_socket(config_.bind, i == 0 ? config_.https_port : https_port_,
                                       &https_port_);
    try {
      if (config_.http_port >= 0)
        http_fd = open_reuseport_socket(config_.bind, i == 0 ? config_.http_port : http_port_,
                                        &http_port_);
    } catch (...) {
      if (https_fd >= 0) ::close(https_fd);
      throw;
    }
    auto worker = std::make_unique<Worker>(*this);
    running_workers_++;
    workers_.push_back(std::move(worker));
    try {
      workers_.back()->start(https_fd, http_fd);
    } catch (...) {
      running_workers_--;
      throw;
    }
  }
  if (!config_.ready_file.empty()) write_ready_file(config_.ready_file, listening_line());
}

std::string Server::listening_line() const {
  return server::listening_line(config_.bind, https_port_, http_port_);
}

void Server::run() {
  main_loop_->run();
  workers_.clear();  // every worker has stopped: join the threads
}

bool Server::reserve_connection() {
  size_t now = connections_.fetch_add(1, std::memory_order_relaxed);
  if (now < config_.max_connections) return true;
  connections_.fetch_sub(1, std::memory_order_relaxed);
  uint64_t t = uv_hrtime(), last = last_refusal_log_ns_.load();
  if (t - last >= 1'000'000'000 && last_refusal_log_ns_.compare_exchange_strong(last, t))
    log(fmt::format("connection limit {} reached: refusing new connections ({} so far)",
                    config_.max_connections, counters_.refused.load() + 1));
  return false;
}

void Server::worker_stopped() {
  running_workers_--;
  uv_must(uv_async_send(worker_stopped_.get()), "uv_async_send");
}

void Server::on_signal(uv_signal_t* s, int signum) {
  auto* self = static_cast<Server*>(s->data);
  bool force = ++self->signals_seen_ > 1;
  if (force) {
    self->log("second signal: closing every connection now");
  } else {
    self->log(fmt::format("received {}: finishing {} open connections (grace {:g} s)",
                          signum == SIGINT ? "SIGINT" : "SIGTERM", self->connection_count(),
                          self->config_.grace_s));
  }
  for (auto& w : self->workers_) w->request_shutdown(force);
}

void Server::log(const std::string& line) const {
  // One fprintf per line: lines from several workers never interleave.
  std::fprintf(stderr, "slowfast-server: %s\n", line.c_str());
}

}  // namespace slowfast::server
