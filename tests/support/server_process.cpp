#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "slowfast/lab_certs.h"

namespace slowfast::testing {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string bin_dir() { return fs::read_symlink("/proc/self/exe").parent_path().string(); }

std::string lab_ca_file() { return LabCertPaths{default_lab_certs_dir()}.ca_pem().string(); }

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> extra_args) {
  char tmpl[] = "/tmp/slowfast-test-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  std::string ready = dir_ + "/ready";
  std::vector<std::string> args = {bin_dir() + "/slowfast-server", "--https-port", "0",
                                   "--http-port", "0", "--ready-file", ready};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // fork + exec rather than posix_spawn, for PR_SET_PDEATHSIG: a test that dies (a
  // ctest timeout, a crash) takes its server with it. The child only makes
  // async-signal-safe calls before exec. The signal follows the forking thread: tests
  // make their servers on the main thread.
  std::string err_log = dir_ + "/stderr";
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("cannot start " + args[0]);
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(0);
    int out = open("/dev/null", O_WRONLY);
    int err = open(err_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, 1);
    dup2(err, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }

  static const std::regex line(R"(https=[^ ]*:(\d+) http=[^ ]*:(\d+))");
  for (auto deadline = std::chrono::steady_clock::now() + 10s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(10ms)) {
    std::smatch m;
    std::string text = read_file(ready);
    if (std::regex_search(text, m, line)) {
      https_port_ = std::stoi(m[1]);
      http_port_ = std::stoi(m[2]);
      return;
    }
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("slowfast-server exited at start: " + stderr_text());
    }
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  throw std::runtime_error("slowfast-server not ready within 10 s: " + stderr_text());
}

ServerProcess::~ServerProcess() {
  // Every test also checks that the server stops cleanly: a sanitizer report or a leak
  // in the server shows up here as a non-zero exit.
  if (pid_ > 0) {
    int rc = terminate_and_wait(5);
    if (rc == -1) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      ADD_FAILURE() << "slowfast-server did not stop within 5 s of SIGTERM";
    } else if (rc != 0) {
      ADD_FAILURE() << "slowfast-server exited with " << rc << ":\n" << stderr_text();
    }
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

int ServerProcess::terminate_and_wait(double timeout_s) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(10ms);
  }
  return -1;
}

std::string ServerProcess::stderr_text() const { return read_file(dir_ + "/stderr"); }

std::string ServerProcess::https_url(const std::string& path) const {
  return "https://127.0.0.1:" + std::to_string(https_port_) + path;
}

std::string ServerProcess::http_url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(http_port_) + path;
}

}  // namespace slowfast::testing
