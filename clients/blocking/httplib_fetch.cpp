#include "blocking/httplib_fetch.h"

#include <cerrno>
#include <cmath>
#include <cstring>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "core/interrupt.h"
#include "core/tls_client_context.h"
#include "core/verdict.h"

namespace slowfast {

namespace {

// cpp-httplib with its response reading handed to ResponseStream. process_socket is
// the virtual through which cpp-httplib runs a request on a connected socket (private
// in cpp-httplib, but a derived class may override it); create_and_connect_socket the
// one that connects: together they put connect and handshake on the timeline.
template <typename Base>
class ParsedResponseClient final : public Base {
 public:
  ParsedResponseClient(const std::string& host, int port, Exchange& exchange)
      : Base(host, port), exchange_(exchange) {}

 private:
  using typename Base::Socket;
  // As cpp-httplib 0.11.4's SSLClient does it (is_valid: the context loaded), then the
  // handshake (cpp-httplib's initialize_ssl) is the next step.
  bool create_and_connect_socket(Socket& socket, httplib::Error& error) override {
    if (!this->is_valid() || !httplib::ClientImpl::create_and_connect_socket(socket, error)) return false;
    exchange_.rec->mark(Point::kConnected, exchange_.clock->now());
    exchange_.step = Step::kHandshake;
    return true;
  }
  bool process_socket(const Socket& socket, std::function<bool(httplib::Stream&)> callback) override {
    SSL* ssl = nullptr;
    if constexpr (std::is_same_v<Base, httplib::SSLClient>) ssl = socket.ssl;
    exchange_.rec->mark(Point::kTlsDone, exchange_.clock->now());  // done, or skipped for http
    ResponseStream stream(socket.sock, ssl, exchange_);
    return callback(stream);
  }
  Exchange& exchange_;
};

void set_timeout(httplib::ClientImpl& c, void (httplib::ClientImpl::*set)(time_t, time_t), double s) {
  (c.*set)(static_cast<time_t>(s), static_cast<time_t>(std::fmod(s, 1.0) * 1e6));
}


}  // namespace

HttplibClient::HttplibClient(const RunSpec& spec) : spec_(spec) {
  const Url& url = spec.url;
  if (url.tls()) {
    auto ssl = std::make_unique<ParsedResponseClient<httplib::SSLClient>>(url.host, url.port, exchange_);
    apply_client_tls_policy(ssl->ssl_context());
    ssl->enable_server_certificate_verification(!spec.insecure);
    if (!spec.insecure) ssl->set_ca_cert_path(spec.cacert.string());
    impl_ = std::move(ssl);
  } else {
    impl_ = std::make_unique<ParsedResponseClient<httplib::ClientImpl>>(url.host, url.port, exchange_);
  }
  // Connect and each handshake wait are cpp-httplib's: bounded by the timeout, and by
  // the deadline when it is shorter. Reads and writes are ResponseStream's.
  double connect_s = std::min(spec.timeout_s, spec.deadline_s);
  set_timeout(*impl_, &httplib::ClientImpl::set_connection_timeout, connect_s);
  set_timeout(*impl_, &httplib::ClientImpl::set_read_timeout, spec.timeout_s);
  set_timeout(*impl_, &httplib::ClientImpl::set_write_timeout, spec.timeout_s);
  impl_->set_keep_alive(false);
  // urllib3 sets TCP_NODELAY on every connection; cpp-httplib does not by default, and
  // its request then waits ~40 ms per connection for the server's delayed ACK (Nagle).
  impl_->set_tcp_nodelay(true);
}

HttplibClient::~HttplibClient() = default;

const char* httplib_socket_class(const RunSpec& spec) {
  return spec.url.tls() ? "httplib::SSLClient" : "httplib::Client";
}

RequestRecord not_started(int page) {
  RequestRecord rec;
  rec.page = page;
  rec.fail(FailureKind::kInterrupted, "not started: interrupted by a signal");
  return rec;
}

namespace {

// What failed before ResponseStream had the connection: connect, handshake, verification.
// cpp-httplib names these in one word ("Connection"): say the step and the cause.
void describe(RequestRecord& rec, httplib::Error error, const httplib::ClientImpl& client, const RunSpec& spec,
              double elapsed_s, int err_no) {
  using httplib::Error;
  const std::string where = spec.url.authority();
  const bool hit_deadline = elapsed_s >= spec.deadline_s * 0.99;
  switch (error) {
    case Error::Connection: {
      // cpp-httplib reads the cause (SO_ERROR) but keeps it: errno only says it when the
      // connect failed at once.
      bool known = err_no == ECONNREFUSED || err_no == ENETUNREACH || err_no == EHOSTUNREACH;
      rec.fail(FailureKind::kConnect,
               "connect " + where + ": " + (known ? std::strerror(err_no) : "connection failed (refused or unreachable)"));
      return;
    }
    case Error::ConnectionTimeout:
      if (hit_deadline) return rec.fail(FailureKind::kDeadline, deadline_message(spec.deadline_s, Step::kConnect));
      rec.fail(FailureKind::kTimeout, "connect " + where + ": timed out after " + fmt_seconds(spec.timeout_s),
               Step::kConnect);
      return;
    case Error::SSLConnection: {
      // The first reason on this thread's OpenSSL queue is the cause (cpp-httplib leaves
      // it there; its own clean-up adds "shutdown while in init" after it).
      unsigned long first = ERR_peek_error();
      int reason = first ? ERR_GET_REASON(first) : 0;
      const char* why = first ? ERR_reason_error_string(first) : nullptr;
      ERR_clear_error();
      // Nothing queued but cpp-httplib's own clean-up: a wait ended, by its timeout when
      // the handshake lasted that long, else because the peer closed.
      if (reason == 0 || reason == SSL_R_SHUTDOWN_WHILE_IN_INIT) {
        if (hit_deadline) return rec.fail(FailureKind::kDeadline, deadline_message(spec.deadline_s, Step::kHandshake));
        double handshake_s = rec.t.connected && rec.t.done ? *rec.t.done - *rec.t.connected : elapsed_s;
        if (handshake_s >= std::min(spec.timeout_s, spec.deadline_s) * 0.99)
          return rec.fail(FailureKind::kTimeout, "TLS handshake: timed out after " + fmt_seconds(spec.timeout_s),
                          Step::kHandshake);
        return rec.fail(FailureKind::kTls, std::string("TLS handshake: ") +
                                               (err_no ? std::strerror(err_no) : "connection closed by peer"));
      }
      if (reason == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        return rec.fail(FailureKind::kTls, "TLS handshake: connection closed by peer");
      rec.fail(FailureKind::kTls, std::string("TLS handshake: ") + (why ? why : "TLS error"));
      return;
    }
    case Error::SSLServerVerification: {
      long v = static_cast<const httplib::SSLClient&>(client).get_openssl_verify_result();
      // cpp-httplib checks the name itself, after OpenSSL verified the chain: say it in
      // OpenSSL's words, as uv-nonblocking (where OpenSSL checks it) does.
      if (v == X509_V_OK)
        v = spec.url.host.find_first_not_of("0123456789.") == std::string::npos || spec.url.host.find(':') != std::string::npos
                ? X509_V_ERR_IP_ADDRESS_MISMATCH
                : X509_V_ERR_HOSTNAME_MISMATCH;
      rec.fail(FailureKind::kTls,
               std::string("TLS handshake: certificate verify failed (") + X509_verify_cert_error_string(v) + ")");
      return;
    }
    case Error::Read: rec.fail(FailureKind::kRead, "read response: failed"); return;
    case Error::Write: rec.fail(FailureKind::kWrite, "send request: failed"); return;
    default: rec.fail(FailureKind::kRead, "cpp-httplib error: " + httplib::to_string(error)); return;
  }
}

}  // namespace

RequestRecord HttplibClient::fetch(int page, const RunClock& clock) {
  if (interrupted()) return not_started(page);
  ERR_clear_error();
  errno = 0;
  RequestRecord rec;
  rec.page = page;
  rec.events = spec_.events;
  rec.socket_class = httplib_socket_class(spec_);
  rec.mark(Point::kStart, clock.now());
  auto start = std::chrono::steady_clock::now();
  exchange_ = Exchange{&rec, &clock, spec_.timeout_s, spec_.deadline_s,
                       start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(spec_.deadline_s)),
                       Step::kConnect, std::nullopt};
  httplib::Result res = impl_->Get(target_for_page(spec_.url, page));
  int err_no = errno;
  const double done = clock.now();
  if (exchange_.failure) {
    const RequestFailure& f = *exchange_.failure;
    rec.fail(f.kind(), f.what(), exchange_.step);
  } else if (!res) {
    describe(rec, res.error(), *impl_, spec_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
             err_no);
  } else {
    check_response(rec, res->status, res->body, spec_);
  }
  exchange_.rec = nullptr;
  rec.mark(Point::kDone, done);  // last: the record is final when its events hear of it
  return rec;
}

std::unique_ptr<HttplibClient> HttplibClientPool::borrow() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      auto client = std::move(idle_.back());
      idle_.pop_back();
      return client;
    }
  }
  return std::make_unique<HttplibClient>(spec_);
}

void HttplibClientPool::give_back(std::unique_ptr<HttplibClient> client) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(client));
}

}  // namespace slowfast
