// One client connection of the delay server: a uv_tcp_t, an optional TLS session over
// memory BIOs, an HTTP request parser and one uv timer that serves, by state, as the
// idle timeout, the header timeout, the /delay wait, the /drip pacing and the linger.
//
// A Connection owns itself once accepted: it deletes itself in the close callback of
// its tcp handle, which libuv runs after the callbacks of the writes it cancels. Closing
// it for any reason (peer gone, error, timeout, shutdown) closes its timer too, so a
// client that leaves before its delay fires leaks nothing.
#pragma once
#include <uv.h>

#include <memory>
#include <string>

#include "request_parser.h"
#include "routes.h"
#include "slowfast/uv_handle.h"
#include "tls_server.h"

namespace slowfast::server {

class Worker;

class Connection {
 public:
  enum class State {
    kHandshakeDelay,  // --handshake-delay: not reading yet
    kHandshake,       // TLS handshake in progress
    kIdle,            // ready for a request, none of its bytes yet
    kHeaders,         // a request has started, its headers are incomplete
    kWaiting,         // answered, waiting out the route's delay
    kDripping,        // sending the body piece by piece
    kLingering,       // last response sent, FIN sent, draining until the peer closes
  };

  // Accepts one pending connection from `listener` and starts serving it.
  static void accept_from(Worker& worker, uv_stream_t* listener, bool tls);

  // Stops everything and closes the handles; the object is freed afterwards.
  void close();
  // The server is shutting down: idle connections close, busy ones finish their
  // current response with "Connection: close".
  void drain();


  // The worker's intrusive list of open connections.
  Connection* prev = nullptr;
  Connection* next = nullptr;

  Connection(Worker& worker, bool tls);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

 private:
  void start();
  void start_reading();
  void arm_timer(double seconds);
  void on_timer();
  void on_read(ssize_t nread, const char* data);
  void on_ciphertext(const char* data, size_t len);
  void on_plaintext(const char* data, size_t len);
  void on_peer_finished();
  bool peer_reset();
  void handle_request();
  void send_response();
  void send_drip_piece();
  void finish_response();
  void respond_error(int status, const std::string& message);
  void close_gracefully();
  // flush = false leaves TLS records in the output BIO for the next write to take along.
  void send(const char* data, size_t len, bool flush = true);
  void write_raw(std::string data);
  const std::string& peer_address();

  static void on_alloc(uv_handle_t*, size_t, uv_buf_t* buf);
  static void on_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
  static void on_timer_cb(uv_timer_t* t);
  static void on_write_cb(uv_write_t* req, int status);
  static void on_shutdown_cb(uv_shutdown_t* req, int status);

  Worker& worker_;
  UvHandle<uv_tcp_t> tcp_;
  UvHandle<uv_timer_t> timer_;
  bool closing_ = false;
  bool reading_ = false;
  bool linked_ = false;
  bool peer_finished_ = false;  // the client half-closed: answer, then close
  friend class Worker;

  std::unique_ptr<TlsSession> tls_;
  RequestParser parser_;
  std::string pending_in_;   // pipelined bytes that arrived while a response was pending
  std::string pending_out_;  // ciphertext on its way from the TLS session to write_raw
  State state_ = State::kIdle;
  Response response_;
  std::string peer_;  // the client's address, see peer_address()
  std::string method_;
  std::string target_;
  bool keep_alive_ = true;
  int drip_next_ = 0;
  std::uint64_t drip_start_ms_ = 0;  // uv_now() when the first piece went: the schedule's zero
};

}  // namespace slowfast::server
