#include "fault_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "test_certs.h"

namespace slowfast::testing {

const char* to_string(Fault f) {
  switch (f) {
    case Fault::kGood: return "good";
    case Fault::kInterim100: return "interim_100";
    case Fault::kInterim103: return "interim_103";
    case Fault::kGarbageStatus: return "garbage_status";
    case Fault::kBareBody: return "bare_body";
    case Fault::kTruncatedBody: return "truncated_body";
    case Fault::kCloseAtOnce: return "close_at_once";
    case Fault::kResetMidHeaders: return "reset_mid_headers";
    case Fault::kHugeHeaders: return "huge_headers";
    case Fault::kBadChunked: return "bad_chunked";
    case Fault::kChunkOverflow: return "chunk_overflow";
    case Fault::kNegativeLength: return "negative_length";
    case Fault::kHugeLength: return "huge_length";
    case Fault::kConflictingLength: return "conflicting_length";
    case Fault::kLengthAndChunked: return "length_and_chunked";
    case Fault::kWrongPage: return "wrong_page";
    case Fault::kRedirect: return "redirect";
    case Fault::kDrip: return "drip";
    case Fault::kPlainTcp: return "plain_tcp";
    case Fault::kSilentHandshake: return "silent_handshake";
    case Fault::kCloseMidHandshake: return "close_mid_handshake";
    case Fault::kTlsThenSilence: return "tls_then_silence";
    case Fault::kWrongHostname: return "wrong_hostname";
    case Fault::kForeignCa: return "foreign_ca";
    case Fault::kExpired: return "expired";
    case Fault::kTls10Only: return "tls10_only";
  }
  return "?";
}

namespace {

void fail(const char* what) { throw std::runtime_error(std::string("fault server: ") + what); }

SslCtxPtr make_ctx(Fault fault, const std::filesystem::path& certs) {
  KeyAndCert lab = load_lab_ca(certs);  // made here when missing: the clients verify against it
  if (fault == Fault::kPlainTcp || fault == Fault::kSilentHandshake || fault == Fault::kCloseMidHandshake)
    return nullptr;
  KeyAndCert server;
  switch (fault) {
    case Fault::kWrongHostname: server = issue_server_cert(lab, "DNS:wrong.example", -3600, 86400); break;
    case Fault::kForeignCa: server = issue_server_cert(make_foreign_ca(), "IP:127.0.0.1", -3600, 86400); break;
    case Fault::kExpired: server = issue_server_cert(lab, "IP:127.0.0.1", -3 * 86400, -86400); break;
    default: server = issue_server_cert(lab, "IP:127.0.0.1,DNS:localhost", -3600, 86400); break;
  }
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx || SSL_CTX_use_certificate(ctx.get(), server.cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx.get(), server.key.get()) != 1)
    fail("TLS context");
  if (fault == Fault::kTls10Only) {
    // Debian's default security level refuses TLS 1.0 outright; this server must offer it.
    SSL_CTX_set_security_level(ctx.get(), 0);
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx.get(), TLS1_VERSION);
  }
  return ctx;
}

// Everything goes through these two, so TLS and plain connections share the faults.
bool put(int fd, SSL* ssl, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    int n = ssl ? SSL_write(ssl, s.data() + off, static_cast<int>(s.size() - off))
                : static_cast<int>(::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL));
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// The request head, or "" on close, error or after 5 s.
std::string read_request(int fd, SSL* ssl) {
  std::string req;
  char buf[4096];
  while (req.find("\r\n\r\n") == std::string::npos && req.size() < 65536) {
    if (!ssl || SSL_pending(ssl) == 0) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) return "";
    }
    int n = ssl ? SSL_read(ssl, buf, sizeof buf) : static_cast<int>(::recv(fd, buf, sizeof buf, 0));
    if (n <= 0) return "";
    req.append(buf, static_cast<std::size_t>(n));
  }
  return req;
}

int page_of(const std::string& req) {
  auto at = req.find("page=");
  return at == std::string::npos ? -1 : std::atoi(req.c_str() + at + 5);
}

std::string echo(int page) { return R"({"args": {"page": ")" + std::to_string(page) + R"("}, "origin": "127.0.0.1"})"; }

