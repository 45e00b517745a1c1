#include "blocking/blocking_client.h"

#include "blocking/httplib_fetch.h"

namespace slowfast {

RunResult run_blocking(const RunSpec& spec) {
  RunResult result;
  HttplibClient client(spec);
  RunClock clock;
  for (int page = 0; page < spec.n; ++page) result.requests.push_back(client.fetch(page, clock));
  result.total_s = clock.now();
  return result;
}

}  // namespace slowfast
