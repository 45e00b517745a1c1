// The loop-stall watchdog's report (`fetch --watchdog MS`): each stall with its length,
// culprit and page, then the summary - and the one-line form the lab puts in its table.
#pragma once
#include <string>

#include "core/observe_types.h"

namespace slowfast {

// Every stall with the loop thread's stack under it (the first few frames; "same as
// stall N" when repeated), then "N stalls, X s blocked in all, longest Y s, Z % of the run's W s".
std::string render_watchdog(const WatchdogReport& report, double wall_s);

// "8 stalls, 2.01 s blocked (99 %), longest 0.252 s, in blocking_tls: X -> poll"
// (the culprit seen most often); "no stall" when there was none.
std::string stall_summary(const WatchdogReport& report, double wall_s);

}  // namespace slowfast
