#include "blocking/httplib_fetch.h"

#include <cerrno>
#include <cmath>
#include <cstring>

#include <openssl/x509.h>

#include <openssl/err.h>
#include "core/verdict.h"

namespace slowfast {

std::unique_ptr<httplib::Client> make_httplib_client(const RunSpec& spec) {
  auto client = std::make_unique<httplib::Client>(spec.url.origin());
  auto secs = static_cast<time_t>(spec.timeout_s);
  auto usecs = static_cast<time_t>(std::fmod(spec.timeout_s, 1.0) * 1e6);
  client->set_connection_timeout(secs, usecs);
  client->set_read_timeout(secs, usecs);
  client->set_write_timeout(secs, usecs);
  client->set_keep_alive(false);
  // urllib3 sets TCP_NODELAY on every connection; cpp-httplib does not by default, and
  // its request then waits ~40 ms per connection for the server's delayed ACK (Nagle).
  client->set_tcp_nodelay(true);
  if (spec.url.tls()) {
    client->enable_server_certificate_verification(!spec.insecure);
    if (!spec.insecure) client->set_ca_cert_path(spec.cacert.string());
  }
  return client;
}

const char* httplib_socket_class(const RunSpec& spec) {
  return spec.url.tls() ? "httplib::SSLClient" : "httplib::Client";
}

namespace {
// cpp-httplib names its errors in one word ("Connection"): say what failed.
std::string describe(httplib::Error error, const httplib::Client& client, const Url& url) {
  using httplib::Error;
  switch (error) {
    case Error::Connection: return "connect " + url.authority() + ": connection failed (refused or unreachable)";
    case Error::ConnectionTimeout: return "connect " + url.authority() + ": timed out";
    case Error::Read: return "read failed or timed out";
    case Error::Write: return "write failed";
    case Error::SSLConnection: {
      // cpp-httplib leaves OpenSSL's reason on this thread's error queue; the first
      // entry is the cause (its own clean-up adds "shutdown while in init" after it).
      int e = errno;
      unsigned long first = ERR_peek_error();
      char buf[256] = "";
      if (first) ERR_error_string_n(first, buf, sizeof buf);
      ERR_clear_error();
      std::string why = first ? buf : (e ? std::strerror(e) : "no detail");
      return "TLS handshake failed (" + why + ")";
    }
    case Error::SSLServerVerification: {
      long v = client.get_openssl_verify_result();
      return std::string("certificate verify failed (") + X509_verify_cert_error_string(v) + ")";
    }
    default: return "cpp-httplib error: " + httplib::to_string(error);
  }
}
}  // namespace

RequestRecord httplib_fetch(httplib::Client& client, const RunSpec& spec, int page, const RunClock& clock) {
  ERR_clear_error();
  errno = 0;
  RequestRecord rec;
  rec.page = page;
  rec.socket_class = httplib_socket_class(spec);
  rec.t.start = clock.now();
  std::string body;
  httplib::Result res = client.Get(
      target_for_page(spec.url, page),
      [&](const httplib::Response&) {
        rec.t.first_byte = clock.now();
        return true;
      },
      [&](const char* data, size_t len) {
        body.append(data, len);
        return true;
      });
  rec.t.done = clock.now();
  if (!res) {
    rec.error = describe(res.error(), client, spec.url);
    return rec;
  }
  rec.status = res->status;
  rec.bytes = body.size();
  rec.error = check_page(res->status, body, page);
  return rec;
}

std::unique_ptr<httplib::Client> HttplibClientPool::borrow() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      auto client = std::move(idle_.back());
      idle_.pop_back();
      return client;
    }
  }
  return make_httplib_client(spec_);
}

void HttplibClientPool::give_back(std::unique_ptr<httplib::Client> client) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(client));
}

}  // namespace slowfast
