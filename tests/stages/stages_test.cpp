// The stages as a workshop attendee runs them: `slowfast lab` against its own server,
// every stage x runtime at delay 0.2 s, N = 8, checked against the story's table.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server_process.h"
#include "shell.h"
#include "slowfast/build_dir.h"
#include "slowfast/files.h"
#include "slowfast/temp_dir.h"

namespace slowfast::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

struct LabRun {
  int exit_code = -1;
  std::string output;
  json stages;
};

class Stages : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "host-empty");
    fs::create_directories(dir_ / "host-pyopenssl");
    fs::copy_file(build_dir() / "modules" / "blocking_tls-1.0.so",
                  dir_ / "host-pyopenssl" / "blocking_tls-1.0.so");
  }

  // Runs `slowfast lab ARGS` with stage 0's host module path set to `host`.
  LabRun lab(const std::string& args, const fs::path& host) {
    fs::path out = dir_ / "out";
    fs::remove_all(out);
    ShellResult shell = run_shell("SLOWFAST_PATH=" + host.string() + " " + bin_dir() +
                                  "/slowfast lab -n 8 --delay 0.2 --out " + out.string() + " " + args);
    LabRun run{shell.exit_code, shell.output, {}};
    std::ifstream in(out / "stages.json");
    if (in) run.stages = json::parse(in);
    return run;
  }

  static std::string verdict(const json& stages, int stage, const std::string& variant,
                             const std::string& runtime) {
    for (const json& c : stages["cells"])
      if (c["stage"] == stage && c["variant"] == variant && c["runtime"] == runtime)
        return c["verdict"];
    return "missing";
  }

  TempDir temp_{"slowfast-stages"};
  const fs::path dir_ = temp_.path();
};

TEST_F(Stages, EveryStageShowsTheStorysVerdicts) {
  LabRun run = lab("", dir_ / "host-empty");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ASSERT_TRUE(run.stages.contains("cells")) << run.output;
  EXPECT_EQ(run.stages["n"], 8);
  // The story's table (the 2019 original's), written out here rather than read from the labs.
  const std::map<int, std::pair<std::string, std::string>> story = {
      {0, {"fast", "fast"}}, {1, {"fast", "fast"}}, {2, {"slow", "slow"}},
      {3, {"fast", "slow"}}, {4, {"fast", "fast"}}};
  for (const auto& [stage, verdicts] : story) {
    EXPECT_EQ(verdict(run.stages, stage, "uv-nonblocking", "py27"), verdicts.first) << "stage " << stage;
    EXPECT_EQ(verdict(run.stages, stage, "uv-nonblocking", "py37"), verdicts.second) << "stage " << stage;
  }
  EXPECT_EQ(verdict(run.stages, 0, "blocking", "any"), "slow");
  EXPECT_EQ(verdict(run.stages, 0, "uv-threadpool", "any"), "mixed");
  for (const json& c : run.stages["cells"]) {
    EXPECT_EQ(c["valid"], 8) << c.dump();
    EXPECT_EQ(c["verdict"], c["expected"]) << c.dump();
  }
  EXPECT_EQ(run.stages["cells"].size(), 12u);
  EXPECT_TRUE(fs::exists(dir_ / "out" / "stages.md"));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "environment.md"));
  // One waterfall per cell, linked from stages.md; the watchdog (on by default, 100 ms)
  // sees a stall per request in the slow loops and none in the fast ones.
  std::string md = read_file(dir_ / "out" / "stages.md");
  for (const json& c : run.stages["cells"]) {
    std::string svg = c["waterfall"];
    EXPECT_TRUE(fs::exists(dir_ / "out" / svg)) << svg;
    EXPECT_NE(md.find("(" + svg + ")"), std::string::npos) << svg;
    if (c["variant"] != "uv-nonblocking") continue;
    if (c["verdict"] == "slow") {
      EXPECT_GE(c["stalls"], 7) << c.dump();
    } else if (c["verdict"] == "fast") {
      EXPECT_EQ(c["stalls"], 0) << c.dump();
    }
  }
  EXPECT_NE(run.output.find("Loop stalls (watchdog"), std::string::npos) << run.output;
}

TEST_F(Stages, StageZeroDependsOnWhatIsInstalled) {
  LabRun bare = lab("--stage 0", dir_ / "host-empty");
  LabRun with_pyopenssl = lab("--stage 0", dir_ / "host-pyopenssl");
  ASSERT_EQ(bare.exit_code, 0) << bare.output;
  ASSERT_EQ(with_pyopenssl.exit_code, 0) << with_pyopenssl.output;
  for (const char* rt : {"py27", "py37"}) {
    EXPECT_EQ(verdict(bare.stages, 0, "uv-nonblocking", rt), "fast") << rt;
    EXPECT_EQ(verdict(with_pyopenssl.stages, 0, "uv-nonblocking", rt), "slow") << rt;
  }
}

TEST_F(Stages, AStageAskingForAModuleThatIsNotBuiltStopsWithAClearError) {
  fs::copy(fs::path(SLOWFAST_SOURCE_DIR) / "labs", dir_ / "labs", fs::copy_options::recursive);
  std::ofstream(dir_ / "labs" / "stage2" / "requirements.txt") << "blocking_tls==9.9\n";
  LabRun run = lab("--stage 2 --labs " + (dir_ / "labs").string(), dir_ / "host-empty");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("blocking_tls==9.9"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace slowfast::testing
