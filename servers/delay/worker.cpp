#include "worker.h"

#include "connection.h"
#include "server.h"

namespace slowfast::server {

// The command handle lives as long as the worker, so request_shutdown() is safe
// from any thread at any time; unreferenced, it never keeps the loop alive.
Worker::Worker(Server& server)
    : server_(server),
      https_(loop_.get(), uv_tcp_init),
      http_(loop_.get(), uv_tcp_init),
      command_async_(loop_.get(), uv_async_init, on_command),
      grace_timer_(loop_.get(), uv_timer_init) {
  uv_unref(command_async_.handle());
  https_.get()->data = http_.get()->data = command_async_.get()->data = grace_timer_.get()->data = this;
}

// The handles close themselves (the command handle after the thread is joined), and
// loop_ runs their close callbacks and checks uv_loop_close.
Worker::~Worker() {
  if (!thread_started_) close_all();  // start() failed: nothing runs the loop
  join();
}

const Config& Worker::config() const { return server_.config(); }
SSL_CTX* Worker::tls_context() const { return server_.tls_context(); }

void Worker::start(int https_fd, int http_fd) {
  if (https_fd >= 0) listen_fd(https_.get(), https_fd);
  if (http_fd >= 0) listen_fd(http_.get(), http_fd);
  uv_check(uv_thread_create(
               &thread_, [](void* arg) {
                 auto* self = static_cast<Worker*>(arg);
                 self->loop_.run();
                 self->server_.worker_stopped();
               }, this),
           "uv_thread_create");
  thread_started_ = true;
}

void Worker::listen_fd(uv_tcp_t* handle, int fd) {
  int err = uv_tcp_open(handle, fd);
  if (err == 0)
    err = uv_listen(as_stream(handle), server_.config().listen_backlog, on_connection);
  uv_check(err, "listen");
}

void Worker::join() {
  if (!thread_started_) return;
  uv_must(uv_thread_join(&thread_), "uv_thread_join");
  thread_started_ = false;
}

void Worker::request_shutdown(bool force) {
  int want = force ? 2 : 1;
  int current = command_.load();
  while (current < want && !command_.compare_exchange_weak(current, want)) {
  }
  uv_must(uv_async_send(command_async_.get()), "uv_async_send");
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
  bool tls = listener == self->https_.stream();
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
  https_.close();  // stop accepting
  http_.close();
  auto on_grace_over = [](uv_timer_t* t) {
    auto* self = static_cast<Worker*>(t->data);
    self->server_.log("grace period over: closing " + std::to_string(self->count_) +
                      " connections");
    self->close_all();
  };
  uv_must(uv_timer_start(grace_timer_.get(), on_grace_over,
                         static_cast<uint64_t>(server_.config().grace_s * 1000), 0),
          "uv_timer_start");
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
  grace_timer_.close();
  https_.close();
  http_.close();
}

}  // namespace slowfast::server
