// The host side of the probes (probe.h): a Recorder turns the probes of one thread - the
// loop's - into a call tree (cProfile's cumulative view), and publishes the innermost
// probe and the page being served so that another thread (the watchdog's monitor) can
// say what the loop is stuck in while it is stuck.
#pragma once
#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/observe_types.h"
#include "slowfast/module/probe.h"

namespace slowfast::probe {

// Told each time the loop dispatches work: the watchdog's sign of life.
class DispatchListener {
 public:
  virtual void on_dispatch() noexcept = 0;

 protected:
  ~DispatchListener() = default;
};

class Recorder {
 public:
  Recorder();
  ~Recorder();  // stops recording if still started
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Records the probes of the calling thread from now on (and turns every image's probes
  // on); stop() from the same thread. One recorder per thread at a time.
  void start();
  void stop();

  void set_listener(DispatchListener* listener) { listener_ = listener; }
  // Recording thread: the loop is about to run work for `page`.
  void dispatch(int page) noexcept;

  // Any thread, any time: the innermost probe's node and the page being served.
  std::int32_t current_node() const noexcept { return current_node_.load(std::memory_order_relaxed); }
  int current_page() const noexcept { return current_page_.load(std::memory_order_relaxed); }

  // Recording thread, or after it stopped: "blocking_tls: BlockingTlsSocket::recv_into -> poll".
  std::string culprit(std::int32_t node) const;
  // Any thread, any time: culprit(current_node()), without touching the call tree.
  std::string culprit_now() const;
  // Time measured outside the probes, e.g. the loop's idle time from libuv's metrics,
  // booked as `child` under the top-level probe `parent` (and out of parent's tottime).
  void add_child_time(const Site& parent, const Site& child, std::int64_t ncalls, std::int64_t ns);
  // Every call path, sorted by cumulative time (longest first).
  std::vector<ProfileRow> rows() const;

  // The entry points HostApi hands out (called through probe::Scope).
  void enter(const Site* site, Frame* frame) noexcept;
  void leave(Frame* frame) noexcept;

 private:
  struct Node {
    const Site* site;
    std::int32_t parent;
    std::int32_t first_child = -1;
    std::int32_t next_sibling = -1;
    std::int64_t ncalls = 0, tot_ns = 0, cum_ns = 0;
  };
  std::int32_t child(std::int32_t parent, const Site* site);

  std::vector<Node> nodes_;  // [0] is the root (no site)
  // culprit(i) of every node, made once when the node is: a deque, so that the text a
  // published pointer names never moves while the loop thread adds nodes.
  std::deque<std::string> culprits_;
  Frame* top_ = nullptr;
  bool started_ = false;
  DispatchListener* listener_ = nullptr;
  std::atomic<std::int32_t> current_node_{0};
  std::atomic<const std::string*> current_culprit_{nullptr};
  std::atomic<int> current_page_{-1};
};

// The host's HostApi, for modules (slowfast/module/module.h) and this image.
const HostApi* host_api() noexcept;

// The loop is about to resume the coroutine serving `page` (PollWait, fetch_one).
// Nothing when no recorder runs on this thread.
void dispatch(int page) noexcept;

}  // namespace slowfast::probe
