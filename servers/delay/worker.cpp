#include "worker.h"

#include <stdexcept>

#include "connection.h"
#include "server.h"

namespace slowfast::server {

Worker::Worker(Server& server) : server_(server) {
  uv_loop_init(&loop_);
  // The command handle lives as long as the worker, so request_shutdown() is safe
  // from any thread at any time; unreferenced, it never keeps the loop alive.
  uv_async_init(&loop_, &command_async_, on_command);
  uv_unref(reinterpret_cast<uv_handle_t*>(&command_async_));
  command_async_.data = this;
}

Worker::~Worker() {
  if (!thread_started_) close_all();  // start() failed: nothing runs the loop
  join();
  uv_close(reinterpret_cast<uv_handle_t*>(&command_async_), nullptr);
  uv_run(&loop_, UV_RUN_DEFAULT);
  uv_loop_close(&loop_);
}

const Config& Worker::config() const { return server_.config(); }
SSL_CTX* Worker::tls_context() const { return server_.tls_context(); }

void Worker::start(int https_fd, int http_fd) {
  uv_timer_init(&loop_, &grace_timer_);
  uv_tcp_init(&loop_, &https_);
  uv_tcp_init(&loop_, &http_);
  https_.data = http_.data = grace_timer_.data = this;
  if (https_fd >= 0) listen_fd(&https_, https_fd);
  if (http_fd >= 0) listen_fd(&http_, http_fd);
  int err = uv_thread_create(
      &thread_, [](void* arg) {
        auto* self = static_cast<Worker*>(arg);
        uv_run(&self->loop_, UV_RUN_DEFAULT);
        self->server_.worker_stopped();
      }, this);
  if (err != 0) throw std::runtime_error(std::string("uv_thread_create: ") + uv_strerror(err));
  thread_started_ = true;
}

void Worker::listen_fd(uv_tcp_t* handle, int fd) {
  int err = uv_tcp_open(handle, fd);
  if (err == 0)
    err = uv_listen(reinterpret_cast<uv_stream_t*>(handle), server_.config().listen_backlog,
                    on_connection);
  if (err != 0) throw std::runtime_error(std::string("listen: ") + uv_strerror(err));
}

void Worker::join() {
  if (!thread_started_) return;
  uv_thread_join(&thread_);
  thread_started_ = false;
}

void Worker::request_shutdown(bool force) {
  int want = force ? 2 : 1;
  int current = command_.load();
  while (current < want && !command_.compare_exchange_weak(current, want)) {
  }
  uv_async_send(&command_async_);
}

void Worker::on_command(uv_async_t* async) {
  auto* self = static_cast<Worker*>(async->data);
  int command = self->command_.exchange(0);
  if (command >= 1) self->begin_shutdown();
  if (command == 2) self->close_all();
}

void Worker::on_connection(uv_stream_t* listener, int status) {
  auto* self = static_cast<Worker*>(listener->data);
  if (status < 0) {
    self->server_.log(std::string("accept: ") + uv_strerror(status));
    return;
  }
  // Both listeners carry the worker as data; which one it is tells TLS from plain.
  bool tls = listener == reinterpret_cast<uv_stream_t*>(&self->https_);
  Connection::accept_from(*self, listener, tls);
}

bool Worker::add(Connection* c) {
  if (draining_ || !server_.reserve_connection()) {
    server_.counters().refused++;
    return false;
  }
  server_.counters().accepted++;
  c->next = connections_;
  if (connections_) connections_->prev = c;
  connections_ = c;
  c->linked_ = true;
  ++count_;
  return true;
}

void Worker::remove(Connection* c) {
  if (!c->linked_) return;
  c->linked_ = false;
  if (c->prev) c->prev->next = c->next;
  else connections_ = c->next;
  if (c->next) c->next->prev = c->prev;
  c->prev = c->next = nullptr;
  --count_;
  server_.release_connection();
  if (draining_ && count_ == 0) finish_shutdown();
}

void Worker::begin_shutdown() {
  if (draining_) return;
  draining_ = true;
  for (uv_tcp_t* l : {&https_, &http_})
    if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(l)))
      uv_close(reinterpret_cast<uv_handle_t*>(l), nullptr);
  uv_timer_start(&grace_timer_, [](uv_timer_t* t) {
    auto* self = static_cast<Worker*>(t->data);
    self->server_.log("grace period over: closing " + std::to_string(self->count_) +
                      " connections");
    self->close_all();
  }, static_cast<uint64_t>(server_.config().grace_s * 1000), 0);
  // drain() may close (and unlink) the connection it is given: walk with care.
  for (Connection* c = connections_; c;) {
    Connection* next = c->next;
    c->drain();
    c = next;
  }
  if (count_ == 0) finish_shutdown();
}

void Worker::close_all() {
  while (connections_) connections_->close();
  finish_shutdown();
}

void Worker::finish_shutdown() {
  if (finished_) return;
  finished_ = true;
  draining_ = true;
  for (auto* h : {reinterpret_cast<uv_handle_t*>(&grace_timer_),
                  reinterpret_cast<uv_handle_t*>(&https_), reinterpret_cast<uv_handle_t*>(&http_)})
    if (h->loop && !uv_is_closing(h)) uv_close(h, nullptr);
}

}  // namespace slowfast::server
