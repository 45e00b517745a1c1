// What a run's timelines say beyond its total time: how concurrent it really was, and
// its latency seen two ways (the grequests question "does map() really run at the same
// time?", answered with numbers).
//
// - Effective concurrency = the sum of the requests' times in flight (from the actual
//   send to done) / the run's wall time: about N when N requests overlapped, about 1 when
//   they ran one at a time. (From the coroutines' start instead, a serial uv-nonblocking
//   run would score (N+1)/2: every request "starts" at 0 and waits its turn.)
// - Latency from the intended start: every request of a run is meant to start with it
//   (at 0), so this is when each one was done - what the user waited. Latency from the
//   actual send (sent -> done) is what a per-request log shows: in the slow stage each
//   request "took 1 s" there while the last user waited N s. The gap between the two is
//   coordinated omission in miniature.
#pragma once
#include <string>
#include <vector>

#include "core/run_types.h"

namespace slowfast {

// Nearest-rank percentiles (the smallest value with at least p % of the values at or
// below it), so every figure is one that was measured. count 0: no values.
struct Spread {
  int count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};
Spread spread_of(std::vector<double> values);

struct RunStats {
  int timed = 0;                      // requests with a done
  double in_flight_sum_s = 0;         // the sum of done - sent, over the requests that sent
  double effective_concurrency = 0;   // in_flight_sum_s / the run's total_s
  double first_done_s = 0, last_done_s = 0;  // when the first and the last request ended
  Spread from_intended_start;         // done - 0, every request with a done
  Spread from_send;                   // done - sent, every request that sent
  // When the watchdog saw stalls and the run was close to serial (effective concurrency
  // under 2, N >= 2): the culprit that held the loop longest, with its stalls and time.
  std::string serialised_by;
};
RunStats run_stats(const RunResult& r);

}  // namespace slowfast
