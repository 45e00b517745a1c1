// RAII for libuv, one idiom for the server and the clients.
//
// UvHandle<T> is born from its init call - UvHandle<uv_timer_t> t(loop, uv_timer_init) -
// so it is never half-initialised: the init fails and it throws, or it owns a live
// handle. It gives the handle back through uv_close and frees the memory in the close
// callback, the only moment libuv allows it (the loop holds the pointer until then).
// UvLoop owns a loop: closing it runs the loop until the pending close callbacks are
// gone and requires uv_loop_close() == 0 (UV_EBUSY: a handle was never closed).
#pragma once
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <uv.h>

namespace slowfast {

// A failure the caller can report (a bind, an fd limit): throws "what: uv_strerror".
inline void uv_check(int rc, const char* what) {
  if (rc < 0) throw std::runtime_error(std::string(what) + ": " + uv_strerror(rc));
}

// A failure only a bug can cause, in code that cannot throw (libuv callbacks,
// destructors): names the call and aborts.
inline void uv_must(int rc, const char* what) noexcept {
  if (rc == 0) return;
  std::fprintf(stderr, "%s: %s\n", what, uv_strerror(rc));
  std::abort();
}

// Every libuv handle type starts with the uv_handle_t fields: libuv's own (uv_handle_t*)
// cast, in one place.
template <typename T>
uv_handle_t* as_handle(T* h) noexcept {
  return reinterpret_cast<uv_handle_t*>(h);
}
template <typename T>
uv_stream_t* as_stream(T* h) noexcept {
  static_assert(std::is_same_v<T, uv_tcp_t> || std::is_same_v<T, uv_pipe_t> || std::is_same_v<T, uv_tty_t>);
  return reinterpret_cast<uv_stream_t*>(h);
}

template <typename T>
class UvHandle {
 public:
  // Called in the close callback with the handle (its data still set), before its
  // memory goes: the place to free what the handle's callbacks point to.
  using OnClosed = void (*)(T*);

  UvHandle() noexcept = default;  // empty: no handle yet (assign one later)
  // Runs init(loop, handle, args...) - uv_timer_init, uv_poll_init with an fd, ...
  template <typename Init, typename... Args>
  UvHandle(uv_loop_t* loop, Init init, Args&&... args) : box_(new Box) {
    int rc = init(loop, &box_->uv, std::forward<Args>(args)...);
    if (rc != 0) {  // libuv leaves nothing registered on a failed init
      delete std::exchange(box_, nullptr);
      uv_check(rc, init_name());
    }
  }
  UvHandle(UvHandle&& other) noexcept : box_(std::exchange(other.box_, nullptr)) {}
  UvHandle& operator=(UvHandle&& other) noexcept {
    close();
    box_ = std::exchange(other.box_, nullptr);
    return *this;
  }
  UvHandle(const UvHandle&) = delete;
  UvHandle& operator=(const UvHandle&) = delete;
  ~UvHandle() { close(); }

  T* get() const noexcept { return box_ ? &box_->uv : nullptr; }
  uv_handle_t* handle() const noexcept { return as_handle(get()); }
  uv_stream_t* stream() const noexcept { return as_stream(get()); }
  // False once closed (or never given a handle).
  explicit operator bool() const noexcept { return box_ != nullptr; }

  // Gives the handle back to libuv; a second call does nothing. Callbacks stop now,
  // except the cancelled requests' (a tcp handle's writes) which run before on_closed.
  void close(OnClosed on_closed = nullptr) noexcept {
    if (!box_) return;
    Box* box = std::exchange(box_, nullptr);
    box->on_closed = on_closed;
    uv_close(as_handle(&box->uv), [](uv_handle_t* h) {
      Box* closed = reinterpret_cast<Box*>(h);  // uv is Box's first member
      if (closed->on_closed) closed->on_closed(&closed->uv);
      delete closed;
    });
  }

 private:
  struct Box {
    T uv{};
    OnClosed on_closed = nullptr;
  };
  static_assert(std::is_standard_layout_v<Box>);

  static constexpr const char* init_name() {
    if constexpr (std::is_same_v<T, uv_timer_t>) return "uv_timer_init";
    else if constexpr (std::is_same_v<T, uv_tcp_t>) return "uv_tcp_init";
    else if constexpr (std::is_same_v<T, uv_poll_t>) return "uv_poll_init";
    else if constexpr (std::is_same_v<T, uv_async_t>) return "uv_async_init";
    else if constexpr (std::is_same_v<T, uv_signal_t>) return "uv_signal_init";
    else if constexpr (std::is_same_v<T, uv_prepare_t>) return "uv_prepare_init";
    else return "uv handle init";
  }

  Box* box_ = nullptr;
};

class UvLoop {
 public:
  UvLoop() { uv_check(uv_loop_init(&loop_), "uv_loop_init"); }
  UvLoop(const UvLoop&) = delete;
  UvLoop& operator=(const UvLoop&) = delete;
  // Every handle must be closed by now (their owners are gone): a busy loop is a bug.
  ~UvLoop() {
    if (closed_) return;
    int rc = close();
    if (rc != 0) {
      uv_print_all_handles(&loop_, stderr);
      uv_must(rc, "uv_loop_close");
    }
  }

  uv_loop_t* get() noexcept { return &loop_; }
  void run() { uv_run(&loop_, UV_RUN_DEFAULT); }  // returns when nothing is active

  // Runs the close callbacks still pending, then uv_loop_close: 0, or UV_EBUSY while a
  // handle is open or a request pending (the loop stays usable then).
  int close() noexcept {
    if (closed_) return 0;
    uv_run(&loop_, UV_RUN_DEFAULT);
    int rc = uv_loop_close(&loop_);
    closed_ = rc == 0;
    return rc;
  }

 private:
  uv_loop_t loop_{};
  bool closed_ = false;
};

}  // namespace slowfast
