// The tools that find the culprit (issue 5), against the real delay server (delay
// 0.25 s, N = 8), through the CLI: --profile, --watchdog, --trace, --waterfall.
// Timing checks are ratios of the delay with wide margins, never tight bounds.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fetch_fixture.h"
#include "slowfast/child_process.h"
#include "slowfast/files.h"
#include "slowfast/temp_dir.h"
#include "svg_bars.h"

namespace slowfast::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kN = 8;
constexpr double kDelay = 0.25;

class Observe : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { lab_ = std::make_unique<FetchFixture>(); }
  static void TearDownTestSuite() { lab_.reset(); }

  // `slowfast fetch -n 8 --url /delay/0.25 --modules ENV --runtime RT ARGS --json F`.
  static FetchRun fetch(const std::string& env, const std::string& runtime, std::vector<std::string> args) {
    std::vector<std::string> all = {"--url", lab_->server().https_url("/delay/0.25"), "--modules",
                                    lab_->env(env), "--runtime", runtime};
    all.insert(all.end(), args.begin(), args.end());
    return lab_->fetch(kN, all);
  }

  static std::unique_ptr<FetchFixture> lab_;
};
std::unique_ptr<FetchFixture> Observe::lab_;

bool is_socket_method(const std::string& name) { return name.find("Socket::") != std::string::npos ||
                                                         name.find("CoopShim::") != std::string::npos; }

// The profile row with the most cumulative time among those called from a socket method.
json top_under_socket(const json& profile) {
  for (const json& row : profile) {  // sorted by cumtime
    const auto path = row["path"].get<std::vector<std::string>>();
    if (path.size() >= 2 && is_socket_method(path[path.size() - 2])) return row;
  }
  return nullptr;
}

void expect_slow_run_names_the_poll(const FetchRun& r, const std::string& method) {
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.err;
  ASSERT_TRUE(r.j.contains("profile")) << r.cli.out;
  json top = top_under_socket(r.j["profile"]);
  ASSERT_FALSE(top.is_null()) << r.cli.out;
  auto path = top["path"].get<std::vector<std::string>>();
  EXPECT_EQ(path.back(), "poll") << r.cli.out;
  EXPECT_EQ(path[path.size() - 2], "BlockingTlsSocket::" + method) << r.cli.out;
  EXPECT_EQ(top["module"], "blocking_tls");
  EXPECT_GT(top["cumtime"].get<double>(), kN / 2.0 * kDelay) << "most of the run is spent in that poll";
  // The table as printed shows the same row.
  EXPECT_NE(r.cli.out.find("BlockingTlsSocket::" + method + " -> poll  [blocking_tls]"), std::string::npos)
      << r.cli.out;
}

TEST_F(Observe, SlowPy37ProfileTopsWithPollUnderRecvInto) {
  expect_slow_run_names_the_poll(fetch("stage3", "py37", {"--profile"}), "recv_into");
}

TEST_F(Observe, SlowPy27ProfileTopsWithPollUnderRecv) {
  expect_slow_run_names_the_poll(fetch("stage2", "py27", {"--profile"}), "recv");
}

TEST_F(Observe, FastProfileSpendsItsTimeWaitingInTheLoop) {
  FetchRun r = fetch("stage1", "py37", {"--profile"});
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.err;
  const json& rows = r.j["profile"];
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[0]["path"], json::array({"uv_run"}));
  EXPECT_EQ(rows[1]["path"], json::array({"uv_run", "loop wait (epoll)"})) << r.cli.out;
  EXPECT_GT(rows[1]["cumtime"].get<double>(), 0.5 * kDelay);
  for (const json& row : rows) EXPECT_NE(row["path"].back(), "poll") << row;
}

