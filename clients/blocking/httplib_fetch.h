// One request through cpp-httplib (the `requests` analogue), shared by the blocking
// and uv-threadpool variants. cpp-httplib connects, does the handshake and writes the
// request; the response is read by ResponseStream (why: response_stream.h). Every step
// of the timeline is filled: connect and handshake through cpp-httplib's virtuals.
#pragma once
#include <memory>
#include <mutex>
#include <vector>

#include <httplib.h>

#include "blocking/response_stream.h"
#include "core/run_clock.h"
#include "core/run_types.h"

namespace slowfast {

// A client set up for one run: verification against the CA, the shared TLS policy,
// timeouts, and a new connection per request (keep-alive off). Each owns one SSL_CTX
// that loads the CA once; reused across requests, so a run creates as many contexts as
// threads, never one per connection. Not for concurrent use.
class HttplibClient {
 public:
  explicit HttplibClient(const RunSpec& spec);
  ~HttplibClient();
  HttplibClient(const HttplibClient&) = delete;
  HttplibClient& operator=(const HttplibClient&) = delete;

  // Requests `page`; never throws, errors land in the record with their kind.
  RequestRecord fetch(int page, const RunClock& clock);

 private:
  const RunSpec& spec_;
  Exchange exchange_;                       // the request in flight
  std::unique_ptr<httplib::ClientImpl> impl_;  // reads through exchange_
};

// The socket class `--socket-class` prints for these variants.
const char* httplib_socket_class(const RunSpec& spec);

// A request that never started because SIGINT/SIGTERM came first.
RequestRecord not_started(int page);

// Clients for concurrent use: one client serialises its requests (cpp-httplib locks
// a mutex per request), so each worker borrows its own and gives it back.
class HttplibClientPool {
 public:
  // Makes the first client on the calling thread, before any worker exists:
  // cpp-httplib builds function-local static regexes in its (uninstrumented) library,
  // and a first construction racing on two workers is what TSan would then report.
  explicit HttplibClientPool(const RunSpec& spec) : spec_(spec) {
    idle_.push_back(std::make_unique<HttplibClient>(spec_));
  }
  std::unique_ptr<HttplibClient> borrow();
  void give_back(std::unique_ptr<HttplibClient> client);

 private:
  const RunSpec& spec_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<HttplibClient>> idle_;
};

}  // namespace slowfast
