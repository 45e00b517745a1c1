#include "spawned_server.h"

#include <chrono>
#include <stdexcept>
#include <thread>

#include "slowfast/files.h"

namespace slowfast::server {
namespace {

std::vector<std::string> server_argv(const std::filesystem::path& binary, const std::filesystem::path& ready,
                                     const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {binary.string(), "--https-port", "0", "--http-port", "0",
                                   "--ready-file", ready.string()};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  return argv;
}

ChildOptions stderr_to(const std::filesystem::path& log) {
  ChildOptions options;
  options.stderr_file = log.string();
  return options;
}

}  // namespace

SpawnedServer::SpawnedServer(const std::filesystem::path& binary, const std::vector<std::string>& extra_args)
    : dir_("slowfast-server"),
      process_(server_argv(binary, dir_ / "ready", extra_args), stderr_to(dir_ / "stderr")) {}

void SpawnedServer::wait_until_ready() {
  using namespace std::chrono_literals;
  for (auto deadline = std::chrono::steady_clock::now() + 10s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(10ms)) {
    if (auto ports = parse_ready_file(read_file(dir_ / "ready"))) {
      ports_ = *ports;
      return;
    }
    if (process_.poll()) throw std::runtime_error("the delay server did not start: " + log_text());
  }
  process_.kill_and_reap();
  throw std::runtime_error("the delay server was not ready within 10 s: " + log_text());
}

std::string SpawnedServer::log_text() const { return read_file(dir_ / "stderr"); }

}  // namespace slowfast::server