TEST_F(Observe, WatchdogNamesTheModuleInEveryStallOfASlowRun) {
  FetchRun r = fetch("stage3", "py37", {"--watchdog", "100"});
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.err;
  const json& stalls = r.j["watchdog"]["stalls"];
  EXPECT_GE(stalls.size(), static_cast<size_t>(kN - 1)) << r.cli.out;
  std::set<int> pages;
  for (const json& s : stalls) {
    EXPECT_EQ(s["culprit"], "blocking_tls: BlockingTlsSocket::recv_into -> poll") << s;
    EXPECT_GT(s["length"].get<double>(), 0.6 * kDelay) << s;
    EXPECT_LT(s["length"].get<double>(), 2.0 * kDelay) << s;
    pages.insert(s["page"].get<int>());
  }
  EXPECT_GE(pages.size(), static_cast<size_t>(kN - 1)) << "one stall per page";
  EXPECT_NE(r.cli.out.find("Summary: "), std::string::npos) << r.cli.out;
  EXPECT_NE(r.cli.out.find("in blocking_tls: BlockingTlsSocket::recv_into -> poll"), std::string::npos);
}

TEST_F(Observe, WatchdogSeesNoStallInAFastRun) {
  for (const char* env : {"stage1", "stage3"}) {
    FetchRun r = fetch(env, env == std::string("stage1") ? "py37" : "py27", {"--watchdog", "100"});
    ASSERT_EQ(r.cli.exit_code, 0) << r.cli.err;
    EXPECT_EQ(r.j["verdict"], "fast");
    EXPECT_TRUE(r.j["watchdog"]["stalls"].empty()) << r.j["watchdog"];
    EXPECT_NE(r.cli.out.find("no stall"), std::string::npos) << r.cli.out;
  }
}

// The SVG parsed by a parser nobody here wrote (python3's xml.etree): N bars, each
// spanning its request's start..done from the --json timeline.
TEST_F(Observe, WaterfallSvgMatchesTheJsonTimeline) {
  fs::path svg = lab_->dir() / "slow.svg";
  FetchRun r = fetch("stage3", "py37", {"--waterfall", svg.string()});
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.err;
  FILE* p = popen(svg_bars_command(svg.string()).c_str(), "r");
  ASSERT_NE(p, nullptr);
  int bars = 0;
  ASSERT_EQ(fscanf(p, "%d", &bars), 1);
  EXPECT_EQ(bars, kN);
  for (int i = 0; i < bars; ++i) {
    int page;
    double from, to;
    ASSERT_EQ(fscanf(p, "%d %lf %lf", &page, &from, &to), 3);
    const json& t = r.j["requests"][static_cast<size_t>(page)]["t"];
    EXPECT_NEAR(from, t["start"].get<double>(), 2e-6) << page;
    EXPECT_NEAR(to, t["done"].get<double>(), 2e-6) << page;
  }
  EXPECT_EQ(pclose(p), 0);
}

TEST_F(Observe, WaterfallTextShowsOneBarPerPage) {
  FetchRun r = fetch("stage1", "py37", {"--waterfall-text"});
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.err;
  for (int i = 0; i < kN; ++i)
    EXPECT_NE(r.cli.out.find("page   " + std::to_string(i) + " |"), std::string::npos) << r.cli.out;
  EXPECT_NE(r.cli.out.find("uv-nonblocking | py37 | modules: none"), std::string::npos) << r.cli.out;
}

