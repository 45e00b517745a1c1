// The lab runner's pieces that need no server: requirements, expected verdicts, the
// stage table in labs/, environments, expectations.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lab/expectations.h"
#include "lab/requirements.h"
#include "lab/stage_env.h"
#include "lab/stage_table.h"
#include "slowfast/temp_dir.h"

namespace slowfast::lab {
namespace {
namespace fs = std::filesystem;

const fs::path kLabs = fs::path(SLOWFAST_SOURCE_DIR) / "labs";

class InTempDir : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& text) { return temp_.write(name, text); }
  TempDir temp_{"slowfast-lab-unit"};
  const fs::path dir_ = temp_.path();
};

using Requirements = InTempDir;
using Environment = InTempDir;

TEST_F(Requirements, PinnedLinesCommentsAndBlanks) {
  auto reqs = read_requirements(write("r.txt", "# stage 3\n\nblocking_tls==1.0\n  coop_shim == 1.2  # shim\n"));
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].file_name(), "blocking_tls-1.0.so");
  EXPECT_EQ(reqs[1].id(), "coop_shim-1.2");
}

TEST_F(Requirements, AnUnpinnedLineIsAnErrorNamingTheLine) {
  try {
    read_requirements(write("r.txt", "blocking_tls==1.0\ncoop_shim>=1.2\n"));
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("r.txt:2"), std::string::npos) << e.what();
  }
}

TEST_F(Requirements, ALocalVersionLabelIsPartOfTheVersion) {
  auto reqs = read_requirements(write("r.txt", "coop_shim==1.2+recv_into\n"));
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].file_name(), "coop_shim-1.2+recv_into.so");
}

TEST_F(Requirements, RuntimeMarkersSayWhichRuntimeALineIsFor) {
  auto reqs = read_requirements(write("r.txt", "blocking_tls==1.0 ; runtime == \"py27\"\n"
                                               "coop_shim==1.2;runtime!=\"py27\"\nother==2.0\n"));
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_TRUE(has_markers(reqs));
  auto ids = [](const std::vector<Requirement>& rs) {
    std::string out;
    for (const Requirement& r : rs) out += r.id() + " ";
    return out;
  };
  EXPECT_EQ(ids(for_runtime(reqs, Runtime::kPy27)), "blocking_tls-1.0 other-2.0 ");
  EXPECT_EQ(ids(for_runtime(reqs, Runtime::kPy37)), "coop_shim-1.2 other-2.0 ");
  EXPECT_FALSE(has_markers(read_requirements(write("plain.txt", "blocking_tls==1.0\n"))));
  try {
    read_requirements(write("bad.txt", "blocking_tls==1.0 ; runtime == \"py39\"\n"));
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.txt:1: unknown runtime \"py39\""), std::string::npos) << e.what();
  }
}

using StageFiles = InTempDir;

TEST_F(StageFiles, StagesAreTheStageDirectoriesInOrder) {
  for (const char* d : {"stage10", "stage2", "stage0", "stagex", "notes"}) fs::create_directories(dir_ / d);
  write("stage3", "a file, not a stage");
  EXPECT_EQ(stage_numbers(dir_), (std::vector<int>{0, 2, 10}));
  EXPECT_TRUE(stage_numbers(dir_ / "missing").empty());
}

TEST_F(StageFiles, ExpectedLinesCommentsAndBlanks) {
  auto expected = read_expected(write("e.txt", "# stage 3\n\npy27 fast\n  py37 slow  # recv_into\n"));
  EXPECT_EQ(expected, (std::map<std::string, Verdict>{{"py27", Verdict::kFast}, {"py37", Verdict::kSlow}}));
}

TEST_F(StageFiles, ABadExpectedLineIsAnErrorNamingTheLine) {
  try {
    read_expected(write("e.txt", "py27 fast\npy37 quick\n"));
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("e.txt:2"), std::string::npos) << e.what();
  }
}

TEST_F(Environment, HoldsExactlyTheRequiredModules) {
  fs::create_directories(dir_ / "store");
  for (const char* f : {"blocking_tls-1.0.so", "coop_shim-1.2.so", "coop_shim-1.2+recv_into.so"})
    std::ofstream(dir_ / "store" / f) << f;
  fs::create_directories(dir_ / "env");
  std::ofstream(dir_ / "env" / "coop_shim-1.2+recv_into.so") << "left from another stage";
  build_environment(dir_ / "env", {{"blocking_tls", "1.0"}, {"coop_shim", "1.2"}}, dir_ / "store");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir_ / "env")) files.push_back(e.path().filename());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"blocking_tls-1.0.so", "coop_shim-1.2.so"}));
}

TEST_F(Environment, AMissingModuleVersionIsAClearError) {
  fs::create_directories(dir_ / "store");
  std::ofstream(dir_ / "store" / "coop_shim-1.2.so") << "x";
  build_environment(dir_ / "env", {{"coop_shim", "1.2"}}, dir_ / "store");
  try {
    build_environment(dir_ / "env", {{"coop_shim", "9.9"}}, dir_ / "store");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("coop_shim==9.9"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("coop_shim-1.2.so"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::exists(dir_ / "env" / "coop_shim-1.2.so")) << "the failed install emptied the environment";
}

// The rules the host (stage 0) derives its verdicts from must give every other stage
// the verdicts its expected.txt states, for the modules its requirements.txt installs.
TEST(Expectations, HostRulesAgreeWithEveryStagesFiles) {
  std::vector<int> stages = stage_numbers(kLabs);
  ASSERT_GE(stages.size(), 2u) << kLabs;
  for (int number : stages) {
    Stage stage = read_stage(kLabs, number);
    if (stage.is_host()) {
      EXPECT_TRUE(stage.requirements.empty() && stage.expected.empty()) << "the host fixes nothing";
      continue;
    }
    ASSERT_EQ(stage.expected.size(), 2u) << "stage " << number << ": one line per runtime";
    for (const auto& [runtime, verdict] : stage.expected)
      EXPECT_EQ(expected_nonblocking(stage.module_ids(), *parse_runtime(runtime)), verdict)
          << "stage " << number << " " << runtime;
  }
}

TEST(Expectations, AShimWithNothingToPatchChangesNothing) {
  EXPECT_EQ(expected_nonblocking({"coop_shim-1.2"}, Runtime::kPy37), Verdict::kFast);
}

TEST(Expectations, TheLocallyPatchedShimOrALaterReleaseHasRecvInto) {
  EXPECT_EQ(expected_nonblocking({"blocking_tls-1.0", "coop_shim-1.2"}, Runtime::kPy37), Verdict::kSlow);
  EXPECT_EQ(expected_nonblocking({"blocking_tls-1.0", "coop_shim-1.2+recv_into"}, Runtime::kPy37), Verdict::kFast);
  EXPECT_EQ(expected_nonblocking({"blocking_tls-1.0", "coop_shim-1.3"}, Runtime::kPy37), Verdict::kFast);
  EXPECT_EQ(expected_nonblocking({"blocking_tls-1.0", "coop_shim-1.2+debug"}, Runtime::kPy37), Verdict::kSlow);
}

TEST(Expectations, ThreadpoolTakesCeilNOverThreadsRounds) {
  EXPECT_EQ(expected_threadpool(4, 4), Verdict::kFast);    // one round
  EXPECT_EQ(expected_threadpool(10, 4), Verdict::kMixed);  // three rounds of ten
  EXPECT_EQ(expected_threadpool(8, 1), Verdict::kSlow);    // one at a time
  EXPECT_EQ(expected_blocking(10), Verdict::kSlow);
}

}  // namespace
}  // namespace slowfast::lab