std::string ok(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace

FaultServer::FaultServer(Fault fault, const std::filesystem::path& certs)
    : fault_(fault), ctx_(make_ctx(fault, certs)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listen_fd_, 64) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    fail("listen");
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FaultServer::~FaultServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  acceptor_.join();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes every read and write
  }
  for (std::thread& t : threads_) t.join();
  ::close(listen_fd_);
}

void FaultServer::accept_loop() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0 || stopping_) {
      if (fd >= 0) ::close(fd);
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    open_fds_.push_back(fd);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void FaultServer::serve(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (fault_ == Fault::kSilentHandshake) {
    // Reads the ClientHello and answers nothing, until the client leaves or we stop.
    char buf[4096];
    while (!stopping_ && ::recv(fd, buf, sizeof buf, 0) > 0) {
    }
  } else if (fault_ == Fault::kCloseMidHandshake) {
    char buf[4096];
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) > 0) static_cast<void>(::recv(fd, buf, sizeof buf, 0));
  } else if (ctx_) {
    SSL* ssl = SSL_new(ctx_.get());
    SSL_set_fd(ssl, fd);
    bool graceful = SSL_accept(ssl) == 1;
    if (graceful) {
      std::string req = read_request(fd, ssl);
      if (!req.empty()) graceful = answer(fd, ssl, page_of(req));
    }
    if (graceful) SSL_shutdown(ssl);
    SSL_free(ssl);
  } else {
    // kPlainTcp: whatever arrives first (a ClientHello) gets an HTTP answer.
    char buf[4096];
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) > 0) static_cast<void>(::recv(fd, buf, sizeof buf, 0));
    put(fd, nullptr, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
  ::close(fd);
}

bool FaultServer::answer(int fd, SSL* ssl, int page) {
  const std::string body = echo(page);
  switch (fault_) {
    case Fault::kGood: put(fd, ssl, ok(body)); return true;
    case Fault::kInterim100: put(fd, ssl, "HTTP/1.1 100 Continue\r\n\r\n" + ok(body)); return true;
    case Fault::kInterim103:
      put(fd, ssl, "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n" + ok(body));
      return true;
    case Fault::kGarbageStatus: put(fd, ssl, "garbage\r\n\r\n" + body); return true;
    case Fault::kBareBody: put(fd, ssl, body); return true;
    case Fault::kTruncatedBody:
      put(fd, ssl, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + body.substr(0, 10));
      return true;
    case Fault::kCloseAtOnce: return true;
    case Fault::kResetMidHeaders: {
      put(fd, ssl, "HTTP/1.1 200 OK\r\nContent-Ty");
      linger l{1, 0};  // serve()'s close() sends a reset, and no close_notify goes first
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      return false;
    }
    case Fault::kHugeHeaders: {
      std::string head = "HTTP/1.1 200 OK\r\n";
      while (head.size() < (1 << 20)) head += "X-Filler-" + std::to_string(head.size()) + ": " + std::string(100, 'x') + "\r\n";
      put(fd, ssl, head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
      return true;
    }
    case Fault::kBadChunked:
      put(fd, ssl, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n");
      return true;
    case Fault::kChunkOverflow:
      put(fd, ssl, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\n" + body);
      return true;
    case Fault::kNegativeLength: put(fd, ssl, "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n" + body); return true;
    case Fault::kHugeLength: put(fd, ssl, "HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n" + body); return true;
    case Fault::kConflictingLength:
      put(fd, ssl, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size() + 5) +
                       "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
      return true;
    case Fault::kLengthAndChunked:
      put(fd, ssl, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                       "\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
      return true;
    case Fault::kWrongPage: put(fd, ssl, ok(echo(page + 1))); return true;
    case Fault::kRedirect:
      put(fd, ssl, "HTTP/1.1 302 Found\r\nLocation: https://127.0.0.1/elsewhere\r\nContent-Length: 0\r\n\r\n");
      return true;
    case Fault::kDrip: {
      if (!put(fd, ssl, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n")) return true;
      for (char c : body) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        if (stopping_ || !put(fd, ssl, std::string(1, c))) return true;
      }
      return true;
    }
    case Fault::kTlsThenSilence: {
      char buf[256];
      while (!stopping_ && SSL_read(ssl, buf, sizeof buf) > 0) {
      }
      return true;
    }
    default: put(fd, ssl, ok(body)); return true;  // certificate and version faults never get here
  }
}

int refused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);  // nothing listens there now
  return ntohs(addr.sin_port);
}

}  // namespace slowfast::testing
