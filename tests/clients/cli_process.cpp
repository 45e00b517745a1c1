#include "cli_process.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "server_process.h"
#include "slowfast/child_process.h"
#include "slowfast/files.h"
#include "slowfast/temp_dir.h"

extern char** environ;

namespace slowfast::testing {
namespace {

// The runtimes' sites of a test's child: none, unless the test gives SLOWFAST_SITE. A
// machine's own installs (/usr/local/lib/slowfast) must not change what a test sees.
constexpr const char* kNoSite = "SLOWFAST_SITE=/nonexistent/slowfast-test-site";

std::vector<std::string> child_env(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (kv.rfind("SLOWFAST_PATH=", 0) == 0 || kv.rfind("SLOWFAST_SITE=", 0) == 0 ||
        kv.rfind("UV_THREADPOOL_SIZE=", 0) == 0)
      continue;
    env.push_back(kv);
  }
  bool site_given = std::any_of(extra.begin(), extra.end(), [](const std::string& kv) { return kv.rfind("SLOWFAST_SITE=", 0) == 0; });
  if (!site_given) env.push_back(kNoSite);
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// Its exit status, or -1 when it was still running at `timeout_s` (then killed).
int wait_for(ChildProcess& child, double timeout_s, double signal_after_s, int signo) {
  using Seconds = ChildProcess::Seconds;
  auto start = std::chrono::steady_clock::now();
  if (signal_after_s > 0 && signal_after_s < timeout_s) {
    if (auto status = child.wait(Seconds(signal_after_s))) return *status;
    child.signal(signo);
  }
  if (auto status = child.wait(Seconds(timeout_s) - (std::chrono::steady_clock::now() - start))) return *status;
  child.kill_and_reap();
  return -1;
}

}  // namespace

CliResult run_slowfast(const std::vector<std::string>& args, const std::vector<std::string>& env,
                       double timeout_s, double signal_after_s, int signo) {
  TempDir dir("slowfast-cli");
  std::vector<std::string> argv = {bin_dir() + "/slowfast"};
  argv.insert(argv.end(), args.begin(), args.end());
  ChildOptions options;
  options.stdout_file = (dir / "out").string();
  options.stderr_file = (dir / "err").string();
  options.environment = child_env(env);
  ChildProcess child(argv, options);

  CliResult result;
  result.exit_code = wait_for(child, timeout_s, signal_after_s, signo);
  result.out = read_file(dir / "out");
  result.err = read_file(dir / "err");
  return result;
}

}  // namespace slowfast::testing
