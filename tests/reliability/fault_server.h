// FaultServer: a misbehaving HTTPS server for the reliability suite (issue 8). Real
// sockets on 127.0.0.1, OpenSSL, one fault per server; each connection is served on
// its own thread. Certificates come from the lab CA in the given directory, bad ones
// are made on the spot (test_certs.h).
#pragma once
#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "slowfast/openssl_ptr.h"

namespace slowfast::testing {

enum class Fault {
  kGood,              // a correct answer: the control
  kInterim100,        // 100 Continue, then the answer
  kInterim103,        // 103 Early Hints with a Link header, then the answer
  kGarbageStatus,     // "garbage" instead of a status line
  kBareBody,          // the JSON body with no status line or headers
  kTruncatedBody,     // Content-Length 100, 10 bytes, close
  kCloseAtOnce,       // close before any byte
  kResetMidHeaders,   // half a header, then a TCP reset
  kHugeHeaders,       // 1 MB of headers
  kBadChunked,        // a chunk size that is not hex
  kChunkOverflow,     // a chunk size that overflows 64 bits
  kNegativeLength,    // Content-Length: -1
  kHugeLength,        // Content-Length: 10^12 (above the body cap)
  kConflictingLength, // two different Content-Lengths
  kLengthAndChunked,  // Content-Length beside Transfer-Encoding: chunked
  kWrongPage,         // a 200 for another page
  kRedirect,          // 302 to elsewhere
  kDrip,              // headers, then one body byte every 0.3 s (slower than any deadline here)
  kPlainTcp,          // no TLS: answers the ClientHello with HTTP
  kSilentHandshake,   // accepts TCP, never answers the ClientHello
  kCloseMidHandshake, // reads the ClientHello, then closes
  kTlsThenSilence,    // handshake, then reads the request and says nothing
  kWrongHostname,     // lab CA certificate naming wrong.example only
  kForeignCa,         // a certificate from a CA nobody trusts
  kExpired,           // lab CA certificate that expired yesterday
  kTls10Only,         // TLS 1.0 at most
};

const char* to_string(Fault f);

class FaultServer {
 public:
  // Listens on a free port of 127.0.0.1 with `fault`; `certs` holds the lab CA.
  FaultServer(Fault fault, const std::filesystem::path& certs);
  ~FaultServer();  // stops accepting, ends every connection, joins the threads
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  int port() const { return port_; }

 private:
  void accept_loop();
  void serve(int fd);
  // Answers request `page` with the fault; false when the connection must end without
  // a goodbye (a reset).
  bool answer(int fd, SSL* ssl, int page);

  Fault fault_;
  SslCtxPtr ctx_;  // null for kPlainTcp
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// A port on 127.0.0.1 that refuses connections (bound once, then closed).
int refused_port();

}  // namespace slowfast::testing
