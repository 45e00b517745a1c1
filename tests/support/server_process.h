// Starts the real slowfast-server as a child process on free loopback ports, for
// integration tests. The destructor stops it (SIGTERM, then SIGKILL after 5 s) and
// fails the test unless it exited 0: a test only ever ends the process it started.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include "spawned_server.h"

namespace slowfast::testing {

class ServerProcess {
 public:
  // `extra_args` are appended to "--https-port 0 --http-port 0 --ready-file F".
  // Throws std::runtime_error when the server does not come up within 10 s.
  explicit ServerProcess(std::vector<std::string> extra_args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int https_port() const { return server_.https_port(); }
  int http_port() const { return server_.http_port(); }
  pid_t pid() const { return server_.process().pid(); }
  std::string https_url(const std::string& path) const;
  std::string http_url(const std::string& path) const;

  // Sends SIGTERM and waits up to `timeout_s`; returns the exit status (or -1 on timeout).
  int terminate_and_wait(double timeout_s);
  // What the server wrote to stderr so far.
  std::string stderr_text() const;

 private:
  server::SpawnedServer server_;
};

// build/bin, found from the test binary's own location (tests are in build/bin too).
std::string bin_dir();
// The lab CA the server uses by default.
std::string lab_ca_file();

}  // namespace slowfast::testing
