// StackSampler: the real stack of one thread (the loop's), taken from another thread
// (the watchdog's monitor) - what gevent's monitor thread prints for a blocked greenlet.
// The probes name only the code that has probes; a blocking call in an attendee's or a
// vendor's module without any is charged to the framework's probe around it. The stack
// names the function that really blocks, and its module.
//
// How: the monitor sends SIGURG to the loop thread with pthread_kill; the handler, on
// the loop thread, calls backtrace() into a preallocated buffer (no allocation, no
// lock) and raises an atomic flag; the monitor waits for the flag, briefly. Naming the
// frames (StackSymbols) is a separate step: reading the objects' symbol tables takes
// tens of milliseconds, far too long for the monitor to spend while it holds the loop's
// lock, so a thread of the sampler's own reads them as soon as it is made. SIGURG because nothing in slowfast, libuv, OpenSSL or the
// sanitizers uses it, and its default action is to ignore it: a late or stray one never
// kills the process, even after the watchdog is gone.
//
// The signal interrupts whatever the loop thread is blocked in: a poll() or a sleep
// returns EINTR (SA_RESTART does not restart poll(2) on Linux). Every blocking wait in
// slowfast retries with the time left; a module's own must do the same, as it must for
// any signal.
#pragma once
#include <pthread.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "uv_nonblocking/stack_symbols.h"

namespace slowfast {

// A sampled stack as addresses, innermost first; empty when not sampled.
struct RawStack {
  std::vector<const void*> frames;
  bool first_exact = false;  // frames[0] is the interrupted instruction, not a return address
};

class StackSampler {
 public:
  // The calling thread is the one to sample. Installs the handler (once per process),
  // calls backtrace() once, so that the handler never has to load libgcc, and starts
  // reading the symbol tables in the background.
  StackSampler();
  ~StackSampler();  // waits for the symbol tables' reader
  StackSampler(const StackSampler&) = delete;
  StackSampler& operator=(const StackSampler&) = delete;

  // Any other thread, while the sampled one lives: its stack, at most kMaxFrames, in
  // about the time a signal takes; empty when it did not answer within `wait` (TSan, for
  // one, delivers a signal only at its own safe points) or SIGURG has another owner in
  // this process.
  RawStack capture(std::chrono::milliseconds wait);
  // Each frame "function [object]", a sanitizer's interceptors left out. `complete` false: now, without waiting for the
  // symbol tables nor reading any file (what is not read yet gets dladdr's names).
  std::vector<std::string> names(const RawStack& stack, bool complete);
  // capture, then names(complete).
  std::vector<std::string> sample(std::chrono::milliseconds wait) { return names(capture(wait), true); }

  static constexpr int kMaxFrames = 24;

 private:
  pthread_t target_;
  bool usable_;
  std::mutex symbols_mu_;  // the reader holds it until every table is read
  StackSymbols symbols_;
  std::thread reader_;     // last: starts once the rest is ready
};

}  // namespace slowfast
