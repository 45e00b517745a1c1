// The stages as benchmarks: one per stage x runtime x variant, the cells `slowfast lab`
// runs, each repetition one real run of N requests against the lab's own server over
// TLS. The time is the run's own clock (manual time: total_s, first start to last done,
// without the set-up around it); the counters say what the run got:
//   valid_pages            pages that came back right (N when all did)
//   effective_concurrency  time in flight / wall time (about N fast, about 1 slow)
//   stalls, blocked_share  the loop watchdog's stalls over 20 ms and the share of the
//                          run the loop was blocked (uv-nonblocking; 0 for the others)
//   verdict_ok             1 when the run shows the verdict the story expects
//
//   make bench   (9 repetitions, JSON in results/bench/stages.json)
//   build/bin/slowfast-bench-stages --benchmark_filter='stage:3/' --benchmark_repetitions=3
// The JSON works with Google Benchmark's compare.py (README: "The stage benchmarks").
#include <cstdlib>
#include <optional>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "core/run_stats.h"
#include "lab/environment.h"
#include "lab/lab_run.h"
#include "lab/server_child.h"
#include "slowfast/build_dir.h"
#include "slowfast/lab_certs.h"
#include "uv_nonblocking/module_loader.h"

namespace {
using namespace slowfast;

// Small, so that 9 repetitions of every cell stay within a couple of minutes: a slow
// cell takes N x delay = 2 s, a fast one 0.2 s.
constexpr int kN = 10;
constexpr double kDelay = 0.2;
constexpr double kWatchdogMs = 20;

lab::LabOptions options() {
  lab::LabOptions o;
  o.labs_dir = SLOWFAST_SOURCE_DIR "/labs";
  o.build_dir = build_dir();
  o.n = kN;
  o.delay_s = kDelay;
  o.watchdog_ms = kWatchdogMs;
  // Stage 0 is the host, as `slowfast lab` runs it: whatever is installed.
  for (Runtime rt : {Runtime::kPy27, Runtime::kPy37}) o.host_module_path[rt] = module_path_for("", rt);
  return o;
}

// One server for the whole binary, started on first use, and the URL of its delay.
const Url& delay_url() {
  static std::optional<lab::ServerChild> server;
  static std::optional<Url> url;
  if (!url) {
    std::filesystem::path certs = build_dir() / "lab-certs";
    ensure_lab_certs(certs);
    server.emplace(build_dir() / "bin" / "slowfast-server", certs);
    std::string why;
    url = parse_url(fmt::format("https://127.0.0.1:{}/delay/{:g}", server->https_port(), kDelay), &why);
    if (!url) throw std::runtime_error("internal: " + why);
  }
  return *url;
}

// "BM_Stage/stage:3/runtime:py37/variant:uv-nonblocking"; stage 0 names its environment
// ("stage:0-host", "stage:0-laptop").
std::string name_of(const lab::PlannedCell& c) {
  std::string stage = c.stage == 0 ? fmt::format("0-{}", c.env.empty() ? "host" : c.env) : std::to_string(c.stage);
  return fmt::format("BM_Stage/stage:{}/runtime:{}/variant:{}", stage, to_string(c.runtime), to_string(c.variant));
}

void run_stage_cell(benchmark::State& state, const lab::LabOptions& o, const lab::PlannedCell& planned) {
  double valid = 0, concurrency = 0, stalls = 0, blocked = 0, ok = 0;
  for (auto _ : state) {
    lab::Cell cell = lab::run_cell(o, planned, delay_url());
    const RunResult& r = cell.result;
    state.SetIterationTime(r.total_s);
    valid += static_cast<double>(r.valid_pages.size());
    concurrency += run_stats(r).effective_concurrency;
    stalls += static_cast<double>(r.watchdog.stalls.size());
    blocked += r.total_s > 0 ? r.watchdog.total_blocked_s() / r.total_s : 0;
    ok += cell.matches() ? 1 : 0;
  }
  // Averages over the iterations of this repetition (one, unless asked otherwise).
  auto avg = [&](double sum) { return benchmark::Counter(sum, benchmark::Counter::kAvgIterations); };
  state.counters["valid_pages"] = avg(valid);
  state.counters["effective_concurrency"] = avg(concurrency);
  state.counters["stalls"] = avg(stalls);
  state.counters["blocked_share"] = avg(blocked);
  state.counters["verdict_ok"] = avg(ok);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  try {
    static const lab::LabOptions o = options();
    static const std::vector<lab::PlannedCell> cells = lab::plan_cells(o);  // builds the environments
    for (const lab::PlannedCell& c : cells)
      benchmark::RegisterBenchmark(name_of(c).c_str(), run_stage_cell, o, c)
          ->Iterations(1)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
    for (const auto& [key, value] : lab::capture_environment(o.labs_dir)) benchmark::AddCustomContext("slowfast_" + key, value);
    benchmark::AddCustomContext("slowfast_n", std::to_string(kN));
    benchmark::AddCustomContext("slowfast_delay_s", fmt::format("{:g}", kDelay));
    benchmark::RunSpecifiedBenchmarks();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "slowfast-bench-stages: error: %s\n", e.what());
    return 2;
  }
  benchmark::Shutdown();
  return 0;
}
