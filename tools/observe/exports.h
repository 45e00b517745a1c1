// A run in the formats other tools already read:
// - hey's CSV (`hey -o csv`): one row per request, its phases in seconds, with the
//   request's offset from the run's start (and the page and error kind after hey's
//   columns);
// - Chrome's trace-event JSON (opens in Perfetto or chrome://tracing): a track per
//   request with its phases as slices, and the loop's track with the watchdog's stalls;
// - wrk2's detailed percentile spectrum (HdrHistogram's text format), in milliseconds,
//   of the latency from the intended start: wrk2 corrects for coordinated omission the
//   same way, by timing each request from when it should have been sent.
#pragma once
#include <string>

#include "core/run_types.h"

namespace slowfast {

std::string to_hey_csv(const RunResult& r);
std::string to_chrome_trace(const RunResult& r);
std::string to_percentile_spectrum(const RunResult& r);

}  // namespace slowfast
