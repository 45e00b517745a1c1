#include "core/run_json.h"

#include <cmath>

#include "core/run_stats.h"

namespace slowfast {

namespace {

// Microsecond precision is what the clocks give; more digits are noise in the file.
nlohmann::json seconds(std::optional<double> t) {
  if (!t) return nullptr;
  return std::round(*t * 1e6) / 1e6;
}

nlohmann::json to_json(const RequestRecord& r) {
  const Timeline& t = r.t;
  nlohmann::json j = {
      {"page", r.page},
      {"status", r.status},
      {"bytes", r.bytes},
      {"error", r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error)},
      {"error_kind", r.error_kind.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error_kind)},
      {"socket_class", r.socket_class},
      {"t",
       {{"start", seconds(t.start)},
        {"connected", seconds(t.connected)},
        {"tls_done", seconds(t.tls_done)},
        {"sent", seconds(t.sent)},
        {"first_byte", seconds(t.first_byte)},
        {"done", seconds(t.done)}}},
  };
  if (!r.hook.empty()) j["hook"] = r.hook;
  return j;
}

nlohmann::json to_json(const ProfileRow& row) {
  return {{"path", row.path},
          {"module", row.module},
          {"ncalls", row.ncalls},
          {"tottime", seconds(row.tottime_s)},
          {"cumtime", seconds(row.cumtime_s)}};
}

nlohmann::json to_json(const WatchdogReport& w) {
  nlohmann::json stalls = nlohmann::json::array();
  for (const Stall& s : w.stalls)
    stalls.push_back({{"start", seconds(s.start_s)},
                      {"seen", seconds(s.seen_s)},
                      {"length", seconds(s.length_s)},
                      {"culprit", s.culprit},
                      {"page", s.page},
                      {"stack", s.stack}});
  return {{"threshold_s", w.threshold_s},
          {"stalls", stalls},
          {"total_blocked_s", seconds(w.total_blocked_s())},
          {"longest_s", seconds(w.longest_s())}};
}

nlohmann::json to_json(const Spread& s) {
  if (s.count == 0) return nullptr;
  return {{"count", s.count}, {"p50", seconds(s.p50)}, {"p90", seconds(s.p90)}, {"p99", seconds(s.p99)},
          {"max", seconds(s.max)}};
}

nlohmann::json to_json(const RunStats& st) {
  nlohmann::json j = {{"effective_concurrency", std::round(st.effective_concurrency * 1000) / 1000},
                      {"in_flight_sum_s", seconds(st.in_flight_sum_s)},
                      {"first_done_s", seconds(st.first_done_s)},
                      {"last_done_s", seconds(st.last_done_s)},
                      {"latency_from_intended_start", to_json(st.from_intended_start)},
                      {"latency_from_send", to_json(st.from_send)}};
  if (!st.serialised_by.empty()) j["serialised_by"] = st.serialised_by;
  return j;
}

}  // namespace

nlohmann::json to_json(const RunResult& r) {
  nlohmann::json requests = nlohmann::json::array();
  for (const RequestRecord& rec : r.requests) requests.push_back(to_json(rec));
  nlohmann::json j = {
      {"variant", to_string(r.variant)},
      {"runtime", to_string(r.runtime)},
      {"modules", r.modules},
      {"n", r.n},
      {"delay_s", r.delay_s},
      {"errors_by_kind", errors_by_kind(r)},
      {"total_s", seconds(r.total_s)},
      {"cpu_s", seconds(r.cpu_s)},
      {"valid", r.valid_pages.size()},
      {"invalid", r.invalid_pages.size()},
      {"valid_page_ids", r.valid_pages},
      {"invalid_page_ids", r.invalid_pages},
      {"verdict", to_string(r.verdict)},
      {"concurrency", to_json(run_stats(r))},
      {"requests", requests},
  };
  if (r.threads > 0) j["threads"] = r.threads;
  if (r.loops > 0) j["loops"] = r.loops;
  if (!r.profile.empty()) {
    nlohmann::json rows = nlohmann::json::array();
    for (const ProfileRow& row : r.profile) rows.push_back(to_json(row));
    j["profile"] = rows;
  }
  if (r.watchdog.enabled) j["watchdog"] = to_json(r.watchdog);
  if (r.loop.enabled)
    j["loop"] = {{"wall_s", seconds(r.loop.wall_s)},
                 {"idle_s", seconds(r.loop.idle_s)},
                 {"cpu_s", seconds(r.loop.cpu_s)},
                 {"blocked_s", seconds(r.loop.blocked_s())},
                 {"utilisation", std::round(r.loop.utilisation() * 1000) / 1000},
                 {"signature", r.loop.signature()}};
  return j;
}

}  // namespace slowfast
