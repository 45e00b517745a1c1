#include "connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdio>
#include <utility>

#include <fmt/format.h>

#include "server.h"
#include "worker.h"

namespace slowfast::server {
namespace {

constexpr double kLingerSeconds = 2;
// While a response is pending, buffer at most this much of what the client pipelines
// behind it; beyond, stop reading until the response is out (back-pressure).
constexpr size_t kMaxPipelinedBytes = 64 * 1024;

// Owns a heap write request and its bytes until libuv calls back.
struct WriteReq {
  uv_write_t req{};
  Connection* conn = nullptr;
  std::string data;
};

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

bool no_body_status(int status) { return status == 204 || status == 304; }

}  // namespace

Connection::Connection(Worker& worker, bool tls)
    : worker_(worker),
      tcp_(worker.loop(), uv_tcp_init),
      timer_(worker.loop(), uv_timer_init),
      parser_(worker.config().max_header_bytes, worker.config().max_body_bytes) {
  if (tls) tls_ = std::make_unique<TlsSession>(worker.tls_context());
  tcp_.get()->data = this;
  timer_.get()->data = this;
}

Connection::~Connection() = default;

void Connection::accept_from(Worker& worker, uv_stream_t* listener, bool tls) {
  std::unique_ptr<Connection> owned;
  try {
    owned = std::make_unique<Connection>(worker, tls);
  } catch (const std::exception& e) {
    worker.server().log(std::string("cannot serve a new connection: ") + e.what());
    return;  // the connection stays in the backlog until the next accept
  }
  Connection* c = owned.release();  // from here on freed when its tcp handle has closed
  if (uv_accept(listener, c->tcp_.stream()) != 0 || !worker.add(c)) {
    c->close();
    return;
  }
  c->start();
}

void Connection::start() {
  if (uv_tcp_nodelay(tcp_.get(), 1) != 0) {
    close();
    return;
  }
  double hold_ms = worker_.config().handshake_delay_ms;
  if (tls_ && hold_ms > 0) {
    // The ClientHello waits in the kernel's buffer until the timer fires.
    state_ = State::kHandshakeDelay;
    arm_timer(hold_ms / 1000);
    return;
  }
  start_reading();
}

void Connection::start_reading() {
  state_ = tls_ ? State::kHandshake : State::kIdle;
  arm_timer(worker_.config().idle_timeout_s);
  reading_ = uv_read_start(tcp_.stream(), on_alloc, on_read_cb) == 0;
  if (!reading_) close();
}

void Connection::arm_timer(double seconds) {
  if (closing_) return;  // the timer is closed with the connection
  // The loop's cached clock is as old as this iteration: after a burst of handshakes it
  // can lag by tens of ms, and a /delay timed from it would answer early.
  uv_update_time(worker_.loop());
  uv_must(uv_timer_start(timer_.get(), on_timer_cb, static_cast<uint64_t>(seconds * 1000 + 0.5), 0),
          "uv_timer_start");
}

void Connection::on_timer() {
  switch (state_) {
    case State::kHandshakeDelay: start_reading(); break;
    case State::kHandshake:
    case State::kIdle: close(); break;  // idle timeout: nothing to answer
    case State::kHeaders:
      respond_error(408, "request headers not complete within " +
                             fmt::format("{:g}", worker_.config().header_timeout_s) + " s");
      break;
    case State::kWaiting: send_response(); break;
    case State::kDripping: send_drip_piece(); break;
    case State::kLingering: close(); break;
  }
}

void Connection::on_read(ssize_t nread, const char* data) {
  if (nread == UV_EOF) {
    on_peer_finished();
    return;
  }
  if (nread < 0) {  // reset or error: the client is gone, whatever we were doing
    close();
    return;
  }
  if (nread == 0 || state_ == State::kLingering) return;
  if (tls_) on_ciphertext(data, static_cast<size_t>(nread));
  else on_plaintext(data, static_cast<size_t>(nread));
}

void Connection::on_ciphertext(const char* data, size_t len) {
  tls_->feed(data, len);
  if (!tls_->handshake_done()) {
    TlsSession::Status st = tls_->handshake();
    if (tls_->take_output(pending_out_)) write_raw(std::exchange(pending_out_, {}));
    if (st == TlsSession::Status::kError) {
      worker_.server().counters().handshake_failures++;
      worker_.server().log("tls handshake failed from " + peer_address() + ": " + tls_->error());
      close();
      return;
    }
    if (st != TlsSession::Status::kOk) return;
    state_ = State::kIdle;
  }
  char buf[16 * 1024];
  while (!closing_) {
    size_t n = 0;
    TlsSession::Status st = tls_->read(buf, sizeof buf, &n);
    if (st == TlsSession::Status::kOk) {
      on_plaintext(buf, n);
      continue;
    }
    // Reading can make OpenSSL answer on its own (a refused renegotiation's alert, a
    // TLS 1.3 key update): whatever it queued must leave now, or the peer waits forever.
    if (tls_->take_output(pending_out_)) write_raw(std::exchange(pending_out_, {}));
    if (st == TlsSession::Status::kClosed) on_peer_finished();  // close_notify: done sending
    else if (st == TlsSession::Status::kError) close();
    break;
  }
}

// libuv reports a reset that arrives behind data as an EOF (POLLHUP after a partial
// read), so the kernel is asked: a peer that only half-closed leaves the connection in
// CLOSE_WAIT, one that reset it leaves it CLOSEd.
bool Connection::peer_reset() {
  uv_os_fd_t fd = -1;
  tcp_info info{};
  socklen_t len = sizeof info;
  return uv_fileno(tcp_.handle(), &fd) == 0 &&
         getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 && info.tcpi_state == TCP_CLOSE;
}

void Connection::on_peer_finished() {
  // A client that has finished sending (FIN, or TLS close_notify) has not left: a
  // request it already sent is still answered, then the connection closes. Only a
  // reset or a failed write means it is gone.
  if (closing_) return;
  if (peer_reset()) {
    close();
    return;
  }
  peer_finished_ = true;
  if (reading_) uv_must(uv_read_stop(tcp_.stream()), "uv_read_stop");
  reading_ = false;
  if (state_ != State::kWaiting && state_ != State::kDripping) close();  // nothing to answer
}

void Connection::on_plaintext(const char* data, size_t len) {
  if (state_ == State::kWaiting || state_ == State::kDripping) {
    pending_in_.append(data, len);
    if (pending_in_.size() > kMaxPipelinedBytes && reading_) {
      uv_must(uv_read_stop(tcp_.stream()), "uv_read_stop");
      reading_ = false;
    }
    return;
  }
  if (state_ != State::kIdle && state_ != State::kHeaders) return;
  if (state_ == State::kIdle) {
    state_ = State::kHeaders;
    arm_timer(worker_.config().header_timeout_s);
  }
  size_t used = parser_.feed(data, len);
  if (parser_.take_continue_wanted() && !parser_.complete() && !parser_.failed())
    send(kContinue.data(), kContinue.size());
  if (parser_.failed()) {
    respond_error(parser_.error_status(), parser_.error_message());
  } else if (parser_.complete()) {
    pending_in_.assign(data + used, len - used);
    handle_request();
  }
}

void Connection::handle_request() {
  worker_.server().counters().requests++;
  Request req{parser_.method(), parser_.target(), parser_.headers(), peer_address(),
              tls_ ? "https" : "http", worker_.server().connection_count()};
  method_ = req.method;
  target_ = req.target;
  try {
    response_ = route(req);
  } catch (const std::exception& e) {
    // A bug in a route answers this request alone; the process and every other
    // request in flight carry on.
    worker_.server().log("route " + req.target + " failed: " + e.what());
    response_ = error_response(500, "internal error while routing the request");
  }
  keep_alive_ = parser_.keep_alive() && !worker_.draining() && !peer_finished_ && !response_.close_delimited;
  if (response_.delay_s > 0) {
    state_ = State::kWaiting;
    arm_timer(response_.delay_s);
  } else {
    send_response();
  }
}

void Connection::send_response() {
  const Response& r = response_;
  bool head = method_ == "HEAD";
  bool bodyless = no_body_status(r.status);
  char line[160];
  std::snprintf(line, sizeof line, "HTTP/1.1 %d %s\r\n", r.status, reason_phrase(r.status));
  std::string out = line;
  out += "Server: slowfast\r\nContent-Type: " + r.content_type + "\r\n";
  for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
  if (!bodyless && !r.close_delimited) out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  out += keep_alive_ ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  if (worker_.config().access_log)
    worker_.server().log(peer_address() + " " + method_ + " " + target_ + " " + std::to_string(r.status));
  if (r.drip_pieces > 0 && !head && !bodyless) {
    send(out.data(), out.size());
    state_ = State::kDripping;
    drip_next_ = 0;
    uv_update_time(worker_.loop());
    drip_start_ms_ = uv_now(worker_.loop());
    send_drip_piece();
    return;
  }
  if (!head && !bodyless) out += r.body;
  // A connection's last response leaves with its close_notify (finish_response ->
  // close_gracefully): one write and one segment instead of two (strace -c, 2,000 h2load
  // connections with "Connection: close": 3 -> 2 writes per connection).
  send(out.data(), out.size(), /*flush=*/keep_alive_);
  finish_response();
}

void Connection::send_drip_piece() {
  const Response& r = response_;
  size_t size = r.body.size();
  size_t pieces = static_cast<size_t>(r.drip_pieces);
  size_t i = static_cast<size_t>(drip_next_++);
  size_t from = size * i / pieces, to = size * (i + 1) / pieces;
  send(r.body.data() + from, to - from);
  if (closing_) return;
  if (i + 1 == pieces) return finish_response();
  // Piece i + 1 is due at its place on the schedule, not one period after this one: a
  // relative 1 ms timer fires late by a loop turn each time, and 1000 pieces took twice
  // the duration asked for. Behind schedule, the next piece goes at once.
  uv_update_time(worker_.loop());
  auto due = drip_start_ms_ + static_cast<std::uint64_t>(r.drip_duration_s * 1000 * static_cast<double>(i + 1) /
                                                         static_cast<double>(pieces) + 0.5);
  std::uint64_t now = uv_now(worker_.loop());
  arm_timer(due > now ? static_cast<double>(due - now) / 1000 : 0);
}

void Connection::finish_response() {
  if (closing_) return;
  if (!keep_alive_) {
    close_gracefully();
    return;
  }
  parser_.next();
  state_ = State::kIdle;
  arm_timer(worker_.config().idle_timeout_s);
  if (!reading_ && !peer_finished_) {
    reading_ = uv_read_start(tcp_.stream(), on_alloc, on_read_cb) == 0;
  }
  if (!pending_in_.empty()) {
    std::string pipelined = std::exchange(pending_in_, {});
    on_plaintext(pipelined.data(), pipelined.size());
  }
  // A half-closed client gets every request it sent; then nothing more can come.
  if (peer_finished_ && (state_ == State::kIdle || state_ == State::kHeaders)) close_gracefully();
}

void Connection::respond_error(int status, const std::string& message) {
  response_ = error_response(status, message);
  keep_alive_ = false;
  if (method_.empty()) method_ = "-";
  send_response();
}

void Connection::close_gracefully() {
  state_ = State::kLingering;
  if (tls_) {
    tls_->shutdown();
    if (tls_->take_output(pending_out_)) write_raw(std::exchange(pending_out_, {}));
  }
  if (closing_) return;
  auto req = std::make_unique<uv_shutdown_t>();
  req->data = this;
  if (uv_shutdown(req.get(), tcp_.stream(), on_shutdown_cb) != 0) {
    close();
    return;
  }
  req.release();  // freed by on_shutdown_cb
  arm_timer(kLingerSeconds);
}

void Connection::send(const char* data, size_t len, bool flush) {
  if (closing_ || len == 0) return;
  if (!tls_) {
    write_raw(std::string(data, len));
    return;
  }
  if (!tls_->write(data, len)) {
    worker_.server().log("tls write failed to " + peer_address() + ": " + openssl_error());
    close();
    return;
  }
  if (flush && tls_->take_output(pending_out_)) write_raw(std::exchange(pending_out_, {}));
}

void Connection::write_raw(std::string data) {
  if (closing_) return;
  size_t offset = 0;
  uv_stream_t* stream = tcp_.stream();
  if (uv_stream_get_write_queue_size(stream) == 0) {
    // Most responses fit the socket buffer: send them without a heap request.
    uv_buf_t buf = uv_buf_init(data.data(), static_cast<unsigned>(data.size()));
    int n = uv_try_write(stream, &buf, 1);
    if (n == static_cast<int>(data.size())) return;
    if (n < 0 && n != UV_EAGAIN) {
      close();
      return;
    }
    offset = n > 0 ? static_cast<size_t>(n) : 0;
  }
  auto w = std::make_unique<WriteReq>();
  w->data = data.substr(offset);
  w->conn = this;
  w->req.data = w.get();
  uv_buf_t buf = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  if (uv_write(&w->req, stream, &buf, 1, on_write_cb) != 0) {
    close();
    return;
  }
  w.release();  // freed by on_write_cb
}

const std::string& Connection::peer_address() {
  // Looked up once per connection (a getpeername call), not once per request.
  if (!peer_.empty()) return peer_;
  sockaddr_storage addr{};
  int len = sizeof addr;
  auto* sa = reinterpret_cast<sockaddr*>(&addr);  // the socket API's one generic address
  char ip[64] = "?";
  bool named = tcp_ && uv_tcp_getpeername(tcp_.get(), sa, &len) == 0 &&
               uv_ip_name(sa, ip, sizeof ip) == 0;
  peer_ = named ? ip : "?";
  return peer_;
}

void Connection::drain() {
  if (state_ == State::kHandshakeDelay || state_ == State::kHandshake || state_ == State::kIdle)
    close();
  else
    keep_alive_ = false;
}

void Connection::close() {
  if (closing_) return;
  closing_ = true;
  reading_ = false;  // reads end with the handle
  worker_.remove(this);
  timer_.close();  // uv_close stops it
  // libuv calls back the cancelled writes and shutdown (which may name this
  // connection) before the tcp handle's close callback: the connection goes last.
  tcp_.close([](uv_tcp_t* t) { delete static_cast<Connection*>(t->data); });
}

// --- libuv callbacks -------------------------------------------------------------

void Connection::on_alloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  // Every read is consumed before the next one, so one buffer serves all of a worker's
  // connections (one per thread: workers run side by side).
  thread_local char shared[64 * 1024];
  *buf = uv_buf_init(shared, sizeof shared);
}

void Connection::on_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  static_cast<Connection*>(s->data)->on_read(nread, buf->base);
}

void Connection::on_timer_cb(uv_timer_t* t) { static_cast<Connection*>(t->data)->on_timer(); }

void Connection::on_write_cb(uv_write_t* req, int status) {
  std::unique_ptr<WriteReq> w(static_cast<WriteReq*>(req->data));
  if (status < 0) w->conn->close();
}

void Connection::on_shutdown_cb(uv_shutdown_t* req, int status) {
  std::unique_ptr<uv_shutdown_t> owned(req);
  auto* c = static_cast<Connection*>(req->data);
  // Our FIN is out; a peer that already sent its own has nothing left to drain.
  if (status < 0 || c->peer_finished_) c->close();
}

}  // namespace slowfast::server
