// The thread-pool analogue: each request is a blocking cpp-httplib call run by
// uv_queue_work; the loop gathers the results. Concurrency is libuv's threadpool size
// (4, or UV_THREADPOOL_SIZE), so N requests take about ceil(N / threads) x delay.
#pragma once
#include "core/run_types.h"

namespace slowfast {

RunResult run_uv_threadpool(const RunSpec& spec);

// The size libuv gives its threadpool, read the way libuv 1.44 reads it.
int uv_threadpool_size();

}  // namespace slowfast
