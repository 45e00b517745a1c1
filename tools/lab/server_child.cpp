#include "server_child.h"

#include <signal.h>

#include <csignal>

namespace slowfast::lab {
namespace {

volatile sig_atomic_t g_child = -1;

// Ctrl-C during a lab: stop the server first, then leave as SIGINT would.
extern "C" void on_interrupt(int sig) {
  if (g_child > 0) kill(g_child, SIGTERM);
  signal(sig, SIG_DFL);
  raise(sig);
}

void forget_child() {
  g_child = -1;
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace

ServerChild::ServerChild(const std::filesystem::path& server_binary, const std::filesystem::path& certs_dir)
    : server_(server_binary, {"--certs", certs_dir.string()}) {
  g_child = server_.process().pid();
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  try {
    server_.wait_until_ready();
  } catch (...) {
    forget_child();
    throw;
  }
}

ServerChild::~ServerChild() {
  if (!server_.process().terminate(std::chrono::seconds(5))) server_.process().kill_and_reap();
  forget_child();
}

}  // namespace slowfast::lab
