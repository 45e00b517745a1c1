// The clients against a misbehaving server (issue 8): every fault x every client
// column, through the real `slowfast fetch` CLI. Each case asserts the exit code, the
// valid count, the failure kind of every page in the JSON, and that the run ended
// within its deadline (wide margin). Small --timeout and --deadline keep it fast.
#include <signal.h>
#include <stdlib.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_process.h"
#include "fault_server.h"
#include "server_process.h"
#include "slowfast/build_dir.h"
#include "slowfast/temp_dir.h"
#include "stopwatch.h"

namespace slowfast::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kN = 2;
constexpr double kTimeout = 1;   // each wait
constexpr double kDeadline = 2;  // each request
constexpr double kMargin = 3;    // process start, certificates, a loaded machine

// A client column: variant, runtime, and whether blocking_tls is installed.
struct Column {
  const char* variant;
  const char* runtime;
  bool blocking_tls;
  // Requests that can end one after another: the bound of the run is this many deadlines.
  int serial() const { return std::string(variant) == "uv-nonblocking" && !blocking_tls ? 1 : kN; }
  std::string name() const {
    std::string v = variant;
    for (char& c : v) c = c == '-' ? '_' : c;
    return v + (blocking_tls ? "_blocking_tls_" : "_") + runtime;
  }
};

struct Case {
  Fault fault;
  const char* kind;  // the failure kind of every page; "" when every page is valid
  const char* says;  // what every page's message contains: the step and the cause
  // Silence cases: long enough that a loop blocked by blocking_tls (one silent wait
  // after another) still ends every page at its timeout, not its deadline.
  double deadline = kDeadline;
};

// Readable test names in CTest instead of a byte dump.
void PrintTo(const Column& c, std::ostream* os) { *os << c.name(); }
void PrintTo(const Case& c, std::ostream* os) { *os << to_string(c.fault); }

const Column kColumns[] = {
    {"blocking", "py27", false},       {"blocking", "py37", false},       {"uv-threadpool", "py27", false},
    {"uv-threadpool", "py37", false},  {"uv-nonblocking", "py27", false}, {"uv-nonblocking", "py37", false},
    {"uv-nonblocking", "py27", true},  {"uv-nonblocking", "py37", true},
};

const Case kCases[] = {
    {Fault::kGood, "", ""},
    {Fault::kInterim100, "", ""},
    {Fault::kInterim103, "", ""},
    {Fault::kGarbageStatus, "http", "read response: bad status line"},
    {Fault::kBareBody, "http", "read response: bad status line"},
    {Fault::kTruncatedBody, "read", "read response: connection closed after 10 body bytes"},
    {Fault::kCloseAtOnce, "read", "read response: connection closed before any response byte"},
    {Fault::kResetMidHeaders, "read", "read response: TLS read: Connection reset by peer"},
    {Fault::kHugeHeaders, "http", "read response: headers larger than 65536 bytes"},
    {Fault::kBadChunked, "http", "read response: invalid chunk size"},
    {Fault::kChunkOverflow, "http", "read response: chunk size too large"},
    {Fault::kNegativeLength, "http", "read response: invalid Content-Length"},
    {Fault::kHugeLength, "http", "read response: body larger than 67108864 bytes"},
    {Fault::kConflictingLength, "http", "read response: conflicting Content-Length"},
    {Fault::kLengthAndChunked, "http", "read response: conflicting Content-Length"},
    {Fault::kWrongPage, "page", "wrong page id"},
    {Fault::kRedirect, "http", "HTTP status 302"},
    {Fault::kDrip, "deadline", "deadline of 2 s reached during"},  // read, or handshake behind a blocked loop
    {Fault::kPlainTcp, "tls", "TLS handshake: wrong version number"},
    {Fault::kSilentHandshake, "timeout-handshake", "TLS handshake: timed out after 1 s", 5},
    {Fault::kCloseMidHandshake, "tls", "TLS handshake: connection closed by peer"},
    {Fault::kTlsThenSilence, "timeout-read", "read response: timed out after 1 s", 5},
    {Fault::kWrongHostname, "tls", "TLS handshake: certificate verify failed (IP address mismatch)"},
    {Fault::kForeignCa, "tls", "TLS handshake: certificate verify failed (unable to get local issuer certificate)"},
    {Fault::kExpired, "tls", "TLS handshake: certificate verify failed (certificate has expired)"},
    {Fault::kTls10Only, "tls", "TLS handshake: tlsv1 alert protocol version"},
};

// What every case shares: the lab CA in a scratch directory and a module environment
// with blocking_tls installed.
class ReliabilityBase {
 public:
  struct FetchResult {
    CliResult cli;
    json j;
    double wall_s;
  };

  static void make_scratch() {
    std::signal(SIGPIPE, SIG_IGN);  // a client that leaves costs the fault server a write, not the test
    scratch_ = std::make_unique<TempDir>("slowfast-reliability");
    dir_ = scratch_->path();
    fs::create_directories(dir_ / "blocking_tls");
    fs::copy_file(build_dir() / "modules/blocking_tls-1.0.so", dir_ / "blocking_tls/blocking_tls-1.0.so");
  }
  static void remove_scratch() { scratch_.reset(); }

