#include "core/probe_recorder.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace slowfast::probe {

namespace {

// How many recorders run, in any thread: what every image's probes read first.
std::atomic<unsigned> g_recorders{0};
// The recorder of this thread; probes of other threads record nothing.
thread_local Recorder* t_recorder = nullptr;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void host_enter(const Site* site, Frame* frame) {
  if (Recorder* r = t_recorder) r->enter(site, frame);
}

void host_leave(Frame* frame) {
  if (Recorder* r = t_recorder) r->leave(frame);
}

constinit const HostApi kHostApi{sizeof(HostApi), &g_recorders, &host_enter, &host_leave};

}  // namespace

const HostApi* host_api() noexcept { return &kHostApi; }

void dispatch(int page) noexcept {
  if (!active()) return;
  if (Recorder* r = t_recorder) r->dispatch(page);
}

Recorder::Recorder() {
  nodes_.push_back(Node{nullptr, -1});
  culprits_.push_back(culprit(0));
}

Recorder::~Recorder() {
  if (started_) stop();
}

void Recorder::start() {
  if (t_recorder) throw std::logic_error("a probe recorder already runs on this thread");
  install(host_api());
  t_recorder = this;
  started_ = true;
  g_recorders.fetch_add(1, std::memory_order_relaxed);
}

void Recorder::stop() {
  if (!started_) return;
  g_recorders.fetch_sub(1, std::memory_order_relaxed);
  t_recorder = nullptr;
  started_ = false;
  top_ = nullptr;
}

void Recorder::dispatch(int page) noexcept {
  current_page_.store(page, std::memory_order_relaxed);
  if (listener_) listener_->on_dispatch();
}

std::int32_t Recorder::child(std::int32_t parent, const Site* site) {
  std::int32_t last = -1;
  for (std::int32_t c = nodes_[static_cast<size_t>(parent)].first_child; c >= 0;
       c = nodes_[static_cast<size_t>(c)].next_sibling) {
    if (nodes_[static_cast<size_t>(c)].site == site) return c;
    last = c;
  }
  auto id = static_cast<std::int32_t>(nodes_.size());
  nodes_.push_back(Node{site, parent});
  culprits_.push_back(culprit(id));
  if (last < 0) nodes_[static_cast<size_t>(parent)].first_child = id;
  else nodes_[static_cast<size_t>(last)].next_sibling = id;
  return id;
}

void Recorder::enter(const Site* site, Frame* frame) noexcept {
  std::int32_t node;
  try {
    node = child(top_ ? top_->node : 0, site);
  } catch (...) {  // out of memory: this probe goes unrecorded, the run goes on
    return;
  }
  frame->site = site;
  frame->parent = top_;
  frame->node = node;
  frame->child_ns = 0;
  top_ = frame;
  current_node_.store(node, std::memory_order_relaxed);
  current_culprit_.store(&culprits_[static_cast<size_t>(node)], std::memory_order_release);
  frame->start_ns = now_ns();  // last: the bookkeeping above is not the probe's time
}

void Recorder::leave(Frame* frame) noexcept {
  std::int64_t elapsed = now_ns() - frame->start_ns;
  Node& n = nodes_[static_cast<size_t>(frame->node)];
  ++n.ncalls;
  n.cum_ns += elapsed;
  n.tot_ns += elapsed - frame->child_ns;
  if (frame->parent) frame->parent->child_ns += elapsed;
  // A scope is left in the order it was entered, as long as none spans a co_await.
  top_ = frame->parent;
  current_node_.store(top_ ? top_->node : 0, std::memory_order_relaxed);
  current_culprit_.store(&culprits_[static_cast<size_t>(top_ ? top_->node : 0)], std::memory_order_release);
}

std::string Recorder::culprit_now() const {
  const std::string* text = current_culprit_.load(std::memory_order_acquire);
  return text ? *text : culprit(0);
}

std::string Recorder::culprit(std::int32_t node) const {
  if (node <= 0 || static_cast<size_t>(node) >= nodes_.size()) return "(no probe active)";
  const Node& n = nodes_[static_cast<size_t>(node)];
  std::string text = std::string(n.site->module) + ": ";
  if (n.parent > 0) text += std::string(nodes_[static_cast<size_t>(n.parent)].site->name) + " -> ";
  return text + n.site->name;
}

void Recorder::add_child_time(const Site& parent, const Site& child_site, std::int64_t ncalls,
                              std::int64_t ns) {
  std::int32_t p = child(0, &parent);
  Node& c = nodes_[static_cast<size_t>(child(p, &child_site))];
  c.ncalls += ncalls;
  c.cum_ns += ns;
  c.tot_ns += ns;
  nodes_[static_cast<size_t>(p)].tot_ns -= ns;
}

std::vector<ProfileRow> Recorder::rows() const {
  std::vector<ProfileRow> out;
  for (size_t i = 1; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    if (n.ncalls == 0) continue;  // entered, never left: a run cut short
    ProfileRow row{{}, n.site->module, n.ncalls, n.tot_ns / 1e9, n.cum_ns / 1e9};
    for (std::int32_t p = static_cast<std::int32_t>(i); p > 0; p = nodes_[static_cast<size_t>(p)].parent)
      row.path.insert(row.path.begin(), nodes_[static_cast<size_t>(p)].site->name);
    out.push_back(std::move(row));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ProfileRow& a, const ProfileRow& b) { return a.cumtime_s > b.cumtime_s; });
  return out;
}

}  // namespace slowfast::probe
