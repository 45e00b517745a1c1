#include "uv_nonblocking/stack_sampler.h"

#include <execinfo.h>
#include <sched.h>
#include <signal.h>
#include <ucontext.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <thread>

namespace slowfast {

namespace {

constexpr int kSignal = SIGURG;
// Room for the handler's own frames (itself, the kernel's return trampoline, and under
// a sanitizer its signal machinery) above the kMaxFrames that are shown.
constexpr int kCapacity = StackSampler::kMaxFrames + 16;

// One request at a time, through one slot the handler can reach without a pointer:
//   monitor: kIdle -> kAsked, then pthread_kill
//   handler: kAsked -> kTaking, backtrace, -> kTaken (a signal nobody asked for: nothing)
//   monitor: kTaken -> kIdle after copying; or, no answer in time, kAsked -> kIdle
enum State : int { kIdle, kAsked, kTaking, kTaken };

struct Slot {
  std::atomic<int> state{kIdle};
  void* frames[kCapacity];
  int depth = 0;
  void* pc = nullptr;  // where the signal interrupted the thread, when known
};
Slot g_slot;
std::mutex g_one_sample;     // one slot: the monitors of several watchdogs take turns
std::atomic<bool> g_broken{false};  // a handler that never finished: the slot is lost

void* interrupted_pc(void* context) {
  auto* uc = static_cast<ucontext_t*>(context);
#if defined(__x86_64__)
  return reinterpret_cast<void*>(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return reinterpret_cast<void*>(uc->uc_mcontext.pc);
#else
  static_cast<void>(uc);
  return nullptr;
#endif
}

// On the sampled thread, async-signal-safe: atomics, and backtrace() whose one unsafe
// part - loading libgcc's unwinder on its first call - the constructor did already.
void on_sample_signal(int, siginfo_t*, void* context) {
  int asked = kAsked;
  if (!g_slot.state.compare_exchange_strong(asked, kTaking, std::memory_order_acquire)) return;
  const int saved_errno = errno;  // the interrupted code may be about to read it
  g_slot.pc = interrupted_pc(context);
  g_slot.depth = ::backtrace(g_slot.frames, kCapacity);
  errno = saved_errno;
  g_slot.state.store(kTaken, std::memory_order_release);
}

// Once per process. SA_RESTART restarts what can be restarted (read, write); poll and
// nanosleep still return EINTR, and their callers retry. False when SIGURG already has
// a handler that is not ours: it is someone else's, and stays theirs.
bool install_handler() {
  struct sigaction old {};
  if (::sigaction(kSignal, nullptr, &old) != 0) return false;
  if (old.sa_flags & SA_SIGINFO) return old.sa_sigaction == &on_sample_signal;
  if (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN) return false;
  struct sigaction sa {};
  sa.sa_sigaction = &on_sample_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  return ::sigaction(kSignal, &sa, nullptr) == 0;
}

// Waits until `pred` holds or `wait` is over.
template <class Pred>
bool wait_for(Pred pred, std::chrono::microseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

// A sanitizer's interceptor ("nanosleep [libtsan]" between the module and libc's
// nanosleep) is the build's, not the program's: left out, so that a sanitizer build
// reads like any other.
bool is_sanitizer_frame(const std::string& frame) {
  for (const char* runtime : {"[libasan]", "[libtsan]", "[libubsan]", "[liblsan]"})
    if (frame.ends_with(runtime)) return true;
  return false;
}

}  // namespace

StackSampler::StackSampler() : target_(::pthread_self()) {
  static const bool installed = [] {
    void* warm[4];
    static_cast<void>(::backtrace(warm, 4));  // loads libgcc_s now, not in the handler
    return install_handler();
  }();
  usable_ = installed;
  reader_ = std::thread([this] {
    // At idle priority: the tables are for the report, and must not take a core from
    // the loop being watched (a fast run stays fast on a busy 2-core machine).
    sched_param idle{};
    static_cast<void>(::pthread_setschedparam(::pthread_self(), SCHED_IDLE, &idle));
    std::lock_guard lock(symbols_mu_);
    symbols_.warm();
  });
}

StackSampler::~StackSampler() { reader_.join(); }

RawStack StackSampler::capture(std::chrono::milliseconds wait) {
  if (!usable_ || g_broken.load()) return {};
  std::lock_guard lock(g_one_sample);
  g_slot.state.store(kAsked, std::memory_order_release);
  auto answered = [] { return g_slot.state.load(std::memory_order_acquire) == kTaken; };
  if (::pthread_kill(target_, kSignal) != 0 || !wait_for(answered, wait)) {
    int asked = kAsked;
    if (g_slot.state.compare_exchange_strong(asked, kIdle)) return {};  // never came
    // The handler is running right now: it ends in microseconds, unless the thread is
    // descheduled; should it not end at all, the slot is given up for good.
    if (!wait_for(answered, std::chrono::seconds(1))) {
      g_broken.store(true);
      return {};
    }
  }
  void* frames[kCapacity];
  const int depth = g_slot.depth;
  void* const pc = g_slot.pc;
  std::copy(g_slot.frames, g_slot.frames + depth, frames);
  g_slot.state.store(kIdle, std::memory_order_release);

  // The handler's own frames are above the interrupted one: drop them. Without the
  // interrupted address, the handler and the kernel's trampoline are the first two.
  int first = depth > 2 ? 2 : depth;
  bool exact = false;
  for (int i = 0; i < depth; ++i)
    if (pc != nullptr && frames[i] == pc) {
      first = i;
      exact = true;  // the interrupted instruction itself, not a return address
      break;
    }
  RawStack stack{{}, exact};
  for (int i = first; i < depth && static_cast<int>(stack.frames.size()) < kMaxFrames; ++i)
    stack.frames.push_back(frames[i]);
  return stack;
}

std::vector<std::string> StackSampler::names(const RawStack& stack, bool complete) {
  std::unique_lock lock(symbols_mu_, std::defer_lock);
  if (complete) lock.lock();
  StackSymbols unread;  // while the reader still reads: no tables, dladdr's names
  StackSymbols& symbols = complete || lock.try_lock() ? symbols_ : unread;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < stack.frames.size(); ++i) {
    std::string frame = symbols.name(stack.frames[i], stack.first_exact && i == 0, complete);
    if (!is_sanitizer_frame(frame)) out.push_back(std::move(frame));
  }
  return out;
}

}  // namespace slowfast
