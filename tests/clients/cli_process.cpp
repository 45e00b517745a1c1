#include "cli_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "server_process.h"

extern char** environ;

namespace slowfast::testing {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> child_env(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (kv.rfind("SLOWFAST_PATH=", 0) == 0 || kv.rfind("UV_THREADPOOL_SIZE=", 0) == 0) continue;
    env.push_back(kv);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int wait_for(pid_t pid, double timeout_s, double signal_after_s, int signo) {
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::duration<double>(timeout_s);
  auto signal_at = start + std::chrono::duration<double>(signal_after_s);
  bool signalled = !(signal_after_s > 0);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (!signalled && std::chrono::steady_clock::now() > signal_at) {
      kill(pid, signo);
      signalled = true;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

CliResult run_slowfast(const std::vector<std::string>& args, const std::vector<std::string>& env,
                       double timeout_s, double signal_after_s, int signo) {
  char tmpl[] = "/tmp/slowfast-cli-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  fs::path dir = tmpl;
  std::vector<std::string> argv_s = {bin_dir() + "/slowfast"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<std::string> env_s = child_env(env);
  std::vector<char*> argv = c_strings(argv_s), envp = c_strings(env_s);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, (dir / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, (dir / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv_s[0]);

  CliResult result;
  result.exit_code = wait_for(pid, timeout_s, signal_after_s, signo);
  result.out = slurp(dir / "out");
  result.err = slurp(dir / "err");
  fs::remove_all(dir);
  return result;
}

}  // namespace slowfast::testing
