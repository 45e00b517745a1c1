// slowfast-server started as a child process on free loopback ports (port 0 for both
// listeners), for the tests, the lab and the benchmarks: it is up once its ready file
// names the ports. Its stdout goes to /dev/null, its stderr to a log in a scratch
// directory that goes with this object. The child dies with this process
// (PR_SET_PDEATHSIG) and is killed with this object if still running; stopping it
// gracefully is the owner's call (process().terminate).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "ready_file.h"
#include "slowfast/child_process.h"
#include "slowfast/temp_dir.h"

namespace slowfast::server {

class SpawnedServer {
 public:
  // Starts `binary --https-port 0 --http-port 0 --ready-file F extra_args...` and returns
  // at once; wait_until_ready() then waits for it.
  SpawnedServer(const std::filesystem::path& binary, const std::vector<std::string>& extra_args);

  // Polls the ready file for 10 s at most. Throws std::runtime_error carrying the
  // server's log when it exits first or (killed then) when the time runs out.
  void wait_until_ready();

  int https_port() const { return ports_.https; }
  int http_port() const { return ports_.http; }
  ChildProcess& process() { return process_; }
  const ChildProcess& process() const { return process_; }
  // What the server wrote to stderr so far.
  std::string log_text() const;

 private:
  TempDir dir_;  // declared first: the child is reaped before its directory goes
  ChildProcess process_;
  ListeningPorts ports_;
};

}  // namespace slowfast::server
