// `fetch --trace`: the run as a log, one line per event, in the order the events
// happened - what the story's DEBUG logs showed. A slow run reads "open, open, ...,
// send, block, recv, send, block, recv"; with the watchdog on, each stall is a line
// where the monitor thread caught it.
#pragma once
#include <string>

#include "core/run_types.h"

namespace slowfast {

// "  0.251 s  page 6  response done  GET /delay/1?page=6 200 309 bytes". Built from the
// records after the run (every variant fills the same timeline), sorted by time; one
// page's events keep their own order.
std::string render_trace(const RunResult& result, const Url& url);

}  // namespace slowfast
