// The clients against the real delay server on loopback (delay 0.25 s, N = 8), through
// the CLI as users run it. Timing checks are ratios of the delay with wide margins:
// fast < 2 x delay, slow > N/2 x delay; lower bounds only where physics gives them.
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fetch_fixture.h"
#include "lab/stage_table.h"
#include "slowfast/lab_certs.h"

namespace slowfast::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kN = 8;
constexpr double kDelay = 0.25;

using Fetch = FetchRun;

class Clients : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { lab_ = std::make_unique<FetchFixture>(); }
  static void TearDownTestSuite() { lab_.reset(); }
  static std::string env(const std::string& name) { return lab_->env(name); }
  static std::string delay_url() { return lab_->server().https_url("/delay/0.25"); }
  static Fetch fetch(const std::vector<std::string>& args, const std::vector<std::string>& environment = {}) {
    return lab_->fetch(kN, args, environment);
  }

  static std::unique_ptr<FetchFixture> lab_;
};
std::unique_ptr<FetchFixture> Clients::lab_;

// Each page was asked for and came back with its own id: checked, not just counted.
void expect_every_page_valid(const Fetch& f) {
  EXPECT_EQ(f.cli.exit_code, 0) << f.cli.err;
  ASSERT_TRUE(f.j.is_object()) << f.cli.out << f.cli.err;
  ASSERT_EQ(f.j["requests"].size(), static_cast<size_t>(kN));
  std::vector<int> pages;
  for (int i = 0; i < kN; ++i) {
    const json& r = f.j["requests"][static_cast<size_t>(i)];
    EXPECT_EQ(r["page"], i);
    EXPECT_EQ(r["status"], 200);
    EXPECT_TRUE(r["error"].is_null()) << r["error"];
    pages.push_back(i);
  }
  EXPECT_EQ(f.j["valid_page_ids"].get<std::vector<int>>(), pages);
  EXPECT_NE(f.cli.out.find("len(valid_page_ids) = 8\nlen(invalid_page_ids) = 0\n"), std::string::npos) << f.cli.out;
}

double total(const Fetch& f) { return f.j["total_s"].get<double>(); }

double effective_concurrency(const Fetch& f) { return f.j["concurrency"]["effective_concurrency"].get<double>(); }

// Fast: the requests were in flight together (about N at once); slow: one at a time.
void expect_fast(const Fetch& f) {
  EXPECT_LT(total(f), 2 * kDelay);
  EXPECT_EQ(f.j["verdict"], "fast");
  EXPECT_GT(effective_concurrency(f), kN / 2.0) << f.j["concurrency"];
}

void expect_slow(const Fetch& f) {
  EXPECT_GT(total(f), kN / 2.0 * kDelay);
  EXPECT_EQ(f.j["verdict"], "slow");
  EXPECT_LT(effective_concurrency(f), 2.0) << f.j["concurrency"];
}

// What the run ran on: this machine's cores, and the foreign CPU measured over the run.
void expect_environment(const Fetch& f) {
  const json& env = f.j["environment"];
  for (const char* key : {"cpu", "kernel", "compiler", "openssl", "libuv", "cpp-httplib", "git_commit", "date"})
    EXPECT_TRUE(env.contains(key) && env[key] != "") << key << " in " << env;
  EXPECT_EQ(env.value("cores", ""), std::to_string(std::thread::hardware_concurrency())) << env;
  EXPECT_NEAR(env["foreign_cpu"]["wall_s"].get<double>(), total(f), 0.3) << env;
}

TEST_F(Clients, BlockingRunsOneAfterAnother) {
  Fetch f = fetch({"--url", delay_url(), "--variant", "blocking"});
  expect_every_page_valid(f);
  expect_slow(f);
  expect_environment(f);
  EXPECT_GE(total(f), 0.95 * kN * kDelay);  // serial: cannot be faster than N delays
}

void expect_threadpool(const Fetch& f, int threads) {
  expect_every_page_valid(f);
  EXPECT_EQ(f.j["threads"], threads);
  EXPECT_NE(f.cli.out.find("threads=" + std::to_string(threads)), std::string::npos);
  double rounds = std::ceil(double(kN) / threads);
  EXPECT_GE(total(f), 0.95 * rounds * kDelay);  // at most `threads` requests at once
  EXPECT_LT(total(f), (rounds + 2) * kDelay);
}

TEST_F(Clients, ThreadpoolOfTwoTakesFourRounds) {
  expect_threadpool(fetch({"--url", delay_url(), "--variant", "uv-threadpool"}, {"UV_THREADPOOL_SIZE=2"}), 2);
}

