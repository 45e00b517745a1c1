// What the CLI integration suites share: one delay server per suite, the stage
// environments of the story as module directories, and `slowfast fetch` runs whose
// --json document comes back parsed.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_process.h"
#include "server_process.h"
#include "slowfast/temp_dir.h"

namespace slowfast::testing {

struct FetchRun {
  CliResult cli;
  nlohmann::json j;  // the --json document (null when none was written)
};

class FetchFixture {
 public:
  // Starts the server and makes the environments "none", "blocking_tls", "shim12"
  // (+ coop_shim 1.2) and "shim13" (+ coop_shim 1.3) in a scratch directory.
  FetchFixture();
  FetchFixture(const FetchFixture&) = delete;
  FetchFixture& operator=(const FetchFixture&) = delete;

  const ServerProcess& server() const { return *server_; }
  // A scratch directory, removed with the fixture.
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::string env(const std::string& name) const { return (dir_ / name).string(); }

  // `slowfast fetch -n N ARGS --json F`, with F parsed; `environment` as run_slowfast.
  FetchRun fetch(int n, const std::vector<std::string>& args,
                 const std::vector<std::string>& environment = {});

 private:
  std::unique_ptr<ServerProcess> server_;
  TempDir dir_;
  int runs_ = 0;
};

}  // namespace slowfast::testing
