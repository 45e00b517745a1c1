#include "observe/exports.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace slowfast {
namespace {

// b - a, or empty when either end was not observed.
std::optional<double> span(std::optional<double> a, std::optional<double> b) {
  if (!a || !b) return std::nullopt;
  return *b - *a;
}

std::string csv_seconds(std::optional<double> s) { return s ? fmt::format("{:.4f}", *s) : ""; }

// The phases of a request, as the waterfall draws them.
struct Phase {
  const char* name;
  std::optional<double> from, to;
};
std::vector<Phase> phases(const Timeline& t) {
  return {{"connect", t.start, t.connected},
          {"tls", t.connected, t.tls_done},
          {"send", t.tls_done, t.sent},
          {"wait", t.sent, t.first_byte},
          {"receive", t.first_byte, t.done}};
}

}  // namespace

std::string to_hey_csv(const RunResult& r) {
  // hey's columns; DNS is 0: the host is resolved once, before any request starts.
  std::string out = "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset,"
                    "page,error-kind\n";
  for (const RequestRecord& rec : r.requests) {
    const Timeline& t = rec.t;
    out += fmt::format("{},{},0.0000,{},{},{},{},{},{},{}\n", csv_seconds(span(t.start, t.done)),
                       csv_seconds(span(t.start, t.connected)), csv_seconds(span(t.tls_done, t.sent)),
                       csv_seconds(span(t.sent, t.first_byte)), csv_seconds(span(t.first_byte, t.done)), rec.status,
                       csv_seconds(t.start), rec.page, rec.error_kind);
  }
  return out;
}

std::string to_chrome_trace(const RunResult& r) {
  using nlohmann::json;
  auto us = [](double s) { return std::llround(s * 1e6); };
  json events = json::array();
  auto track = [&](int tid, const std::string& name) {
    events.push_back({{"ph", "M"}, {"pid", 1}, {"tid", tid}, {"name", "thread_name"}, {"args", {{"name", name}}}});
    events.push_back({{"ph", "M"}, {"pid", 1}, {"tid", tid}, {"name", "thread_sort_index"},
                      {"args", {{"sort_index", tid}}}});
  };
  events.push_back({{"ph", "M"}, {"pid", 1}, {"name", "process_name"},
                    {"args", {{"name", fmt::format("slowfast fetch: {} x {}", r.n, to_string(r.variant))}}}});
  if (r.watchdog.enabled) {
    track(0, "loop (watchdog stalls)");
    for (const Stall& s : r.watchdog.stalls)
      events.push_back({{"ph", "X"}, {"pid", 1}, {"tid", 0}, {"name", "stall: " + s.culprit}, {"cat", "stall"},
                        {"ts", us(s.start_s)}, {"dur", us(s.length_s)},
                        {"args", {{"page", s.page}, {"stack", s.stack}}}});
  }
  for (const RequestRecord& rec : r.requests) {
    const int tid = rec.page + 1;
    track(tid, fmt::format("page {}", rec.page));
    for (const Phase& p : phases(rec.t)) {
      auto d = span(p.from, p.to);
      if (!d) continue;
      events.push_back({{"ph", "X"}, {"pid", 1}, {"tid", tid}, {"name", p.name}, {"cat", "request"},
                        {"ts", us(*p.from)}, {"dur", us(*d)}});
    }
    if (!rec.valid() && rec.t.done)
      events.push_back({{"ph", "i"}, {"pid", 1}, {"tid", tid}, {"s", "t"}, {"name", "error: " + rec.error_kind},
                        {"ts", us(*rec.t.done)}, {"args", {{"error", rec.error}}}});
  }
  return json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump(1) + "\n";
}

std::string to_percentile_spectrum(const RunResult& r) {
  std::vector<double> ms;
  for (const RequestRecord& rec : r.requests)
    if (rec.t.done) ms.push_back(*rec.t.done * 1000);
  std::sort(ms.begin(), ms.end());
  std::string out = fmt::format("{:>12}{:>15}{:>13}{:>17}\n\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)");
  const size_t n = ms.size();
  // One row per request, as HdrHistogram prints a bucket: the value, the share of
  // requests at or below it, how many, and 1/(1 - share) ("inf" for the last).
  for (size_t i = 0; i < n; ++i) {
    double p = static_cast<double>(i + 1) / static_cast<double>(n);
    out += fmt::format("{:12.3f}{:15.6f}{:13}{:>17}\n", ms[i], p, i + 1,
                       p < 1 ? fmt::format("{:.2f}", 1 / (1 - p)) : std::string("inf"));
  }
  double mean = 0, var = 0;
  for (double v : ms) mean += v / static_cast<double>(std::max<size_t>(n, 1));
  for (double v : ms) var += (v - mean) * (v - mean) / static_cast<double>(std::max<size_t>(n, 1));
  out += fmt::format("#[Mean    = {:12.3f}, StdDeviation   = {:12.3f}]\n", mean, std::sqrt(var));
  out += fmt::format("#[Max     = {:12.3f}, Total count    = {:12}]\n", n ? ms.back() : 0.0, n);
  return out;
}

}  // namespace slowfast
