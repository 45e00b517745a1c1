#include "uv_threadpool/uv_threadpool_client.h"

#include <cstdlib>

#include "blocking/httplib_fetch.h"
#include "core/interrupt.h"
#include "slowfast/uv_handle.h"

namespace slowfast {

int uv_threadpool_size() {
  // Exactly as libuv 1.44's src/threadpool.c reads it: atoi() into an unsigned count,
  // 0 becomes 1, above 1024 becomes 1024. So "" and "abc" run 1 thread and "-1" (a huge
  // unsigned) runs 1024: the figure reported must be the one that runs.
  constexpr unsigned kDefault = 4, kMax = 1024;
  const char* env = std::getenv("UV_THREADPOOL_SIZE");
  unsigned n = env ? static_cast<unsigned>(std::atoi(env)) : kDefault;
  if (n == 0) n = 1;
  if (n > kMax) n = kMax;
  return static_cast<int>(n);
}

namespace {

// One queued request. uv_work_t is a request, not a handle: no uv_close, it only
// has to outlive its after-work callback, which the vector below guarantees.
struct Job {
  uv_work_t work{};
  const RunSpec* spec = nullptr;
  HttplibClientPool* pool = nullptr;
  const RunClock* clock = nullptr;
  RequestRecord record;
};

void run_job(uv_work_t* w) {
  Job& job = *static_cast<Job*>(w->data);
  if (interrupted()) {  // queued behind the signal: never started
    job.record = not_started(job.record.page);
    return;
  }
  std::unique_ptr<HttplibClient> client = job.pool->borrow();
  job.record = client->fetch(job.record.page, *job.clock);
  job.pool->give_back(std::move(client));
}

}  // namespace

RunResult run_uv_threadpool(const RunSpec& spec) {
  RunResult result;
  result.threads = uv_threadpool_size();
  HttplibClientPool pool(spec);
  std::vector<Job> jobs(static_cast<size_t>(spec.n));
  UvLoop loop;
  RunClock clock;
  for (int i = 0; i < spec.n; ++i) {
    Job& job = jobs[static_cast<size_t>(i)];
    job.work.data = &job;
    job.spec = &spec;
    job.pool = &pool;
    job.clock = &clock;
    job.record.page = i;
    uv_check(uv_queue_work(loop.get(), &job.work, &run_job, [](uv_work_t*, int) {}), "uv_queue_work");
  }
  loop.run();  // returns when every after-work callback has run
  result.total_s = clock.now();
  for (Job& job : jobs) result.requests.push_back(std::move(job.record));
  return result;
}

}  // namespace slowfast
