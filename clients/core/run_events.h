// A run told as it happens, for `fetch --trace`: the original's DEBUG lines appeared live,
// and watching the answers arrive one per second is half the lesson. Events come from
// whichever thread makes them - the loop, a threadpool worker, the watchdog's monitor
// while the loop is stuck - so an implementation must be thread-safe.
#pragma once
#include <string>
#include <vector>

namespace slowfast {

struct RequestRecord;

// The points of a request's Timeline, in their order.
enum class Point { kStart, kConnected, kTlsDone, kSent, kFirstByte, kDone };

class RunEvents {
 public:
  // `rec` has just passed `point` (its timeline holds the time; at kDone its status,
  // bytes and error are final).
  virtual void on_point(const RequestRecord& rec, Point point) = 0;
  // The loop has made no progress since `since_s` (its last sign of life, from the run's
  // start) up to `now_s`, serving `page` (-1: unknown) inside `culprit` ("blocking_tls:
  // BlockingTlsSocket::recv_into -> poll"). Told by the watchdog's monitor thread when it
  // notices, then about every half second while the stall lasts (same `since_s`).
  // `stack`: the loop thread's real stack, innermost first ("poll [libc]", ...), on the
  // first telling only; empty when told again or not sampled.
  virtual void on_stall(double since_s, double now_s, int page, const std::string& culprit,
                        const std::vector<std::string>& stack) = 0;

 protected:
  ~RunEvents() = default;
};

}  // namespace slowfast