TEST_F(Clients, ThreadpoolOfFourTakesTwoRounds) {
  expect_threadpool(fetch({"--url", delay_url(), "--variant", "uv-threadpool"}, {"UV_THREADPOOL_SIZE=4"}), 4);
}

// The story's stage table, for the uv-nonblocking client: one cell per stage with an
// environment of its own and runtime in its expected.txt (the host has none: tests/stages).
struct StageCell {
  int stage;
  std::string runtime;
};

std::vector<StageCell> stage_cells() {
  std::vector<StageCell> cells;
  for (int number : lab::stage_numbers(labs_dir())) {
    lab::Stage stage = lab::read_stage(labs_dir(), number);
    if (stage.is_host()) continue;
    for (const auto& [runtime, verdict] : stage.expected) cells.push_back({number, runtime});
  }
  return cells;
}

// The class the https sockets get: the shim patches blocking_tls's socket when both are
// installed; blocking_tls replaces the built-in one; else the built-in one.
std::string socket_class_for(const std::vector<std::string>& module_ids) {
  auto has = [&](const std::string& name) {
    return std::any_of(module_ids.begin(), module_ids.end(),
                       [&](const std::string& id) { return id.rfind(name + "-", 0) == 0; });
  };
  if (!has("blocking_tls")) return "NativeTlsSocket";
  return has("coop_shim") ? "CoopShim" : "BlockingTlsSocket";
}

// Readable test names in CTest instead of a byte dump.
void PrintTo(const StageCell& c, std::ostream* os) { *os << stage_env(c.stage) << "/" << c.runtime; }

class StageTable : public Clients, public ::testing::WithParamInterface<StageCell> {};

TEST_P(StageTable, VerdictFollowsWhatIsInstalledAndHowItReads) {
  const StageCell& c = GetParam();
  lab::Stage stage = lab::read_stage(labs_dir(), c.stage);
  std::string socket_class = socket_class_for(stage.module_ids());
  Fetch f = fetch({"--url", delay_url(), "--runtime", c.runtime, "--modules", env(stage_env(c.stage)), "--socket-class"});
  expect_every_page_valid(f);
  switch (stage.expected.at(c.runtime)) {
    case Verdict::kFast: expect_fast(f); break;
    case Verdict::kSlow: expect_slow(f); break;
    default: ADD_FAILURE() << "the stage table states only fast and slow for this client";
  }
  for (const json& r : f.j["requests"]) EXPECT_EQ(r["socket_class"], socket_class);
  EXPECT_NE(f.cli.out.find("page=7 socket_class=" + socket_class), std::string::npos);
}

// Named stageN_runtime: CTest labels each stageN (tests/CMakeLists.txt, BY_STAGE).
INSTANTIATE_TEST_SUITE_P(Stages, StageTable, ::testing::ValuesIn(stage_cells()),
                         [](const auto& info) { return stage_env(info.param.stage) + "_" + info.param.runtime; });

// The slow mechanism, not just the slow total: while one request waits in a blocking
// read (recv_into falls through to BlockingTlsSocket), no other request progresses,
// so the answers come one delay apart - the story's "send, block, recv".
TEST_F(Clients, Shim12Py37AnswersComeOneDelayApart) {
  Fetch f = fetch({"--url", delay_url(), "--runtime", "py37", "--modules", env("stage3")});
  expect_every_page_valid(f);
  std::vector<double> done;
  for (const json& r : f.j["requests"]) done.push_back(r["t"]["done"].get<double>());
  std::sort(done.begin(), done.end());
  for (size_t i = 1; i < done.size(); ++i) EXPECT_GT(done[i] - done[i - 1], 0.8 * kDelay) << i;
}

TEST_F(Clients, TimelineIsInOrder) {
  Fetch f = fetch({"--url", delay_url()});
  expect_every_page_valid(f);
  for (const json& r : f.j["requests"]) {
    double prev = 0;
    for (const char* step : {"start", "connected", "tls_done", "sent", "first_byte", "done"}) {
      double t = r["t"][step].get<double>();
      EXPECT_GE(t, prev) << step;
      prev = t;
    }
  }
}

TEST_F(Clients, PlainHttpIsFastWhateverIsInstalled) {
  for (const char* runtime : {"py27", "py37"}) {
    Fetch f = fetch({"--url", lab_->server().http_url("/delay/0.25"), "--runtime", runtime, "--modules", env("stage3")});
    expect_every_page_valid(f);
    expect_fast(f);
    EXPECT_EQ(f.j["requests"][0]["socket_class"], "PlainSocket");
  }
}

