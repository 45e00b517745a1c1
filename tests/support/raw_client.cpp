#include "raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <utility>

#include "server_process.h"

namespace slowfast::testing {

RawConnection::RawConnection(int port, bool tls, RawTlsOptions options) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    error_ = "connect failed";
    return;
  }
  timeval tv{10, 0};  // a test never waits forever
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (tls) handshake(options);
}

void RawConnection::handshake(const RawTlsOptions& options) {
  ctx_.reset(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_load_verify_locations(ctx_.get(), lab_ca_file().c_str(), nullptr);
  SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
  if (options.max_version) SSL_CTX_set_max_proto_version(ctx_.get(), options.max_version);
  ssl_.reset(SSL_new(ctx_.get()));
  SSL_set1_host(ssl_.get(), "127.0.0.1");
  if (options.hello_bytewise && !send_hello_bytewise()) {
    error_ = "could not send the ClientHello";
    return;
  }
  if (!options.hello_bytewise) SSL_set_fd(ssl_.get(), fd_);
  if (SSL_connect(ssl_.get()) != 1) error_ = "TLS handshake failed: " + openssl_error();
}

// The ClientHello is made into a memory BIO and written a byte at a time; then the
// session moves onto the socket to finish the handshake as usual.
bool RawConnection::send_hello_bytewise() {
  SSL_set_bio(ssl_.get(), BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_connect(ssl_.get());  // wants to read the ServerHello: the hello is in the wbio
  ERR_clear_error();
  BUF_MEM* hello = nullptr;
  BIO_get_mem_ptr(SSL_get_wbio(ssl_.get()), &hello);
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  for (size_t i = 0; i < hello->length; ++i)
    if (::send(fd_, hello->data + i, 1, MSG_NOSIGNAL) != 1) return false;
  BIO* sock = BIO_new_socket(fd_, BIO_NOCLOSE);
  SSL_set_bio(ssl_.get(), sock, sock);
  return true;
}

void RawConnection::half_close() {
  if (ssl_) SSL_shutdown(ssl_.get());
  ::shutdown(fd_, SHUT_WR);
}

void RawConnection::reset() {
  linger l{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ssl_.reset();
  ::close(fd_);
  fd_ = -1;
}

std::string RawConnection::renegotiate() {
  if (SSL_renegotiate(ssl_.get()) != 1) return "cannot renegotiate: " + openssl_error();
  if (SSL_do_handshake(ssl_.get()) == 1) return "";
  return openssl_error("no answer within the read timeout");
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
