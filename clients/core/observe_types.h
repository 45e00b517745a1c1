// What `--profile` and `--watchdog` found in one run: part of RunResult, so that the CLI,
// the JSON document and the lab read one shape.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace slowfast {

// One call path of the profile (a node of the call tree), like a cProfile row.
struct ProfileRow {
  std::vector<std::string> path;  // root first: {"uv_run", "PollWait::resume", ..., "poll"}
  std::string module;             // who owns the innermost probe: "blocking_tls"
  std::int64_t ncalls = 0;
  double tottime_s = 0;  // inside this probe, not in probes below it
  double cumtime_s = 0;  // inside this probe, everything below included
};

// One time the loop made no progress for longer than the threshold.
struct Stall {
  double start_s = 0;    // the loop's last sign of life before it, from the run's start
  double seen_s = 0;     // when the monitor thread noticed it (start + threshold, roughly)
  double length_s = 0;   // until its next sign of life
  std::string culprit;   // the probe active when the monitor saw it: "blocking_tls: X -> poll"
  int page = -1;         // the request the loop was serving, -1 when unknown
  // The loop thread's real stack when the monitor saw it, innermost first, each frame
  // "function [object]": {"poll [libc]", "wait_for_socket [blocking_tls]", ...}. It
  // names code without probes too. Empty when it could not be sampled.
  std::vector<std::string> stack;
};

struct WatchdogReport {
  bool enabled = false;
  double threshold_s = 0;
  std::vector<Stall> stalls;  // in time order

  double total_blocked_s() const;
  double longest_s() const;
};

}  // namespace slowfast
