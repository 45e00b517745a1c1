// The watchdog's stack sample on real runs (issue 10, point 8: "the tools see only
// probes"). vendor_scan blocks the loop 300 ms per connection in a function without any
// probe: the culprit can only name a probe of the framework around it, the stack names
// the function and its module. blocking_tls's stalls show their poll() and its callers.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fetch_fixture.h"

namespace slowfast::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kN = 3;

bool has_frame(const json& stall, const std::string& frame) {
  for (const json& f : stall["stack"])
    if (f.get<std::string>() == frame) return true;
  return false;
}

class StackOnStall : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lab_ = std::make_unique<FetchFixture>();
    fs::path env = lab_->env("vendor_scan");
    fs::create_directories(env);
    fs::copy_file(fs::path(SLOWFAST_TEST_VENDOR_SCAN_DIR) / "vendor_scan-1.0.so", env / "vendor_scan-1.0.so");
  }
  static void TearDownTestSuite() { lab_.reset(); }

  static std::unique_ptr<FetchFixture> lab_;
};
std::unique_ptr<FetchFixture> StackOnStall::lab_;

TEST_F(StackOnStall, NamesTheFunctionAModuleWithoutProbesBlocksIn) {
  ASSERT_TRUE(fs::exists(fs::path(lab_->env("vendor_scan")) / "vendor_scan-1.0.so")) << "set-up failed";
  FetchRun r = lab_->fetch(kN, {"--url", lab_->server().https_url("/get"), "--modules", lab_->env("vendor_scan"),
                                "--runtime", "py37", "--watchdog", "100", "--trace"});
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.out << r.cli.err;
  ASSERT_TRUE(r.j.is_object()) << r.cli.out << r.cli.err;
  // The sample's signal interrupts the vendor's nanosleep: every request still succeeds.
  EXPECT_EQ(r.j["valid_page_ids"].size(), static_cast<size_t>(kN)) << r.cli.out;
  const json& stalls = r.j["watchdog"]["stalls"];
  ASSERT_GE(stalls.size(), 1u) << r.cli.out;
  const std::string frame = "VendorScanSocket::inspect_before_read [vendor_scan]";
  for (const json& s : stalls) {
    // The probes cannot see the vendor's code: the culprit is the framework's.
    EXPECT_EQ(s["culprit"].get<std::string>().rfind("slowfast: ", 0), 0u) << s;
    EXPECT_TRUE(has_frame(s, frame)) << s;
    ASSERT_FALSE(s["stack"].empty()) << s;
    EXPECT_NE(s["stack"][0].get<std::string>().find("sleep [libc]"), std::string::npos) << s;
  }
  EXPECT_NE(r.cli.out.find(frame), std::string::npos) << "the report prints the stack: " << r.cli.out;
  // The trace's LOOP BLOCKED line names the module at once; the function too once the
  // sampler's reader has read the symbol tables (milliseconds; more under a sanitizer).
  EXPECT_NE(r.cli.err.find("nanosleep [libc] <- "), std::string::npos) << r.cli.err;
  EXPECT_NE(r.cli.err.find(" [vendor_scan]"), std::string::npos) << "the trace's LOOP BLOCKED line: " << r.cli.err;
}

TEST_F(StackOnStall, ShowsThePollOfBlockingTlsUnderItsProbe) {
  FetchRun r = lab_->fetch(kN, {"--url", lab_->server().https_url("/delay/0.25"), "--modules",
                                lab_->env(stage_env(2)), "--runtime", "py37", "--watchdog", "100"});
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.out << r.cli.err;
  EXPECT_EQ(r.j["valid_page_ids"].size(), static_cast<size_t>(kN)) << r.cli.out;
  const json& stalls = r.j["watchdog"]["stalls"];
  ASSERT_GE(stalls.size(), 1u) << r.cli.out;
  for (const json& s : stalls) {
    EXPECT_EQ(s["culprit"], "blocking_tls: BlockingTlsSocket::recv_into -> poll") << s;
    ASSERT_FALSE(s["stack"].empty()) << s;
    EXPECT_NE(s["stack"][0].get<std::string>().find("poll [libc]"), std::string::npos) << s;
    EXPECT_TRUE(has_frame(s, "blocking_tls::wait_for_socket [blocking_tls]")) << s;
  }
}

}  // namespace
}  // namespace slowfast::testing
