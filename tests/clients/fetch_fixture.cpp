#include "fetch_fixture.h"

#include <fstream>

#include "slowfast/build_dir.h"

#include "lab/stage_env.h"
#include "lab/stage_table.h"

namespace slowfast::testing {
namespace fs = std::filesystem;

FetchFixture::FetchFixture() : server_(std::make_unique<ServerProcess>()), dir_("slowfast-fetch") {
  // Built as the lab builds them, from labs/stageN/requirements.txt.
  for (int number : lab::stage_numbers(labs_dir())) {
    lab::Stage stage = lab::read_stage(labs_dir(), number);
    if (!stage.is_host()) lab::build_environment(dir_ / stage_env(number), stage.requirements, build_dir() / "modules");
  }
}

std::filesystem::path labs_dir() { return fs::path(SLOWFAST_SOURCE_DIR) / "labs"; }

std::string stage_env(int stage) { return "stage" + std::to_string(stage); }

FetchRun FetchFixture::fetch(int n, const std::vector<std::string>& args,
                             const std::vector<std::string>& environment) {
  fs::path file = dir_ / ("run-" + std::to_string(runs_++) + ".json");
  std::vector<std::string> all = {"fetch", "-n", std::to_string(n), "--json", file.string()};
  all.insert(all.end(), args.begin(), args.end());
  FetchRun run{run_slowfast(all, environment), nullptr};
  if (fs::exists(file)) run.j = nlohmann::json::parse(std::ifstream(file));
  return run;
}

}  // namespace slowfast::testing
