#include "server_child.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace slowfast::lab {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

volatile sig_atomic_t g_child = -1;

// Ctrl-C during a lab: stop the server first, then leave as SIGINT would.
extern "C" void on_interrupt(int sig) {
  if (g_child > 0) kill(g_child, SIGTERM);
  signal(sig, SIG_DFL);
  raise(sig);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

ServerChild::ServerChild(const fs::path& server_binary, const fs::path& certs_dir) {
  char tmpl[] = "/tmp/slowfast-lab-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  std::vector<std::string> args = {server_binary.string(), "--https-port", "0", "--http-port",
                                   "0", "--certs", certs_dir.string(), "--ready-file",
                                   (dir_ / "ready").string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string log = (dir_ / "server.log").string();
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(0);  // the lab died before the prctl
    int out = open("/dev/null", O_WRONLY);
    int err = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, 1);
    dup2(err, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  g_child = pid_;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);

  static const std::regex ports(R"(https=[^ ]*:(\d+) http=[^ ]*:(\d+))");
  for (auto deadline = std::chrono::steady_clock::now() + 10s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(10ms)) {
    std::smatch m;
    std::string ready = slurp(dir_ / "ready");
    if (std::regex_search(ready, m, ports)) {
      https_port_ = std::stoi(m[1]);
      http_port_ = std::stoi(m[2]);
      return;
    }
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      g_child = -1;
      throw std::runtime_error("the delay server did not start: " + slurp(log));
    }
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  g_child = -1;
  throw std::runtime_error("the delay server was not ready within 10 s: " + slurp(log));
}

ServerChild::~ServerChild() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    bool reaped = false;
    for (int i = 0; i < 500 && !(reaped = waitpid(pid_, nullptr, WNOHANG) == pid_); ++i)
      std::this_thread::sleep_for(10ms);
    if (!reaped) {  // not gone within 5 s of SIGTERM
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  g_child = -1;
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

}  // namespace slowfast::lab
