// The stages as a workshop attendee runs them: `slowfast lab` against its own server,
// at delay 0.2 s, N = 8, one test per stage (named .../stageN, so CTest labels it
// stageN for `make check-stageN`). What each must show is labs/stageN/expected.txt,
// read with the lab's own reader: the story's table is written there and only there.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lab/lab_run.h"
#include "lab/stage_env.h"
#include "lab/stage_table.h"
#include "server_process.h"
#include "shell.h"
#include "slowfast/build_dir.h"
#include "slowfast/files.h"
#include "slowfast/temp_dir.h"

namespace slowfast::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kLabs = fs::path(SLOWFAST_SOURCE_DIR) / "labs";
constexpr int kN = 8;

struct LabRun {
  int exit_code = -1;
  std::string output;
  json stages;
};

// The stage that installs nothing besides the host: the host run with nothing
// installed must show its verdicts.
lab::Stage bare_stage() {
  for (int number : lab::stage_numbers(kLabs)) {
    lab::Stage stage = lab::read_stage(kLabs, number);
    if (!stage.is_host() && stage.requirements.empty()) return stage;
  }
  throw std::runtime_error("no stage in " + kLabs.string() + " installs nothing");
}

std::vector<int> stages_with_an_environment() {
  std::vector<int> out;
  for (int number : lab::stage_numbers(kLabs))
    if (number != lab::kHostStage) out.push_back(number);
  return out;
}

class Lab : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_ / "host-empty"); }

  // A module directory holding stage `number`'s environment, built as the lab builds it.
  fs::path environment_of(int number) {
    fs::path env = dir_ / ("env-stage" + std::to_string(number));
    lab::build_environment(env, lab::read_stage(kLabs, number).requirements, build_dir() / "modules");
    return env;
  }

  // Runs `slowfast lab ARGS` with stage 0's host module path set to `host`.
  LabRun lab(const std::string& args, const fs::path& host) {
    fs::path out = dir_ / "out";
    fs::remove_all(out);
    ShellResult shell = run_shell("SLOWFAST_PATH=" + host.string() + " " + bin_dir() + "/slowfast lab -n " +
                                  std::to_string(kN) + " --delay 0.2 --out " + out.string() + " " + args);
    LabRun run{shell.exit_code, shell.output, {}};
    std::ifstream in(out / "stages.json");
    if (in) run.stages = json::parse(in);
    return run;
  }

  // `env`: stage 0 runs on the host and on the laptop; the other stages have env "".
  static std::string verdict(const json& stages, int stage, const std::string& variant,
                             const std::string& runtime, const std::string& env = "") {
    std::string want_env = env.empty() && stage == lab::kHostStage ? "host" : env;
    for (const json& c : stages["cells"])
      if (c["stage"] == stage && c["env"] == want_env && c["variant"] == variant && c["runtime"] == runtime)
        return c["verdict"];
    return "missing";
  }

  // Whatever stages ran: every page valid, every verdict the expected one, one waterfall
  // per cell, linked from stages.md; the watchdog (on by default, 100 ms) sees a stall
  // per request in the slow loops and none in the fast ones.
  void expect_every_cell_as_expected(const LabRun& run) {
    EXPECT_TRUE(fs::exists(dir_ / "out" / "stages.md"));
    EXPECT_TRUE(fs::exists(dir_ / "out" / "environment.md"));
    const std::string md = read_file(dir_ / "out" / "stages.md");
    for (const json& c : run.stages["cells"]) {
      EXPECT_EQ(c["valid"], kN) << c.dump();
      EXPECT_EQ(c["verdict"], c["expected"]) << c.dump();
      std::string svg = c["waterfall"];
      EXPECT_TRUE(fs::exists(dir_ / "out" / svg)) << svg;
      EXPECT_NE(md.find("(" + svg + ")"), std::string::npos) << svg;
      if (c["variant"] != "uv-nonblocking") continue;
      if (c["verdict"] == "slow") {
        EXPECT_GE(c["stalls"], kN - 1) << c.dump();
      } else if (c["verdict"] == "fast") {
        EXPECT_EQ(c["stalls"], 0) << c.dump();
      }
    }
    EXPECT_NE(run.output.find("Loop stalls (watchdog"), std::string::npos) << run.output;
  }

  TempDir temp_{"slowfast-stages"};
  const fs::path dir_ = temp_.path();
};

std::string stage_name(const ::testing::TestParamInfo<int>& info) { return "stage" + std::to_string(info.param); }

class LabStage : public Lab, public ::testing::WithParamInterface<int> {};

