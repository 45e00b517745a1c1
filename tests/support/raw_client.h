// A deliberately plain blocking client for tests that must send what no real client
// would (malformed requests, half a header, non-TLS bytes on the TLS port): raw bytes
// over TCP, optionally inside a real TLS session verified against the lab CA.
#pragma once
#include <string>
#include <string_view>

#include "slowfast/openssl_ptr.h"

namespace slowfast::testing {

// How the TLS side of a RawConnection misbehaves, for the hostile-client tests.
struct RawTlsOptions {
  int max_version = 0;          // e.g. TLS1_2_VERSION to allow a renegotiation; 0: any
  bool hello_bytewise = false;  // send the ClientHello one byte per write()
};

class RawConnection {
 public:
  // Connects to 127.0.0.1:port; with `tls`, completes a verified handshake first.
  // Check ok() / error().
  RawConnection(int port, bool tls, RawTlsOptions options = {});
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  bool send(std::string_view bytes);
  // Done sending: TLS close_notify (if TLS), then a TCP half-close (FIN). Reading goes on.
  void half_close();
  // Leaves abruptly: the kernel answers with a reset (SO_LINGER 0) instead of a FIN.
  void reset();
  // TLS 1.2 only: asks the server to renegotiate; the error line when refused, "" if not.
  std::string renegotiate();
  // Reads until the server closes the connection or `timeout_s` passes; *closed tells
  // which.
  std::string read_until_close(double timeout_s, bool* closed);
  // Reads one response: headers, then a Content-Length body. Empty on timeout.
  std::string read_response(double timeout_s);

 private:
  long read_some(char* buf, size_t cap, double timeout_s);  // >0 bytes, 0 closed, <0 timeout/error
  void handshake(const RawTlsOptions& options);
  bool send_hello_bytewise();
  int fd_ = -1;
  SslCtxPtr ctx_;
  SslPtr ssl_;
  std::string error_;
  std::string buffered_;
};

// The status code of an HTTP response, or 0.
int status_of(const std::string& response);
// The body of an HTTP response (after the blank line).
std::string body_of(const std::string& response);

}  // namespace slowfast::testing
