// `fetch --profile`: the probes' call tree as cProfile prints it, sorted by cumulative
// time - ncalls, tottime, percall, cumtime, percall, and the call path.
#pragma once
#include <string>
#include <vector>

#include "core/observe_types.h"

namespace slowfast {

// The `max_rows` paths with the most cumulative time (the rows come sorted), then how
// many were left out. `wall_s` is the run's total time, for the heading.
std::string render_profile(const std::vector<ProfileRow>& rows, double wall_s, size_t max_rows = 30);

// "uv_run -> PollWait::resume -> BlockingTlsSocket::recv_into -> poll"
std::string path_text(const ProfileRow& row);

}  // namespace slowfast
