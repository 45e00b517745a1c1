// Wall-clock spans for the shape checks of integration tests (monotonic clock).
#pragma once
#include <chrono>

namespace slowfast::testing {

using Clock = std::chrono::steady_clock;

// Seconds since `t0`.
inline double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace slowfast::testing
