// ResponseStream: the httplib::Stream the cpp-httplib variants hand to cpp-httplib
// instead of its own, over the same connection (fd, and SSL for https).
//
// Why: cpp-httplib 0.11.4 (Debian 12) reads responses in ways issue 8 lists: it skips a
// "100 Continue" only when it has no headers and never skips 103; of two different
// Content-Lengths it takes one; it has no header or body cap; and every malformed
// answer is the one error "Read". Rather than patch around each of these, its reads go
// through the project's ResponseParser, the one uv-nonblocking uses, so every variant
// accepts, skips and rejects the same responses with the same messages.
//
// How: cpp-httplib still connects, does the handshake, verifies the certificate and
// writes the request (through write() below). Its first read() makes this stream read
// and parse the whole response, every wait bounded by the timeout and the request's
// deadline, and then serve cpp-httplib the final response again in plain form (status
// line, Content-Length, body), which it cannot misread. A failure is kept with its kind
// and cpp-httplib sees a failed read or write.
#pragma once
#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <httplib.h>

#include "slowfast/module/failure.h"
#include "core/run_clock.h"
#include "core/run_types.h"
#include "core/response_parser.h"

namespace slowfast {

// One request as the stream sees it: the bounds of its waits, the record it fills
// (sent, first_byte) and where a failure goes.
struct Exchange {
  RequestRecord* rec = nullptr;
  const RunClock* clock = nullptr;
  double timeout_s = 30;
  double deadline_s = kDefaultDeadlineS;
  std::chrono::steady_clock::time_point deadline;
  Step step = Step::kConnect;               // where the request is
  std::optional<RequestFailure> failure;    // set when the stream failed
};

class ResponseStream final : public httplib::Stream {
 public:
  // `ssl` null for http. The fd is made non-blocking: the waits are poll()s here.
  ResponseStream(int fd, SSL* ssl, Exchange& exchange);

  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return fd_; }

 private:
  void read_response();                  // throws RequestFailure or std::runtime_error
  std::size_t read_some(char* buf, std::size_t n);
  std::size_t write_some(const char* buf, std::size_t n);
  void wait(bool for_read);              // throws RequestFailure: timeout, deadline, interrupted
  void fail(const std::exception& e);

  int fd_;
  SSL* ssl_;
  Exchange& ex_;
  std::unique_ptr<ResponseParser> parser_;  // the response read, once read
  std::string head_;                        // the plain status line and headers served first
  std::size_t served_ = 0;                  // of head_ + body
};

}  // namespace slowfast
