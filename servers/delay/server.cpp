#include "server.h"

#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "connection.h"
#include "core/lab_certs.h"
#include "tls_server.h"

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

void write_file_atomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << text << "\n";
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

std::string uv_message(const char* what, int err) {
  return std::string(what) + ": " + uv_strerror(err);
}

}  // namespace

Server::Server(uv_loop_t* loop, Config config) : loop_(loop), config_(std::move(config)) {}

Server::~Server() = default;

void Server::start() {
  raise_fd_limit();
  if (config_.https_port >= 0) {
    std::filesystem::path dir =
        config_.certs_dir.empty() ? default_lab_certs_dir() : std::filesystem::path(config_.certs_dir);
    ensure_lab_certs(dir);
    LabCertPaths certs{dir};
    tls_ctx_ = make_server_tls_context(certs.server_pem(), certs.server_key());
  }
  uv_timer_init(loop_, &grace_timer_);
  uv_signal_init(loop_, &sigint_);
  uv_signal_init(loop_, &sigterm_);
  uv_tcp_init(loop_, &https_);
  uv_tcp_init(loop_, &http_);
  https_.data = http_.data = sigint_.data = sigterm_.data = grace_timer_.data = this;
  started_ = true;
  if (config_.https_port >= 0) listen_on(&https_, config_.https_port, &https_port_);
  if (config_.http_port >= 0) listen_on(&http_, config_.http_port, &http_port_);
  uv_signal_start(&sigint_, on_signal, SIGINT);
  uv_signal_start(&sigterm_, on_signal, SIGTERM);
  // Signals alone must not keep the loop alive once everything else has closed.
  uv_unref(reinterpret_cast<uv_handle_t*>(&sigint_));
  uv_unref(reinterpret_cast<uv_handle_t*>(&sigterm_));
  if (!config_.ready_file.empty()) write_file_atomically(config_.ready_file, listening_line());
}

void Server::listen_on(uv_tcp_t* handle, int port, int* bound_port) {
  sockaddr_storage addr{};
  if (uv_ip4_addr(config_.bind.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr)) != 0 &&
      uv_ip6_addr(config_.bind.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr)) != 0)
    throw std::runtime_error("--bind: not an IP address: " + config_.bind);
  int err = uv_tcp_bind(handle, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (err == 0) err = uv_listen(reinterpret_cast<uv_stream_t*>(handle), config_.listen_backlog,
                                on_connection);
  if (err != 0)
    throw std::runtime_error(uv_message(
        ("cannot listen on " + config_.bind + ":" + std::to_string(port)).c_str(), err));
  sockaddr_storage name{};
  int len = sizeof name;
  uv_tcp_getsockname(handle, reinterpret_cast<sockaddr*>(&name), &len);
  *bound_port = ntohs(name.ss_family == AF_INET6
                          ? reinterpret_cast<sockaddr_in6*>(&name)->sin6_port
                          : reinterpret_cast<sockaddr_in*>(&name)->sin_port);
}

std::string Server::listening_line() const {
  std::string host = config_.bind.find(':') != std::string::npos ? "[" + config_.bind + "]"
                                                                  : config_.bind;
  std::string line = "listening";
  if (https_port_ >= 0) line += " https=" + host + ":" + std::to_string(https_port_);
  if (http_port_ >= 0) line += " http=" + host + ":" + std::to_string(http_port_);
  return line;
}

void Server::on_connection(uv_stream_t* listener, int status) {
  auto* self = static_cast<Server*>(listener->data);
  if (status < 0) {
    self->log(uv_message("accept", status));
    return;
  }
  // Both listeners carry the server as data; which one it is tells TLS from plain.
  bool tls = listener == reinterpret_cast<uv_stream_t*>(&self->https_);
  Connection::accept_from(*self, listener, tls);
}

bool Server::add(Connection* c) {
  if (draining_ || connection_count_ >= config_.max_connections) {
    counters_.refused++;
    uint64_t now = uv_now(loop_);
    if (now - last_refusal_log_ms_ >= 1000) {  // at most one line a second
      last_refusal_log_ms_ = now;
      log("connection limit " + std::to_string(config_.max_connections) +
          " reached: refusing new connections (" + std::to_string(counters_.refused) +
          " so far)");
    }
    return false;
  }
  counters_.accepted++;
  c->next = connections_;
  if (connections_) connections_->prev = c;
  connections_ = c;
  c->linked_ = true;
  ++connection_count_;
  return true;
}

void Server::remove(Connection* c) {
  if (!c->linked_) return;
  c->linked_ = false;
  if (c->prev) c->prev->next = c->next;
  else connections_ = c->next;
  if (c->next) c->next->prev = c->prev;
  c->prev = c->next = nullptr;
  --connection_count_;
  if (draining_ && connection_count_ == 0) finish_shutdown();
}

void Server::begin_shutdown() {
  if (draining_) return;
  draining_ = true;
  log("shutting down: " + std::to_string(connection_count_) +
      " connections open, grace " + fmt::format("{:g}", config_.grace_s) + " s");
  for (uv_tcp_t* l : {&https_, &http_})
    if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(l)))
      uv_close(reinterpret_cast<uv_handle_t*>(l), nullptr);
  uv_timer_start(&grace_timer_, [](uv_timer_t* t) {
    auto* self = static_cast<Server*>(t->data);
    self->log("grace period over: closing " + std::to_string(self->connection_count_) +
              " connections");
    while (self->connections_) self->connections_->close();
  }, static_cast<uint64_t>(config_.grace_s * 1000), 0);
  // drain() may close (and unlink) the connection it is given: walk with care.
  for (Connection* c = connections_; c;) {
    Connection* next = c->next;
    c->drain();
    c = next;
  }
  if (connection_count_ == 0) finish_shutdown();
}

void Server::finish_shutdown() {
  if (closed_) return;
  closed_ = true;
  for (auto* h : {reinterpret_cast<uv_handle_t*>(&grace_timer_),
                  reinterpret_cast<uv_handle_t*>(&sigint_),
                  reinterpret_cast<uv_handle_t*>(&sigterm_)})
    if (!uv_is_closing(h)) uv_close(h, nullptr);
}

void Server::on_signal(uv_signal_t* s, int signum) {
  auto* self = static_cast<Server*>(s->data);
  if (self->draining_) {
    self->log("second signal: closing every connection now");
    while (self->connections_) self->connections_->close();
    return;
  }
  self->log(std::string("received ") + (signum == SIGINT ? "SIGINT" : "SIGTERM"));
  self->begin_shutdown();
}

void Server::log(const std::string& line) const {
  std::fprintf(stderr, "slowfast-server: %s\n", line.c_str());
}

}  // namespace slowfast::server
