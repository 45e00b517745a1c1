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

// labs/, where the stages' requirements.txt and expected.txt are.
std::filesystem::path labs_dir();
// The name of stage N's environment for env(): "stage2".
std::string stage_env(int stage);

class FetchFixture {
 public:
  // Starts the server and makes every stage's environment but the host's, named
  // stage_env(N), in a scratch directory.
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
