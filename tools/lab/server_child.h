// The lab's own delay server: build/bin/slowfast-server started as a child process on
// free loopback ports, stopped when this object goes - and also when the lab is
// interrupted (Ctrl-C) or dies (the child gets SIGTERM through PR_SET_PDEATHSIG).
#pragma once
#include <sys/types.h>

#include <filesystem>
#include <string>

namespace slowfast::lab {

class ServerChild {
 public:
  // Throws std::runtime_error with the server's own error line when it fails to start.
  ServerChild(const std::filesystem::path& server_binary, const std::filesystem::path& certs_dir);
  ~ServerChild();
  ServerChild(const ServerChild&) = delete;
  ServerChild& operator=(const ServerChild&) = delete;

  int https_port() const { return https_port_; }
  int http_port() const { return http_port_; }

 private:
  pid_t pid_ = -1;
  int https_port_ = -1;
  int http_port_ = -1;
  std::filesystem::path dir_;
};

}  // namespace slowfast::lab
