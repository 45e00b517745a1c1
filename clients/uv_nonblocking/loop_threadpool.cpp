#include "uv_nonblocking/loop_threadpool.h"

#include "slowfast/uv_handle.h"

namespace slowfast {
namespace {

struct WorkRequest {
  uv_work_t req{};
  void (*work)(void*);
  void* arg;
  std::coroutine_handle<> done;
};

void on_worker(uv_work_t* r) {
  auto* w = static_cast<WorkRequest*>(r->data);
  w->work(w->arg);
}

// On the loop thread. The status is never UV_ECANCELED: nothing cancels these.
void after_work(uv_work_t* r, int /*status*/) {
  auto* w = static_cast<WorkRequest*>(r->data);
  std::coroutine_handle<> done = w->done;
  delete w;
  done.resume();
}

}  // namespace

void LoopThreadpool::queue(void (*work)(void* arg), void* arg, std::coroutine_handle<> done) {
  auto* w = new WorkRequest{{}, work, arg, done};
  w->req.data = w;
  if (int rc = uv_queue_work(loop_, &w->req, on_worker, after_work); rc != 0) {
    delete w;
    uv_check(rc, "uv_queue_work");
  }
}

}  // namespace slowfast
