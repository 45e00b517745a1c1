// The lab's own delay server: build/bin/slowfast-server started as a child process on
// free loopback ports, stopped when this object goes - and also when the lab is
// interrupted (Ctrl-C) or dies (the child gets SIGTERM through PR_SET_PDEATHSIG).
#pragma once
#include <filesystem>

#include "spawned_server.h"

namespace slowfast::lab {

class ServerChild {
 public:
  // Throws std::runtime_error with the server's own error line when it fails to start.
  ServerChild(const std::filesystem::path& server_binary, const std::filesystem::path& certs_dir);
  ~ServerChild();
  ServerChild(const ServerChild&) = delete;
  ServerChild& operator=(const ServerChild&) = delete;

  int https_port() const { return server_.https_port(); }
  int http_port() const { return server_.http_port(); }

 private:
  server::SpawnedServer server_;
};

}  // namespace slowfast::lab
