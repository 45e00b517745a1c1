// Seconds since the run started, on the monotonic clock (steady_clock is
// CLOCK_MONOTONIC on Linux, the clock uv_hrtime reads), safe from any thread.
#pragma once
#include <chrono>

namespace slowfast {

class RunClock {
 public:
  RunClock() : start_(std::chrono::steady_clock::now()) {}
  double now() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace slowfast
