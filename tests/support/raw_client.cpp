#include "raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <utility>

#include "server_process.h"

namespace slowfast::testing {

RawConnection::RawConnection(int port, bool tls) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    error_ = "connect failed";
    return;
  }
  if (!tls) return;
  ctx_.reset(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_load_verify_locations(ctx_.get(), lab_ca_file().c_str(), nullptr);
  SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
  ssl_.reset(SSL_new(ctx_.get()));
  SSL_set1_host(ssl_.get(), "127.0.0.1");
  SSL_set_fd(ssl_.get(), fd_);
  timeval tv{10, 0};  // a test never waits forever
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (SSL_connect(ssl_.get()) != 1) error_ = "TLS handshake failed: " + openssl_error();
}

RawConnection::~RawConnection() {
  ssl_.reset();
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(std::string_view bytes) {
  if (ssl_) return SSL_write(ssl_.get(), bytes.data(), static_cast<int>(bytes.size())) > 0;
  return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

long RawConnection::read_some(char* buf, size_t cap, double timeout_s) {
  if (!ssl_ || SSL_pending(ssl_.get()) == 0) {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(timeout_s * 1000));
    if (r <= 0) return -1;
  }
  if (ssl_) {
    int n = SSL_read(ssl_.get(), buf, static_cast<int>(cap));
    if (n > 0) return n;
    int err = SSL_get_error(ssl_.get(), n);
    ERR_clear_error();
    return (err == SSL_ERROR_ZERO_RETURN || err == SSL_ERROR_SYSCALL || err == SSL_ERROR_SSL) ? 0 : -1;
  }
  ssize_t n = ::recv(fd_, buf, cap, 0);
  return n >= 0 ? n : 0;  // a reset counts as closed
}

std::string RawConnection::read_until_close(double timeout_s, bool* closed) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  std::string out = std::exchange(buffered_, {});
  char buf[16384];
  *closed = false;
  while (std::chrono::steady_clock::now() < deadline) {
    double left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
    long n = read_some(buf, sizeof buf, left);
    if (n == 0) {
      *closed = true;
      break;
    }
    if (n < 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string RawConnection::read_response(double timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  std::string& in = buffered_;
  char buf[16384];
  while (std::chrono::steady_clock::now() < deadline) {
    size_t end = in.find("\r\n\r\n");
    if (end != std::string::npos) {
      size_t length = 0;
      size_t cl = in.find("Content-Length: ");
      if (cl != std::string::npos && cl < end) length = std::strtoul(in.c_str() + cl + 16, nullptr, 10);
      if (in.size() >= end + 4 + length) {
        std::string response = in.substr(0, end + 4 + length);
        in.erase(0, end + 4 + length);
        return response;
      }
    }
    double left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
    long n = read_some(buf, sizeof buf, left);
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
  }
  return "";
}

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.c_str() + 9);
}

std::string body_of(const std::string& response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

}  // namespace slowfast::testing
