// Task<T>: a lazily started C++20 coroutine that one other coroutine awaits (the
// C++ stand-in for a gevent greenlet). An exception escaping the body is rethrown to the awaiter.
// Awaiting runs the task inline; if it finishes without suspending (every call of
// BlockingTlsSocket does while its wait is the blocking poll()), the awaiter simply
// carries on - no resume, no new stack frame - so long loops of such calls cannot
// overflow the stack, even in -O0 builds where symmetric transfer is not a tail call.
// A task that suspends is resumed later by the loop and then resumes its awaiter.
// A top-level task is start()ed once and must stay alive until done().
#pragma once
#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace slowfast {

template <typename T>
class Task;

namespace detail {

// At the end of a task: back to the awaiter's await_suspend when the task ran inline
// and finished there, else resume the awaiter (or nobody, for a top-level task).
struct FinalAwaiter {
  bool await_ready() noexcept { return false; }
  template <typename P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
    auto& p = h.promise();
    if (p.running_inline) {
      p.finished_inline = true;
      return std::noop_coroutine();
    }
    return p.continuation ? p.continuation : std::noop_coroutine();
  }
  void await_resume() noexcept {}
};

struct PromiseBase {
  std::coroutine_handle<> continuation;
  std::exception_ptr error;
  bool running_inline = false;   // inside the awaiter's await_suspend
  bool finished_inline = false;  // reached the end there

  std::suspend_always initial_suspend() noexcept { return {}; }
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }
  void rethrow_if_failed() {
    if (error) std::rethrow_exception(error);
  }
};

template <typename T>
struct Promise : PromiseBase {
  std::optional<T> value;
  Task<T> get_return_object() noexcept;
  template <typename U>
  void return_value(U&& v) { value.emplace(std::forward<U>(v)); }
  T take() {
    rethrow_if_failed();
    return std::move(*value);
  }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() { rethrow_if_failed(); }
};

}  // namespace detail

template <typename T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::Promise<T>;

  explicit Task(std::coroutine_handle<promise_type> h) noexcept : h_(h) {}
  Task(Task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (h_) h_.destroy();
      h_ = std::exchange(other.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (h_) h_.destroy();
  }

  bool await_ready() const noexcept { return false; }
  // Returns false (do not suspend the awaiter) when the task already finished.
  bool await_suspend(std::coroutine_handle<> awaiting) {
    auto& p = h_.promise();
    p.continuation = awaiting;
    p.running_inline = true;
    h_.resume();  // until its end or its first wait on the loop
    p.running_inline = false;
    return !p.finished_inline;
  }
  T await_resume() { return h_.promise().take(); }

  // Top-level use: run until the first suspension; the loop does the rest.
  void start() { h_.resume(); }
  bool done() const noexcept { return h_ && h_.done(); }
  // After done(): the result, or the exception the body threw.
  T result() { return h_.promise().take(); }

 private:
  std::coroutine_handle<promise_type> h_;
};

namespace detail {
template <typename T>
Task<T> Promise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace slowfast
