// `fetch --trace`: the run as a log, one line per event, printed the moment it happens -
// what the story's DEBUG logs showed. A slow run reads "open, open, ..., send, block,
// recv, send, block, recv", one answer a second; with `--watchdog`, the monitor thread
// adds a line while the loop is stuck ("LOOP BLOCKED ..."), and again every half second
// it stays stuck ("still blocked ..."), so even a hung run says where it hangs.
#pragma once
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "core/run_events.h"
#include "core/run_types.h"

namespace slowfast {

// "  0.251 s  page 6    response done  GET /delay/1?page=6 200 309 bytes"
std::string trace_line(double t, int page, const std::string& what);
// What a request's `point` says: "connected", "request sent  GET /delay/1?page=6", ...;
// at kDone a failed request says "error  <why>" instead of "response done ...".
std::string point_text(const RequestRecord& rec, Point point, const Url& url);
// "LOOP BLOCKED  blocking_tls: X::recv_into -> poll (0.10 s so far)"; `first` false:
// "still blocked  ..." for the same stall told again.
// With a sampled `stack`, its innermost frames follow: "... (0.10 s so far)  at poll
// [libc] <- wait_for_socket [blocking_tls] <- BlockingTlsSocket::recv_into [blocking_tls]".
std::string stall_text(const std::string& culprit, double stuck_s, bool first,
                       const std::vector<std::string>& stack = {});

// Writes each event to `out` as it arrives, whole lines, flushed, from any thread.
class LiveTrace final : public RunEvents {
 public:
  LiveTrace(std::ostream& out, Url url) : out_(out), url_(std::move(url)) {}

  void on_point(const RequestRecord& rec, Point point) override;
  void on_stall(double since_s, double now_s, int page, const std::string& culprit,
                const std::vector<std::string>& stack) override;

 private:
  void write(const std::string& line);

  std::mutex mu_;
  std::ostream& out_;
  const Url url_;
  double stall_start_s_ = -1;  // the stall last told, to tell "LOOP BLOCKED" once per stall
};

}  // namespace slowfast
