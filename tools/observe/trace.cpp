#include "trace.h"

#include <fmt/format.h>

namespace slowfast {

std::string trace_line(double t, int page, const std::string& what) {
  return page >= 0 ? fmt::format("{:8.3f} s  page {:<3}  {}\n", t, page, what)
                   : fmt::format("{:8.3f} s  {:<8}  {}\n", t, "", what);
}

std::string point_text(const RequestRecord& r, Point point, const Url& url) {
  const std::string target = target_for_page(url, r.page);
  switch (point) {
    case Point::kStart: return "started";
    case Point::kConnected: return "connected";
    case Point::kTlsDone: return url.tls() ? "handshake done" : "no TLS (http)";
    case Point::kSent: return "request sent  GET " + target;
    case Point::kFirstByte: return "first byte";
    case Point::kDone:
      if (!r.valid()) return "error  " + r.error;
      return fmt::format("response done  GET {} {} {} bytes", target, r.status, r.bytes);
  }
  return "?";
}

std::string stall_text(const std::string& culprit, double stuck_s, bool first, const std::vector<std::string>& stack) {
  // A log line, not a report: the few innermost frames, where the loop is stuck.
  constexpr std::size_t kShown = 3;
  std::string at;
  for (std::size_t i = 0; i < stack.size() && i < kShown; ++i) at += (i == 0 ? "  at " : " <- ") + stack[i];
  if (stack.size() > kShown) at += " <- ...";
  return fmt::format("{}  {} ({:.2f} s so far){}", first ? "LOOP BLOCKED" : "still blocked", culprit, stuck_s, at);
}

void LiveTrace::on_point(const RequestRecord& rec, Point point) {
  const std::optional<double>* at[] = {&rec.t.start, &rec.t.connected, &rec.t.tls_done,
                                       &rec.t.sent,  &rec.t.first_byte, &rec.t.done};
  write(trace_line(at[static_cast<int>(point)]->value_or(0), rec.page, point_text(rec, point, url_)));
}

void LiveTrace::on_stall(double since_s, double now_s, int page, const std::string& culprit,
                         const std::vector<std::string>& stack) {
  std::lock_guard lock(mu_);
  bool first = since_s != stall_start_s_;  // the watchdog passes one stall's start unchanged
  stall_start_s_ = since_s;
  out_ << trace_line(now_s, page, stall_text(culprit, now_s - since_s, first, stack)) << std::flush;
}

void LiveTrace::write(const std::string& line) {
  std::lock_guard lock(mu_);
  out_ << line << std::flush;
}

}  // namespace slowfast