TEST_F(Clients, WrongCaMakesEveryRequestInvalid) {
  fs::path other = lab_->dir() / "other-ca";
  ensure_lab_certs(other);
  for (const char* variant : {"blocking", "uv-threadpool", "uv-nonblocking"}) {
    Fetch f = fetch({"--url", delay_url(), "--variant", variant, "--cacert", (other / "ca.pem").string()});
    EXPECT_EQ(f.cli.exit_code, 1) << variant;
    ASSERT_TRUE(f.j.is_object()) << variant << f.cli.err;
    EXPECT_EQ(f.j["invalid"], kN);
    for (const json& r : f.j["requests"])
      EXPECT_NE(r["error"].get<std::string>().find("certificate verify failed"), std::string::npos) << r;
    EXPECT_NE(f.cli.err.find("8 of 8 requests: "), std::string::npos) << f.cli.err;
  }
}

// The client's default CA comes from SLOWFAST_CERTS: point it at another CA.
TEST_F(Clients, InsecureSkipsVerification) {
  fs::path other = lab_->dir() / "other-ca";
  ensure_lab_certs(other);
  std::string certs = "SLOWFAST_CERTS=" + other.string();
  EXPECT_EQ(fetch({"--url", delay_url()}, {certs}).cli.exit_code, 1);
  expect_every_page_valid(fetch({"--url", delay_url(), "--insecure"}, {certs}));
}

// `--loops K`: K loops on K threads, page i on loop i mod K. Every page is still
// checked, and a fast environment stays fast.
TEST_F(Clients, TwoLoopsShareTheRequestsAndStayFast) {
  Fetch f = fetch({"--url", delay_url(), "--loops", "2"});
  expect_every_page_valid(f);
  expect_fast(f);
  EXPECT_EQ(f.j["loops"], 2);
  EXPECT_NE(f.cli.out.find(" loops=2\n"), std::string::npos) << f.cli.out;
}

// The other curious case: a blocking module blocks only the loop it runs on, so with K
// loops each serialises its own share - about ceil(N/K) x delay (3 for N = 8, K = 3),
// neither fast nor the N x delay of one loop.
TEST_F(Clients, ABlockingModuleSerialisesEachLoopsShareOnly) {
  Fetch f = fetch({"--url", delay_url(), "--loops", "3", "--modules", env("stage2")});
  expect_every_page_valid(f);
  EXPECT_EQ(f.j["loops"], 3);
  EXPECT_GT(total(f), 0.9 * 3 * kDelay);   // each loop: its share's answers one after another
  EXPECT_LT(total(f), 0.75 * kN * kDelay);  // the loops overlap
  EXPECT_EQ(f.j["verdict"], "mixed");
  EXPECT_GT(effective_concurrency(f), 1.5) << f.j["concurrency"];
  EXPECT_LT(effective_concurrency(f), 4.0) << f.j["concurrency"];
}

