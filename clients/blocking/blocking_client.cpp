#include "blocking/blocking_client.h"

#include "blocking/httplib_fetch.h"

namespace slowfast {

RunResult run_blocking(const RunSpec& spec) {
  RunResult result;
  std::unique_ptr<httplib::Client> client = make_httplib_client(spec);
  RunClock clock;
  for (int page = 0; page < spec.n; ++page) result.requests.push_back(httplib_fetch(*client, spec, page, clock));
  result.total_s = clock.now();
  return result;
}

}  // namespace slowfast
