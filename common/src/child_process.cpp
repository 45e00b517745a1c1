#include "slowfast/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace slowfast {
namespace {

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int status_of(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

// Between fork and exec the child may only make async-signal-safe calls: everything
// it needs is prepared before the fork. It reports a failed exec's errno through
// `report` (close-on-exec, so a successful exec closes it with nothing written).
// `err` null: stderr goes where stdout goes.
[[noreturn]] void exec_child(pid_t parent, char* const* argv, char* const* envp, const char* out,
                             const char* err, int report) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(0);  // the parent died before the prctl
  int out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (out_fd >= 0) dup2(out_fd, 1);
  int err_fd = err ? open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600) : 1;
  if (err_fd >= 0) dup2(err_fd, 2);
  if (envp) execve(argv[0], argv, envp);
  else execv(argv[0], argv);
  int e = errno;
  [[maybe_unused]] ssize_t n = write(report, &e, sizeof e);
  _exit(127);
}

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv_s, ChildOptions options) {
  std::vector<char*> argv = c_strings(argv_s);
  std::vector<char*> envp;
  if (options.environment) envp = c_strings(*options.environment);
  const char* err = options.stderr_file == options.stdout_file ? nullptr : options.stderr_file.c_str();
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error("cannot start " + argv_s[0] + ": pipe failed");
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0)
    exec_child(parent, argv.data(), envp.empty() ? nullptr : envp.data(),
               options.stdout_file.c_str(), err, report[1]);
  close(report[1]);
  int exec_errno = 0;
  ssize_t got = pid_ > 0 ? read(report[0], &exec_errno, sizeof exec_errno) : 0;
  close(report[0]);
  if (pid_ < 0) throw std::runtime_error("cannot start " + argv_s[0] + ": fork failed");
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::runtime_error("cannot start " + argv_s[0] + ": " + std::strerror(exec_errno));
  }
}

ChildProcess::~ChildProcess() {
  if (running()) kill_and_reap();
}

void ChildProcess::signal(int signo) const {
  if (running()) ::kill(pid_, signo);
}

std::optional<int> ChildProcess::poll() {
  if (!running()) return status_;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
  pid_ = -1;
  status_ = status_of(status);
  return status_;
}

int ChildProcess::wait() {
  if (!running()) return status_;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  status_ = status_of(status);
  return status_;
}

std::optional<int> ChildProcess::wait(Seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto status = poll()) return status;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::optional<int> ChildProcess::terminate(Seconds grace) {
  signal(SIGTERM);
  return wait(grace);
}

int ChildProcess::kill_and_reap() {
  signal(SIGKILL);
  return wait();
}

}  // namespace slowfast