TEST_F(Clients, LoopsNeedTheLoopVariantAndOneLoopToWatch) {
  for (const char* bad : {"0", "65", "two", "2x"})
    EXPECT_EQ(run_slowfast({"fetch", "--url", delay_url(), "--loops", bad}).exit_code, 2) << bad;
  CliResult r = run_slowfast({"fetch", "--url", delay_url(), "--loops", "2", "--watchdog", "50"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("leave --loops at 1"), std::string::npos) << r.err;
  r = run_slowfast({"fetch", "--url", delay_url(), "--loops", "2", "--variant", "blocking"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("only --variant uv-nonblocking"), std::string::npos) << r.err;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

TEST_F(Clients, ServerDownIsAClearErrorPerRequest) {
  std::string url = "https://127.0.0.1:" + std::to_string(free_port()) + "/delay/0.25";
  for (const char* variant : {"blocking", "uv-nonblocking"}) {
    Fetch f = fetch({"--url", url, "--variant", variant});
    EXPECT_EQ(f.cli.exit_code, 1) << variant;
    EXPECT_NE(f.cli.err.find("refused"), std::string::npos) << f.cli.err;
    EXPECT_EQ(f.j["verdict"], "unknown");
  }
}

TEST_F(Clients, BadModuleFileStopsTheRun) {
  fs::create_directories(lab_->dir() / "broken");
  std::ofstream(lab_->dir() / "broken" / "pyopenssl-23.0.so") << "not a shared library\n";
  Fetch f = fetch({"--url", delay_url(), "--modules", env("broken")});
  EXPECT_EQ(f.cli.exit_code, 2);
  EXPECT_NE(f.cli.err.find("bad module"), std::string::npos) << f.cli.err;
  EXPECT_EQ(std::count(f.cli.err.begin(), f.cli.err.end(), '\n'), 1) << f.cli.err;
  EXPECT_TRUE(f.j.is_null()) << "no run, no result file";
}

TEST_F(Clients, SlowfastPathIsTheDefaultModulePath) {
  Fetch f = fetch({"--url", delay_url(), "--socket-class"}, {"SLOWFAST_PATH=" + env("stage2")});
  expect_every_page_valid(f);
  EXPECT_EQ(f.j["modules"], json(lab::read_stage(labs_dir(), 2).module_ids()));
  EXPECT_EQ(f.j["requests"][0]["socket_class"], "BlockingTlsSocket");
}

TEST_F(Clients, UsageErrorsExitTwo) {
  EXPECT_EQ(run_slowfast({"fetch", "--url", delay_url(), "--variant", "gevent"}).exit_code, 2);
  EXPECT_EQ(run_slowfast({"fetch", "--url", "ftp://127.0.0.1/"}).exit_code, 2);
  EXPECT_EQ(run_slowfast({"fetch", "--url", delay_url(), "-n", "0"}).exit_code, 2);
  EXPECT_EQ(run_slowfast({"fetch", "--url", delay_url(), "--modules", "/nonexistent"}).exit_code, 2);
  EXPECT_EQ(run_slowfast({"fetch", "--url", delay_url(), "--insecure", "--cacert", "x"}).exit_code, 2);
}

TEST_F(Clients, ModulesCommandSaysWhatIsInstalledAndWhatItChanges) {
  CliResult r = run_slowfast({"modules", "--modules", env("stage3")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const lab::Requirement& m : lab::read_stage(labs_dir(), 3).requirements)
    EXPECT_NE(r.out.find(m.name + " " + m.version), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("recv_into is not overridden"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CoopShim (coop_shim 1.2, patches BlockingTlsSocket from blocking_tls 1.0)"),
            std::string::npos)
      << r.out;
  CliResult none = run_slowfast({"modules"});
  EXPECT_NE(none.out.find("no modules installed"), std::string::npos) << none.out;
  EXPECT_NE(none.out.find("NativeTlsSocket (built-in)"), std::string::npos) << none.out;
}

// The story's laptop made with `slowfast install`: every command - modules, fetch -
// reads each runtime's own site by default, so py27 finds blocking_tls and py37 nothing.
TEST_F(Clients, InstallFillsEachRuntimesSiteAndEveryCommandReadsIt) {
  const std::string site = "SLOWFAST_SITE=" + (lab_->dir() / "site").string();
  CliResult in = run_slowfast({"install", "-r", (labs_dir() / "stage0" / "laptop.txt").string()}, {site});
  ASSERT_EQ(in.exit_code, 0) << in.err;
  EXPECT_NE(in.out.find("py27: blocking_tls-1.0 -> "), std::string::npos) << in.out;
  EXPECT_NE(in.out.find("py37: no modules -> "), std::string::npos) << in.out;

  CliResult listed = run_slowfast({"modules", "--runtime", "py27"}, {site});
  EXPECT_NE(listed.out.find("blocking_tls 1.0"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("(the py27 site, "), std::string::npos) << listed.out;
  Fetch py27 = fetch({"--url", delay_url(), "--runtime", "py27", "--socket-class"}, {site});
  Fetch py37 = fetch({"--url", delay_url(), "--runtime", "py37", "--socket-class"}, {site});
  expect_every_page_valid(py27);
  expect_every_page_valid(py37);
  EXPECT_EQ(py27.j["requests"][0]["socket_class"], "BlockingTlsSocket");
  EXPECT_EQ(py37.j["requests"][0]["socket_class"], "NativeTlsSocket");
  expect_slow(py27);
  expect_fast(py37);
  // SLOWFAST_PATH, like PYTHONPATH, comes before the sites.
  Fetch path = fetch({"--url", delay_url(), "--runtime", "py27", "--socket-class"}, {site, "SLOWFAST_PATH="});
  EXPECT_EQ(path.j["requests"][0]["socket_class"], "NativeTlsSocket");

  ASSERT_EQ(run_slowfast({"uninstall"}, {site}).exit_code, 0);
  CliResult gone = run_slowfast({"modules", "--runtime", "py27"}, {site});
  EXPECT_NE(gone.out.find("no modules installed"), std::string::npos) << gone.out;
}

}  // namespace
}  // namespace slowfast::testing