// Per page, the trace's events come in the order they happen, and a slow run reads
// "send, block, recv": no other page sends between one page's send and its response.
TEST_F(Observe, TraceIsInEventOrderPerPage) {
  FetchRun r = fetch("stage3", "py37", {"--trace", "--watchdog", "100"});
  ASSERT_EQ(r.cli.exit_code, 0) << r.cli.err;
  const std::vector<std::string> order = {"started", "connected", "handshake done", "request sent", "first byte",
                                          "response done"};
  std::map<int, size_t> next;  // page -> index of the next expected event
  std::istringstream lines(r.cli.err);
  double last_t = 0;
  int sending = -1, blocks = 0;
  for (std::string line; std::getline(lines, line);) {
    double t;
    int page;
    char what[200] = "";
    if (sscanf(line.c_str(), "%lf s page %d %199[^\n]", &t, &page, what) != 3) continue;
    std::string w = what;
    w = w.substr(w.find_first_not_of(' '));
    // The monitor thread's lines are printed live beside the loop's: a line it stamped
    // just before the loop moved on may follow the loop's next one by a hair.
    if (w.rfind("LOOP BLOCKED", 0) == 0 || w.rfind("still blocked", 0) == 0) {
      EXPECT_EQ(page, sending) << "the loop blocks on the page that just sent: " << line;
      blocks += w.rfind("LOOP BLOCKED", 0) == 0;
      continue;
    }
    EXPECT_GE(t, last_t) << line;
    last_t = t;
    ASSERT_LT(next[page], order.size()) << line;
    EXPECT_EQ(w.rfind(order[next[page]], 0), 0u) << "expected '" << order[next[page]] << "': " << line;
    ++next[page];
    if (w.rfind("request sent", 0) == 0) {
      EXPECT_EQ(sending, -1) << "send, block, recv: one page at a time: " << line;
      sending = page;
    }
    if (w.rfind("response done", 0) == 0) {
      EXPECT_NE(w.find("GET /delay/0.25?page=" + std::to_string(page) + " 200 "), std::string::npos) << line;
      sending = -1;
    }
  }
  EXPECT_EQ(next.size(), static_cast<size_t>(kN));
  for (const auto& [page, k] : next) EXPECT_EQ(k, order.size()) << "page " << page;
  EXPECT_GE(blocks, kN - 1);
}

TEST_F(Observe, ProfileAndWatchdogNeedTheLoopVariant) {
  CliResult r = run_slowfast({"fetch", "--url", lab_->server().https_url("/delay/0.25"), "--variant", "blocking",
                              "--profile"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("only --variant uv-nonblocking"), std::string::npos) << r.err;
  EXPECT_EQ(run_slowfast({"fetch", "--url", lab_->server().https_url("/delay/0.25"), "--watchdog", "0"}).exit_code, 2);
  EXPECT_EQ(run_slowfast({"fetch", "--url", lab_->server().https_url("/delay/0.25"), "--watchdog", "x"}).exit_code, 2);
}

// --trace is a log, not a report: a slow run's first answers and the monitor's stall
// lines are in the trace while the run is still going.
TEST_F(Observe, TraceIsReadableWhileASlowRunIsStillGoing) {
  TempDir dir("slowfast-live-trace");
  const fs::path err = dir / "stderr";
  ChildProcess run({bin_dir() + "/slowfast", "fetch", "--url", lab_->server().https_url("/delay/1"), "-n", "4",
                    "--runtime", "py37", "--modules", lab_->env(stage_env(2)), "--trace", "--watchdog", "100"},
                   ChildOptions{"/dev/null", err.string(), std::nullopt});
  // Serialised, 4 x 1 s: the second answer comes about 2 s in, the run ends about 4 s in;
  // each 1 s stall is told when the monitor notices and again half a second later.
  std::string seen;
  for (int i = 0; i < 100 && run.running() && seen.find("page 1    response done") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    run.poll();
    seen = read_file(err);
  }
  ASSERT_TRUE(run.running()) << "the run ended before its trace showed two answers:\n" << seen;
  EXPECT_NE(seen.find("page 1    response done"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("page 3    response done"), std::string::npos) << "the last answer is 2 s away:\n" << seen;
  EXPECT_NE(seen.find("LOOP BLOCKED  blocking_tls: BlockingTlsSocket::recv_into -> poll"), std::string::npos) << seen;
  EXPECT_NE(seen.find("still blocked  blocking_tls: BlockingTlsSocket::recv_into -> poll"), std::string::npos)
      << "a 1 s stall is told again before it ends:\n" << seen;
  auto status = run.wait(ChildProcess::Seconds(30));
  ASSERT_TRUE(status.has_value()) << read_file(err);
  EXPECT_EQ(*status, 0) << read_file(err);
  EXPECT_NE(read_file(err).find("page 3    response done"), std::string::npos);
}

}  // namespace
}  // namespace slowfast::testing
