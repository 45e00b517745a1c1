// Runs build/bin/slowfast as a child process, the way the labs and users do, and
// collects its exit code and output. Only the child it started is ever killed.
#pragma once
#include <string>
#include <vector>

namespace slowfast::testing {

struct CliResult {
  int exit_code = -1;  // -1: killed after the timeout
  std::string out, err;
};

// `env` ("K=V") is added to this process's environment, from which SLOWFAST_PATH,
// SLOWFAST_SITE and UV_THREADPOOL_SIZE are first removed so that every test says what it
// installs (without SLOWFAST_SITE in `env`, the runtimes' sites are a missing directory).
// `signal_after_s` > 0 sends `signo` to the child once that many seconds have passed.
CliResult run_slowfast(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                       double timeout_s = 60, double signal_after_s = 0, int signo = 15);

}  // namespace slowfast::testing
