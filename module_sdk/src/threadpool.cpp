#include "slowfast/module/threadpool.h"

#include <exception>

namespace slowfast {
namespace {

struct Job {
  std::function<void()> work;
  std::exception_ptr error;  // carried from the worker thread to the loop's

  static void run(void* arg) noexcept {
    auto* job = static_cast<Job*>(arg);
    try {
      job->work();
    } catch (...) {
      job->error = std::current_exception();
    }
  }
};

struct Queued {
  Threadpool& pool;
  Job& job;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { pool.queue(&Job::run, &job, h); }
  void await_resume() const noexcept {}
};

}  // namespace

Task<void> apply(Threadpool& pool, std::function<void()> work) {
  Job job{std::move(work), nullptr};
  co_await Queued{pool, job};
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace slowfast
