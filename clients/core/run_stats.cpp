#include "core/run_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace slowfast {
namespace {

double nearest_rank(const std::vector<double>& sorted, double p) {
  auto rank = static_cast<size_t>(std::ceil(p / 100 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// "blocking_tls: BlockingTlsSocket::recv_into -> poll (10 stalls, 9.02 s)": the culprit
// whose stalls add up to the most blocked time.
std::string longest_holder(const WatchdogReport& w) {
  struct Held {
    int stalls = 0;
    double s = 0;
  };
  std::map<std::string, Held> by_culprit;
  for (const Stall& s : w.stalls) {
    Held& h = by_culprit[s.culprit.empty() ? "unknown" : s.culprit];
    ++h.stalls;
    h.s += s.length_s;
  }
  auto most = std::max_element(by_culprit.begin(), by_culprit.end(),
                               [](const auto& a, const auto& b) { return a.second.s < b.second.s; });
  char figures[64];
  std::snprintf(figures, sizeof figures, " (%d stalls, %.2f s)", most->second.stalls, most->second.s);
  return most->first + figures;
}

}  // namespace

Spread spread_of(std::vector<double> values) {
  Spread s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  s.count = static_cast<int>(values.size());
  s.p50 = nearest_rank(values, 50);
  s.p90 = nearest_rank(values, 90);
  s.p99 = nearest_rank(values, 99);
  s.max = values.back();
  return s;
}

RunStats run_stats(const RunResult& r) {
  RunStats st;
  std::vector<double> done, from_send;
  for (const RequestRecord& rec : r.requests) {
    if (!rec.t.done) continue;
    ++st.timed;
    done.push_back(*rec.t.done);
    if (!rec.t.sent) continue;
    from_send.push_back(*rec.t.done - *rec.t.sent);
    st.in_flight_sum_s += from_send.back();
  }
  if (st.timed == 0) return st;
  st.effective_concurrency = r.total_s > 0 ? st.in_flight_sum_s / r.total_s : 0;
  st.first_done_s = *std::min_element(done.begin(), done.end());
  st.last_done_s = *std::max_element(done.begin(), done.end());
  st.from_intended_start = spread_of(std::move(done));
  st.from_send = spread_of(std::move(from_send));
  if (r.watchdog.enabled && !r.watchdog.stalls.empty() && st.timed >= 2 && st.effective_concurrency < 2)
    st.serialised_by = longest_holder(r.watchdog);
  return st;
}

}  // namespace slowfast
