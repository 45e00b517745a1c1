// One request through cpp-httplib (the `requests` analogue), shared by the blocking
// and uv-threadpool variants. cpp-httplib hides connect, handshake and send, so only
// start, first_byte (headers parsed) and done are on the timeline.
#pragma once
#include <memory>
#include <mutex>
#include <vector>

#include <httplib.h>

#include "core/run_clock.h"
#include "core/run_types.h"

namespace slowfast {

// A client set up for one run: verification against the CA, timeouts, and a new
// connection per request (keep-alive off). Each owns one SSL_CTX that loads the CA
// once; reused across requests, so a run creates as many contexts as threads, never
// one per connection.
std::unique_ptr<httplib::Client> make_httplib_client(const RunSpec& spec);

// Requests pages through `client`; never throws, errors land in the record.
RequestRecord httplib_fetch(httplib::Client& client, const RunSpec& spec, int page, const RunClock& clock);

// The socket class `--socket-class` prints for these variants.
const char* httplib_socket_class(const RunSpec& spec);

// Clients for concurrent use: one client serialises its requests (cpp-httplib locks
// a mutex per request), so each worker borrows its own and gives it back.
class HttplibClientPool {
 public:
  // Makes the first client on the calling thread, before any worker exists:
  // cpp-httplib builds function-local static regexes in its (uninstrumented) library,
  // and a first construction racing on two workers is what TSan would then report.
  explicit HttplibClientPool(const RunSpec& spec) : spec_(spec) {
    idle_.push_back(make_httplib_client(spec_));
  }
  std::unique_ptr<httplib::Client> borrow();
  void give_back(std::unique_ptr<httplib::Client> client);

 private:
  const RunSpec& spec_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;
};

}  // namespace slowfast
