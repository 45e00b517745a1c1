// LoopThreadpool: the Threadpool a response hook gets (slowfast/module/threadpool.h),
// libuv's own worker threads (uv_queue_work, UV_THREADPOOL_SIZE, 4 by default): the
// work runs there, and its coroutine is resumed on the loop thread once it is done.
#pragma once
#include <uv.h>

#include "slowfast/module/threadpool.h"

namespace slowfast {

class LoopThreadpool final : public Threadpool {
 public:
  explicit LoopThreadpool(uv_loop_t* loop) : loop_(loop) {}
  void queue(void (*work)(void* arg), void* arg, std::coroutine_handle<> done) override;

 private:
  uv_loop_t* loop_;
};

}  // namespace slowfast