TEST_P(LabStage, ShowsTheVerdictsOfItsExpectedTxt) {
  lab::Stage stage = lab::read_stage(kLabs, GetParam());
  // The host is run with nothing installed: it must show what the bare stage expects.
  lab::Stage story = stage.is_host() ? bare_stage() : stage;
  ASSERT_FALSE(story.expected.empty()) << "stage " << story.number << ": expected.txt states nothing";
  LabRun run = lab("--stage " + std::to_string(stage.number), dir_ / "host-empty");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ASSERT_TRUE(run.stages.contains("cells")) << run.output;
  EXPECT_EQ(run.stages["n"], kN);
  for (const auto& [runtime, expected] : story.expected)
    EXPECT_EQ(verdict(run.stages, stage.number, "uv-nonblocking", runtime), to_string(expected)) << runtime;
  size_t cells = story.expected.size();
  if (stage.is_host()) {  // the three clients side by side
    EXPECT_EQ(verdict(run.stages, stage.number, "blocking", "any"), "slow");
    EXPECT_EQ(verdict(run.stages, stage.number, "uv-threadpool", "any"), "mixed");
    cells += 2;
    // The laptop of the story, whatever the host has: py27 slow, py37 fast.
    EXPECT_EQ(verdict(run.stages, stage.number, "uv-nonblocking", "py27", lab::kLaptopEnv), "slow");
    EXPECT_EQ(verdict(run.stages, stage.number, "uv-nonblocking", "py37", lab::kLaptopEnv), "fast");
    cells += 2;
  }
  EXPECT_EQ(run.stages["cells"].size(), cells);
  expect_every_cell_as_expected(run);
}

INSTANTIATE_TEST_SUITE_P(Stages, LabStage, ::testing::ValuesIn(lab::stage_numbers(kLabs)), stage_name);

// Stage 0 depends on what is installed: a host with stage K's environment shows stage
// K's verdicts (named stage0_as_stageK: a test of stage 0).
class HostWith : public Lab, public ::testing::WithParamInterface<int> {};

TEST_P(HostWith, TheModulesOfAStageShowsThatStagesVerdicts) {
  lab::Stage stage = lab::read_stage(kLabs, GetParam());
  LabRun run = lab("--stage " + std::to_string(lab::kHostStage), environment_of(stage.number));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const auto& [runtime, expected] : stage.expected)
    EXPECT_EQ(verdict(run.stages, lab::kHostStage, "uv-nonblocking", runtime), to_string(expected)) << runtime;
}

INSTANTIATE_TEST_SUITE_P(Stages, HostWith, ::testing::ValuesIn(stages_with_an_environment()),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return "stage" + std::to_string(lab::kHostStage) + "_as_stage" + std::to_string(info.param);
                         });

TEST_F(Lab, RunsEveryStageByDefault) {
  LabRun run = lab("", dir_ / "host-empty");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ASSERT_TRUE(run.stages.contains("cells")) << run.output;
  std::vector<int> stages = lab::stage_numbers(kLabs);
  std::set<int> ran;
  for (const json& c : run.stages["cells"]) ran.insert(c["stage"].get<int>());
  EXPECT_EQ(ran, std::set<int>(stages.begin(), stages.end()));
  // Both runtimes per stage, the host's blocking and threadpool clients, the laptop's
  // two runtimes.
  EXPECT_EQ(run.stages["cells"].size(), 2 * stages.size() + 2 + 2);
  expect_every_cell_as_expected(run);
}

