// RAII for libuv: UvHandle<T> owns one heap-allocated handle and gives it back through
// uv_close, freeing the memory in the close callback (the only moment libuv allows it);
// UvLoop owns a loop and drains pending close callbacks before uv_loop_close.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>

#include <uv.h>

namespace slowfast {

inline void uv_check(int rc, const char* what) {
  if (rc < 0) throw std::runtime_error(std::string(what) + ": " + uv_strerror(rc));
}

template <typename T>
class UvHandle {
 public:
  UvHandle() : h_(std::make_unique<T>()) {}
  UvHandle(UvHandle&&) noexcept = default;
  UvHandle& operator=(UvHandle&&) = delete;
  UvHandle(const UvHandle&) = delete;
  UvHandle& operator=(const UvHandle&) = delete;
  ~UvHandle() { close(); }

  T* get() const noexcept { return h_.get(); }
  uv_handle_t* handle() const noexcept { return reinterpret_cast<uv_handle_t*>(h_.get()); }

  // Marks the handle as initialised: only then does it need uv_close.
  void initialised() noexcept { live_ = true; }

  void close() noexcept {
    if (!h_) return;
    if (!live_) {
      h_.reset();
      return;
    }
    uv_close(handle(), [](uv_handle_t* h) { std::unique_ptr<T> owned(reinterpret_cast<T*>(h)); });
    static_cast<void>(h_.release());  // freed by the close callback above
  }

 private:
  std::unique_ptr<T> h_;
  bool live_ = false;
};

class UvLoop {
 public:
  UvLoop() { uv_check(uv_loop_init(&loop_), "uv_loop_init"); }
  UvLoop(const UvLoop&) = delete;
  UvLoop& operator=(const UvLoop&) = delete;
  ~UvLoop() {
    uv_run(&loop_, UV_RUN_DEFAULT);  // runs the close callbacks still pending
    uv_loop_close(&loop_);
  }
  uv_loop_t* get() noexcept { return &loop_; }
  void run() { uv_run(&loop_, UV_RUN_DEFAULT); }

 private:
  uv_loop_t loop_{};
};

}  // namespace slowfast
