// The `fetch --json` document (the CLI contract; later tools read it):
// {"variant","runtime","modules":[...],"n","delay_s","total_s","cpu_s","valid","invalid","verdict",
//  "requests":[{"page","status","bytes","error","t":{"start","connected","tls_done",
//  "sent","first_byte","done"}}]}
// valid/invalid are counts; valid_page_ids/invalid_page_ids list the pages. Times are
// seconds from the run's start; a step the variant cannot observe is null. Extra keys:
// "threads" (uv-threadpool), requests[].socket_class, and with --profile
// "profile":[{"path":[...],"module","ncalls","tottime","cumtime"}] (by cumtime), with
// --watchdog "watchdog":{"threshold_s","stalls":[{"start","seen","length","culprit",
// "page","stack":["poll [libc]",...]}],"total_blocked_s","longest_s"} (stack innermost
// first, [] when not sampled), "concurrency" (core/run_stats.h), "loop" (uv-nonblocking:
// the loop budget), requests[].hook (a module's response hook). `fetch --json` adds
// "environment": the machine, the build, the foreign CPU during the run.
#pragma once
#include <nlohmann/json.hpp>

#include "core/run_types.h"

namespace slowfast {

nlohmann::json to_json(const RunResult& result);

}  // namespace slowfast
