// One way to start a process: fork + exec, so that the child can ask for
// PR_SET_PDEATHSIG before exec (posix_spawn cannot) - a test, lab or benchmark that
// dies (a ctest timeout, a crash, Ctrl-C) takes its children with it. Everything is
// done by PID: an owner only ever signals or reaps the process it started.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace slowfast {

struct ChildOptions {
  std::string stdout_file = "/dev/null";  // truncated, created 0600 if missing
  std::string stderr_file = "/dev/null";  // the same path as stdout_file: one file, in order (2>&1)
  // The child's whole environment ("K=V"); unset: this process's own.
  std::optional<std::vector<std::string>> environment;
};

class ChildProcess {
 public:
  using Seconds = std::chrono::duration<double>;

  // Starts argv[0] (a path, not searched in PATH) with `argv`. Throws
  // std::runtime_error naming argv[0] when fork or exec fails. The death signal
  // (SIGTERM) follows the forking thread, so start children from a thread that
  // outlives them.
  explicit ChildProcess(std::vector<std::string> argv, ChildOptions options = {});
  // A child still running here is killed (SIGKILL) and reaped: none is left behind.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }  // -1 once reaped
  bool running() const { return pid_ > 0; }
  void signal(int signo) const;

  // Its exit status once it has exited (reaped then), nullopt while it runs. A status
  // is the exit code, or 128 + the signal that ended it, as a shell reports it.
  std::optional<int> poll();
  // Waits for it to exit: its status.
  int wait();
  // Waits up to `timeout` for it to exit: its status, or nullopt if it still runs.
  std::optional<int> wait(Seconds timeout);
  // SIGTERM, then up to `grace` for it to exit: its status, or nullopt if it still runs.
  std::optional<int> terminate(Seconds grace);
  // SIGKILL and reap: its status.
  int kill_and_reap();

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

}  // namespace slowfast
