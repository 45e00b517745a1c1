// What the story says a cell must show. Stages 1-4 state it in their expected.txt;
// stage 0 ("depends on what is installed") derives it from the modules it found,
// with the same rules the stages illustrate:
//   no blocking_tls                 -> fast (NativeTlsSocket waits in the loop)
//   blocking_tls, no coop_shim      -> slow (poll() blocks the loop)
//   + coop_shim 1.2                 -> py27 fast (recv is cooperative), py37 slow (recv_into is not)
//   + coop_shim 1.2+recv_into       -> fast (the locally patched 1.2; or a 1.3 had there been one)
// blocking is slow; uv-threadpool takes ceil(N / threads) rounds of the delay.
#pragma once
#include <string>
#include <vector>

#include "core/run_types.h"

namespace slowfast::lab {

Verdict expected_nonblocking(const std::vector<std::string>& module_ids, Runtime runtime);
Verdict expected_threadpool(int n, int threads);
Verdict expected_blocking(int n);

}  // namespace slowfast::lab