  // `slowfast fetch` of https://127.0.0.1:port/get as `column` sees it.
  static FetchResult fetch(int port, const Column& column, std::vector<std::string> extra = {},
                           double signal_after_s = 0, double deadline = kDeadline) {
    static int runs = 0;
    fs::path file = dir_ / ("run-" + std::to_string(runs++) + ".json");
    std::vector<std::string> args = {"fetch", "-n", std::to_string(kN), "--url",
                                     "https://127.0.0.1:" + std::to_string(port) + "/get", "--cacert",
                                     (dir_ / "certs/ca.pem").string(), "--variant", column.variant, "--runtime",
                                     column.runtime, "--json", file.string()};
    if (column.blocking_tls) args.insert(args.end(), {"--modules", (dir_ / "blocking_tls").string()});
    if (extra.empty()) extra = {"--timeout", std::to_string(kTimeout), "--deadline", std::to_string(deadline)};
    args.insert(args.end(), extra.begin(), extra.end());
    Clock::time_point t0 = Clock::now();
    FetchResult run{run_slowfast(args, {}, 60, signal_after_s), nullptr, 0};
    run.wall_s = since(t0);
    if (fs::exists(file)) run.j = json::parse(std::ifstream(file));
    return run;
  }

  static fs::path certs() { return dir_ / "certs"; }
  static std::unique_ptr<TempDir> scratch_;  // one per suite
  static fs::path dir_;
};
std::unique_ptr<TempDir> ReliabilityBase::scratch_;
fs::path ReliabilityBase::dir_;

class Reliability : public ReliabilityBase, public ::testing::TestWithParam<std::tuple<Case, Column>> {
 protected:
  static void SetUpTestSuite() { make_scratch(); }
  static void TearDownTestSuite() { remove_scratch(); }
};

// The cases that need no fault table: one run per column.
class ReliabilityColumn : public ReliabilityBase, public ::testing::TestWithParam<Column> {
 protected:
  static void SetUpTestSuite() { make_scratch(); }
  static void TearDownTestSuite() { remove_scratch(); }
};

// Every page failed with `kind` (or none failed), and the summary says so.
void expect_pages(const ReliabilityBase::FetchResult& r, const std::string& kind, const std::string& says = "") {
  const bool valid = kind.empty();
  EXPECT_EQ(r.cli.exit_code, valid ? 0 : 1) << r.cli.out << r.cli.err;
  ASSERT_TRUE(r.j.is_object()) << r.cli.out << r.cli.err;
  EXPECT_EQ(r.j["valid"], valid ? kN : 0) << r.cli.err;
  ASSERT_EQ(r.j["requests"].size(), static_cast<size_t>(kN));
  for (const json& req : r.j["requests"]) {
    if (valid) {
      EXPECT_TRUE(req["error"].is_null()) << req.dump();
      EXPECT_EQ(req["status"], 200);
    } else {
      EXPECT_EQ(req["error_kind"], kind) << req.dump();
      ASSERT_TRUE(req["error"].is_string()) << req.dump();
      EXPECT_NE(req["error"].get<std::string>().find(says), std::string::npos) << req.dump();
    }
  }
  if (!valid) {
    std::string summary_kind = kind.rfind("timeout", 0) == 0 ? "timeout" : kind;
    EXPECT_EQ(r.j["errors_by_kind"][summary_kind], kN) << r.j["errors_by_kind"].dump();
    EXPECT_NE(r.cli.out.find(summary_kind + " " + std::to_string(kN)), std::string::npos) << r.cli.out;
  }
}

TEST_P(Reliability, EveryPageEndsWithItsKindWithinTheDeadline) {
  const auto& [c, column] = GetParam();
  FaultServer server(c.fault, certs());
  FetchResult r = fetch(server.port(), column, {}, 0, c.deadline);
  expect_pages(r, c.kind, c.says);
  EXPECT_LT(r.wall_s, column.serial() * c.deadline + kMargin) << r.cli.out << r.cli.err;
}

// Nothing listens: refused, named as a connect failure.
TEST_P(ReliabilityColumn, RefusedConnection) {
  const Column& column = GetParam();
  FaultServer keep_certs(Fault::kGood, certs());  // makes the lab CA
  FetchResult r = fetch(refused_port(), column);
  expect_pages(r, "connect", "connect 127.0.0.1:");
  EXPECT_LT(r.wall_s, kMargin);
}

// SIGTERM in the middle of a drip: the run ends at once, prints its summary and writes
// its JSON with the unfinished pages marked interrupted, and exits 128 + 15.
TEST_P(ReliabilityColumn, SigtermPrintsTheRunSoFar) {
  const Column& column = GetParam();
  FaultServer server(Fault::kDrip, certs());
  FetchResult r = fetch(server.port(), column, {"--timeout", "5", "--deadline", "30"}, 1.0);
  EXPECT_EQ(r.cli.exit_code, 128 + SIGTERM) << r.cli.out << r.cli.err;
  ASSERT_TRUE(r.j.is_object()) << r.cli.out << r.cli.err;
  EXPECT_EQ(r.j["valid"], 0);
  for (const json& req : r.j["requests"]) EXPECT_EQ(req["error_kind"], "interrupted") << req.dump();
  EXPECT_NE(r.cli.out.find("len(invalid_page_ids) = 2"), std::string::npos) << r.cli.out;
  EXPECT_NE(r.cli.out.find("interrupted 2"), std::string::npos) << r.cli.out;
  EXPECT_LT(r.wall_s, 1.0 + kMargin);
}

std::string case_name(const ::testing::TestParamInfo<std::tuple<Case, Column>>& info) {
  return std::string(to_string(std::get<0>(info.param).fault)) + "_" + std::get<1>(info.param).name();
}

INSTANTIATE_TEST_SUITE_P(Faults, Reliability, ::testing::Combine(::testing::ValuesIn(kCases), ::testing::ValuesIn(kColumns)),
                         case_name);
INSTANTIATE_TEST_SUITE_P(Columns, ReliabilityColumn, ::testing::ValuesIn(kColumns),
                         [](const auto& info) { return info.param.name(); });

}  // namespace
}  // namespace slowfast::testing
