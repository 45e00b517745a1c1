#include "trace.h"

#include <algorithm>

#include <fmt/format.h>

namespace slowfast {
namespace {

struct Event {
  double t;
  int page;
  std::string what;
};

void add_request_events(const RequestRecord& r, const Url& url, std::vector<Event>& out) {
  const Timeline& t = r.t;
  const std::string target = target_for_page(url, r.page);
  auto add = [&](const std::optional<double>& when, std::string what) {
    if (when) out.push_back({*when, r.page, std::move(what)});
  };
  add(t.start, "started");
  add(t.connected, "connected");
  add(t.tls_done, url.tls() ? "handshake done" : "no TLS (http)");
  add(t.sent, fmt::format("request sent  GET {}", target));
  add(t.first_byte, "first byte");
  if (r.status > 0) add(t.done, fmt::format("response done  GET {} {} {} bytes", target, r.status, r.bytes));
  if (!r.valid()) add(t.done, "error  " + r.error);
}

void add_stall_events(const WatchdogReport& w, std::vector<Event>& out) {
  for (const Stall& s : w.stalls)
    out.push_back({s.seen_s, s.page,
                   fmt::format("LOOP BLOCKED  {} ({:.3f} s in all)", s.culprit, s.length_s)});
}

}  // namespace

std::string render_trace(const RunResult& result, const Url& url) {
  std::vector<Event> events;
  for (const RequestRecord& r : result.requests) add_request_events(r, url, events);
  add_stall_events(result.watchdog, events);
  // Stable: a page's events were added in their own order, which equal times keep.
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
  std::string out;
  for (const Event& e : events)
    out += e.page >= 0 ? fmt::format("{:8.3f} s  page {:<3}  {}\n", e.t, e.page, e.what)
                       : fmt::format("{:8.3f} s  {:<8}  {}\n", e.t, "", e.what);
  return out;
}

}  // namespace slowfast
