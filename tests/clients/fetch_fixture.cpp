#include "fetch_fixture.h"

#include <fstream>

#include "slowfast/build_dir.h"

namespace slowfast::testing {
namespace fs = std::filesystem;

FetchFixture::FetchFixture() : server_(std::make_unique<ServerProcess>()), dir_("slowfast-fetch") {
  const std::pair<const char*, std::vector<const char*>> envs[] = {
      {"none", {}},
      {"blocking_tls", {"blocking_tls-1.0.so"}},
      {"shim12", {"blocking_tls-1.0.so", "coop_shim-1.2.so"}},
      {"shim13", {"blocking_tls-1.0.so", "coop_shim-1.3.so"}}};
  for (const auto& [name, files] : envs) {
    fs::create_directories(dir_ / name);
    for (const char* f : files) fs::copy_file(build_dir() / "modules" / f, dir_ / name / f);
  }
}

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
