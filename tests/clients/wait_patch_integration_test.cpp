// The wait seam (SocketRegistry::patch_wait) on real runs: with blocking_tls and
// patch_select installed, every request is still a BlockingTlsSocket, but urllib3's
// wait_for_read / wait_for_write wait on the loop - grequests'
// monkey.patch_all(select=True) - so N requests of one delay each end together.
// Shape only, wide margin: concurrent means wall < 2 x delay (serial would be N x).
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fetch_fixture.h"

namespace slowfast::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kN = 5;
constexpr double kDelay = 1.0;

class WaitPatch : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() {
    lab_ = std::make_unique<FetchFixture>();
    fs::path env = lab_->env("patched_wait");
    fs::create_directories(env);
    fs::copy_file(fs::path(lab_->env(stage_env(2))) / "blocking_tls-1.0.so", env / "blocking_tls-1.0.so");
    fs::copy_file(fs::path(SLOWFAST_TEST_PATCH_SELECT_DIR) / "patch_select-1.0.so", env / "patch_select-1.0.so");
  }
  static void TearDownTestSuite() { lab_.reset(); }

  static std::unique_ptr<FetchFixture> lab_;
};
std::unique_ptr<FetchFixture> WaitPatch::lab_;

TEST_P(WaitPatch, BlockingTlsWithTheLoopsWaitRunsConcurrently) {
  // A failed SetUpTestSuite would only skip the test: it must fail it.
  ASSERT_TRUE(fs::exists(fs::path(lab_->env("patched_wait")) / "patch_select-1.0.so")) << "set-up failed";
  FetchRun r = lab_->fetch(kN, {"--url", lab_->server().https_url("/delay/1"), "--modules", lab_->env("patched_wait"),
                                "--runtime", GetParam(), "--socket-class", "--profile"});
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.out << r.cli.err;
  ASSERT_TRUE(r.j.is_object()) << r.cli.out << r.cli.err;
  EXPECT_EQ(r.j["valid_page_ids"].size(), static_cast<size_t>(kN)) << r.cli.out;
  for (const json& req : r.j["requests"]) EXPECT_EQ(req["socket_class"], "BlockingTlsSocket") << req;
  EXPECT_LT(r.j["total_s"].get<double>(), 2 * kDelay) << r.cli.out;
  EXPECT_EQ(r.j["verdict"], "fast") << r.cli.out;
  // The blocking poll() is gone: its wait is the loop's now.
  for (const json& row : r.j["profile"]) EXPECT_NE(row["path"].back(), "poll") << row;
}

INSTANTIATE_TEST_SUITE_P(Runtimes, WaitPatch, ::testing::Values("py27", "py37"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace slowfast::testing
