#include "server_process.h"

#include <gtest/gtest.h>

#include "slowfast/build_dir.h"
#include "slowfast/lab_certs.h"

namespace slowfast::testing {

std::string bin_dir() { return (build_dir() / "bin").string(); }

std::string lab_ca_file() { return LabCertPaths{default_lab_certs_dir()}.ca_pem().string(); }

// The server's death signal follows the forking thread: tests make their servers on
// the main thread.
ServerProcess::ServerProcess(std::vector<std::string> extra_args)
    : server_(bin_dir() + "/slowfast-server", extra_args) {
  server_.wait_until_ready();
}

ServerProcess::~ServerProcess() {
  // Every test also checks that the server stops cleanly: a sanitizer report or a leak
  // in the server shows up here as a non-zero exit.
  if (!server_.process().running()) return;
  int rc = terminate_and_wait(5);
  if (rc == -1) {
    server_.process().kill_and_reap();
    ADD_FAILURE() << "slowfast-server did not stop within 5 s of SIGTERM";
  } else if (rc != 0) {
    ADD_FAILURE() << "slowfast-server exited with " << rc << ":\n" << stderr_text();
  }
}

int ServerProcess::terminate_and_wait(double timeout_s) {
  if (!server_.process().running()) return -1;
  return server_.process().terminate(ChildProcess::Seconds(timeout_s)).value_or(-1);
}

std::string ServerProcess::stderr_text() const { return server_.log_text(); }

std::string ServerProcess::https_url(const std::string& path) const {
  return "https://127.0.0.1:" + std::to_string(https_port()) + path;
}

std::string ServerProcess::http_url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(http_port()) + path;
}

}  // namespace slowfast::testing
