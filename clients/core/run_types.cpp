#include "core/run_types.h"

#include <algorithm>
#include <cstdio>

namespace slowfast {

std::string to_string(Variant v) {
  switch (v) {
    case Variant::kBlocking: return "blocking";
    case Variant::kUvThreadpool: return "uv-threadpool";
    case Variant::kUvNonblocking: return "uv-nonblocking";
  }
  return "?";
}

std::string to_string(Runtime r) { return r == Runtime::kPy27 ? "py27" : "py37"; }

std::string to_string(Check c) {
  switch (c) {
    case Check::kPage: return "page";
    case Check::kLength: return "length";
    case Check::kStatus: return "status";
    case Check::kNone: return "none";
  }
  return "?";
}

std::optional<Check> parse_check(const std::string& s) {
  for (Check c : {Check::kPage, Check::kLength, Check::kStatus, Check::kNone})
    if (to_string(c) == s) return c;
  return std::nullopt;
}

std::optional<Variant> parse_variant(const std::string& s) {
  for (Variant v : {Variant::kBlocking, Variant::kUvThreadpool, Variant::kUvNonblocking})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

std::optional<Runtime> parse_runtime(const std::string& s) {
  for (Runtime r : {Runtime::kPy27, Runtime::kPy37})
    if (to_string(r) == s) return r;
  return std::nullopt;
}

void RequestRecord::mark(Point point, double at) {
  std::optional<double>* slot[] = {&t.start, &t.connected, &t.tls_done, &t.sent, &t.first_byte, &t.done};
  *slot[static_cast<int>(point)] = at;
  if (events) events->on_point(*this, point);
}

double WatchdogReport::total_blocked_s() const {
  double sum = 0;
  for (const Stall& s : stalls) sum += s.length_s;
  return sum;
}

double WatchdogReport::longest_s() const {
  double longest = 0;
  for (const Stall& s : stalls) longest = std::max(longest, s.length_s);
  return longest;
}

std::map<std::string, int> errors_by_kind(const RunResult& result) {
  std::map<std::string, int> count;
  for (const char* kind : kFailureKindsInSummary) count[kind] = 0;
  for (const RequestRecord& rec : result.requests) {
    if (rec.valid()) continue;
    std::string kind = rec.error_kind.rfind("timeout", 0) == 0 ? "timeout" : rec.error_kind;
    ++count[kind.empty() ? "unknown" : kind];
  }
  return count;
}

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::kFast: return "fast";
    case Verdict::kSlow: return "slow";
    case Verdict::kMixed: return "mixed";
    case Verdict::kUnknown: return "unknown";
  }
  return "?";
}

std::string LoopBudget::signature() const {
  // Under 50 ms a few callbacks decide the share: too short a run to say anything.
  if (!enabled || wall_s < 0.05 || utilisation() < 0.5) return "";
  char line[256];
  if (blocked_s() > cpu_s)
    std::snprintf(line, sizeof line,
                  "the loop was busy %.0f %% of the run but on a CPU for %.2f s of it: blocked %.2f s in a call "
                  "outside its wait (a blocking call on the loop thread)",
                  100 * utilisation(), cpu_s, blocked_s());
  else
    std::snprintf(line, sizeof line,
                  "the loop was busy %.0f %% of the run, on a CPU for %.2f s of it: computing on the loop thread",
                  100 * utilisation(), cpu_s);
  return line;
}

}  // namespace slowfast
