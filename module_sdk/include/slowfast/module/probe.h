// Scoped probes: the lab's cProfile. A probe names one synchronous step of the I/O
// stack (a socket method, an OpenSSL call, the poll() a module blocks in) with a static
// call-site descriptor; a Scope times it on the calling thread's probe stack.
//
// Off (no --profile, no --watchdog), a Scope costs one relaxed atomic load and a branch.
// On, the host's recorder (probe_recorder.h) builds a call tree on the loop thread and
// publishes the innermost probe for the watchdog's monitor thread.
//
// Modules are shared libraries that cannot see host symbols: each image (the host and
// every module) has its own copy of the dispatch pointer below, and a module gets the
// host's entry points at install time (slowfast/module/module.h). Site, Frame and HostApi are part
// of the module ABI.
//
// A probe never spans a co_await: the stack is the thread's, and a suspended coroutine
// leaves the thread. Put the Scope around the synchronous step between two waits, or
// close it when a wait really suspends, as TlsSocket does (tls_socket.cpp).
#pragma once
#include <atomic>
#include <cstdint>

namespace slowfast::probe {

// One call site, defined once as a static: {"blocking_tls", "poll"}.
struct Site {
  const char* module;  // who owns the code: "slowfast", "tls_io", "blocking_tls", "coop_shim"
  const char* name;    // "BlockingTlsSocket::recv_into", "poll", "SSL_read"
};

// One live probe on a thread's stack; lives in the Scope. Filled by the host.
struct Frame {
  const Site* site = nullptr;  // null: nothing recorded (probes off, or not the loop thread)
  Frame* parent = nullptr;
  std::int64_t start_ns = 0;
  std::int64_t child_ns = 0;  // time spent in probes below this one (for tottime)
  std::int32_t node = -1;     // the recorder's call-tree node
};

// The host's entry points, handed to modules (slowfast/module/module.h).
struct HostApi {
  std::uint32_t size;                   // sizeof(HostApi) of the host
  const std::atomic<unsigned>* active;  // non-zero while a recorder runs somewhere
  void (*enter)(const Site* site, Frame* frame);
  void (*leave)(Frame* frame);
};

namespace detail {
// This image's view of the host (see probe.cpp): until install(), an always-zero flag.
extern const std::atomic<unsigned>* g_active;
extern const HostApi* g_api;
}  // namespace detail

// Points this image's probes at the host. The host calls it when a recorder starts; a
// module from its install function, before any thread but the loop's can run a probe.
void install(const HostApi* api) noexcept;

inline bool active() noexcept { return detail::g_active->load(std::memory_order_relaxed) != 0; }

class Scope {
 public:
  explicit Scope(const Site& site) noexcept {
    if (active()) [[unlikely]]
      detail::g_api->enter(&site, &frame_);
  }
  ~Scope() {
    if (frame_.site) [[unlikely]]
      detail::g_api->leave(&frame_);
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Frame frame_;
};

}  // namespace slowfast::probe