// --repeat 3 on stage 3 (one fast cell, one slow): every cell ran three times, shows the
// median with its min-max, and its verdict is the median's; the JSON carries the runs
// and the environment the lab ran in, foreign CPU included.
TEST_F(Lab, RepeatedCellsReportTheirMedianSpreadAndEnvironment) {
  LabRun run = lab("--stage 3 --repeat 3", dir_ / "host-empty");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ASSERT_TRUE(run.stages.contains("cells")) << run.output;
  EXPECT_EQ(run.stages["repeat"], 3);
  ASSERT_EQ(run.stages["cells"].size(), 2u);
  for (const json& c : run.stages["cells"]) {
    std::vector<double> runs = c["runs_s"];
    ASSERT_EQ(runs.size(), 3u) << c.dump();
    std::sort(runs.begin(), runs.end());
    EXPECT_DOUBLE_EQ(c["total_s"].get<double>(), runs[1]) << c.dump();
    EXPECT_DOUBLE_EQ(c["min_s"].get<double>(), runs[0]) << c.dump();
    EXPECT_DOUBLE_EQ(c["max_s"].get<double>(), runs[2]) << c.dump();
    EXPECT_EQ(c["unstable"].get<bool>(), c["spread"].get<double>() > 0.10) << c.dump();
    EXPECT_EQ(c["verdict"], c["expected"]) << c.dump();
  }
  const json& env = run.stages["environment"];
  for (const char* key : {"cpu", "cores", "kernel", "compiler", "openssl", "libuv", "cpp-httplib", "git_commit", "date"})
    EXPECT_TRUE(env.contains(key) && !env[key].get<std::string>().empty()) << key << ": " << env.dump();
  // The lab runs from this source tree: a git checkout names its commit; a tree without
  // its .git (the container image's copy) says "unknown" rather than guess.
  if (fs::exists(fs::path(SLOWFAST_SOURCE_DIR) / ".git"))
    EXPECT_NE(env["git_commit"], "unknown") << "the lab runs from this checkout";
  else
    EXPECT_EQ(env["git_commit"], "unknown");
  ASSERT_TRUE(env.contains("foreign_cpu")) << env.dump();
  EXPECT_GE(env["foreign_cpu"]["core_s"].get<double>(), 0);
  EXPECT_GT(env["foreign_cpu"]["own_core_s"].get<double>(), 0) << "the lab's own TLS work";
  // Three runs of 8 x 0.2 s one at a time (py37) and three of one round (py27): 5.4 s.
  EXPECT_GT(env["foreign_cpu"]["wall_s"].get<double>(), 5);
  const std::string md = read_file(dir_ / "out" / "stages.md");
  EXPECT_NE(md.find("Environment: "), std::string::npos) << md;
  EXPECT_NE(md.find("Foreign CPU during the run"), std::string::npos) << md;
  EXPECT_NE(md.find("the median total of 3 runs"), std::string::npos) << md;
  EXPECT_NE(md.find(fmt::format("| 3 | blocking_tls-1.0 coop_shim-1.2 | {:.3f} s ({:.3f}-{:.3f})",
                                run.stages["cells"][0]["total_s"].get<double>(),
                                run.stages["cells"][0]["min_s"].get<double>(),
                                run.stages["cells"][0]["max_s"].get<double>())),
            std::string::npos)
      << md;
}

// Predict, then reveal: ??? cells, a guess per cell from stdin (an unknown word is asked
// again), the run, and the score against what the run showed.
TEST_F(Lab, PredictScoresTheGuessesAgainstTheRun) {
  ShellResult run = run_shell("printf 'fast\\nperhaps\\nfast\\n' | " + bin_dir() + "/slowfast lab --predict --stage 3 -n " +
                              std::to_string(kN) + " --delay 0.2");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("| 3 | ??? | ??? |"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("(one of fast, slow, mixed)"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("stage 3 py27: you said fast, it was fast ✓"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("stage 3 py37: you said fast, it was slow ✗"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("1 of 2 right."), std::string::npos) << run.output;
  // Out of guesses: a clear error, no run.
  ShellResult short_of_guesses = run_shell("printf 'fast\\n' | " + bin_dir() + "/slowfast lab --predict --stage 3");
  EXPECT_EQ(short_of_guesses.exit_code, 2) << short_of_guesses.output;
  EXPECT_NE(short_of_guesses.output.find("--predict reads one guess per cell"), std::string::npos)
      << short_of_guesses.output;
  EXPECT_EQ(short_of_guesses.output.find("uv-nonblocking py27 ..."), std::string::npos) << short_of_guesses.output;
}

TEST_F(Lab, PrepareBuildsTheEnvironmentsAndRunsNothing) {
  LabRun run = lab("--prepare --stage 3", dir_ / "host-empty");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const fs::path env = build_dir() / "labs" / "stage3" / "modules";
  EXPECT_NE(run.output.find("stage 3: " + env.string() + "\n"), std::string::npos) << run.output;
  for (const lab::Requirement& r : lab::read_stage(kLabs, 3).requirements)
    EXPECT_TRUE(fs::exists(env / r.file_name())) << r.file_name();
  EXPECT_EQ(run.output.find("uv-nonblocking"), std::string::npos) << "no cell ran: " << run.output;
  EXPECT_FALSE(run.stages.contains("cells")) << "no results written";
}

TEST_F(Lab, AStageAskingForAModuleThatIsNotBuiltStopsWithAClearError) {
  fs::copy(kLabs, dir_ / "labs", fs::copy_options::recursive);
  std::ofstream(dir_ / "labs" / "stage2" / "requirements.txt") << "blocking_tls==9.9\n";
  LabRun run = lab("--stage 2 --labs " + (dir_ / "labs").string(), dir_ / "host-empty");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("blocking_tls==9.9"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace slowfast::testing
