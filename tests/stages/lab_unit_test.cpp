// The lab runner's pieces that need no server: requirements, environments, expectations.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "lab/expectations.h"
#include "lab/requirements.h"
#include "lab/stage_env.h"
#include "slowfast/temp_dir.h"

namespace slowfast::lab {
namespace {
namespace fs = std::filesystem;

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

TEST_F(Environment, HoldsExactlyTheRequiredModules) {
  fs::create_directories(dir_ / "store");
  for (const char* f : {"blocking_tls-1.0.so", "coop_shim-1.2.so", "coop_shim-1.3.so"})
    std::ofstream(dir_ / "store" / f) << f;
  fs::create_directories(dir_ / "env");
  std::ofstream(dir_ / "env" / "coop_shim-1.3.so") << "left from another stage";
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

TEST(Expectations, TheStoryTable) {
  using R = Runtime;
  using V = Verdict;
  EXPECT_EQ(expected_nonblocking({}, R::kPy27), V::kFast);
  EXPECT_EQ(expected_nonblocking({"blocking_tls-1.0"}, R::kPy27), V::kSlow);
  EXPECT_EQ(expected_nonblocking({"blocking_tls-1.0"}, R::kPy37), V::kSlow);
  EXPECT_EQ(expected_nonblocking({"blocking_tls-1.0", "coop_shim-1.2"}, R::kPy27), V::kFast);
  EXPECT_EQ(expected_nonblocking({"blocking_tls-1.0", "coop_shim-1.2"}, R::kPy37), V::kSlow);
  EXPECT_EQ(expected_nonblocking({"blocking_tls-1.0", "coop_shim-1.3"}, R::kPy37), V::kFast);
  EXPECT_EQ(expected_nonblocking({"coop_shim-1.2"}, R::kPy37), V::kFast);  // nothing to patch
}

TEST(Expectations, ThreadpoolTakesCeilNOverThreadsRounds) {
  EXPECT_EQ(expected_threadpool(4, 4), Verdict::kFast);    // one round
  EXPECT_EQ(expected_threadpool(10, 4), Verdict::kMixed);  // three rounds of ten
  EXPECT_EQ(expected_threadpool(8, 1), Verdict::kSlow);    // one at a time
  EXPECT_EQ(expected_blocking(10), Verdict::kSlow);
}

}  // namespace
}  // namespace slowfast::lab
