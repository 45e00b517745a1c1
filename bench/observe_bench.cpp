// What watching the loop costs (issue 5). A probe when nothing records (the price every
// run pays: one relaxed atomic load and a branch), a probe while recording, and the
// watchdog's overhead on a whole fast run against the real delay server:
//   build/bin/slowfast-bench-observe --benchmark_filter=FastRun
//     --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
// compares watchdog:0 (off) with watchdog:100 (on, 100 ms, probes recording).
#include <filesystem>
#include <optional>

#include <benchmark/benchmark.h>

#include "slowfast/build_dir.h"
#include "slowfast/lab_certs.h"
#include "core/probe_recorder.h"
#include "fetch.h"
#include "lab/server_child.h"

namespace {

using namespace slowfast;
namespace fs = std::filesystem;

constexpr probe::Site kSite{"bench", "step"};

void BM_ProbeOff(benchmark::State& state) {
  for (auto _ : state) {
    probe::Scope scope(kSite);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_ProbeOff);

void BM_ProbeRecording(benchmark::State& state) {
  probe::Recorder recorder;
  recorder.start();
  for (auto _ : state) {
    probe::Scope scope(kSite);
    benchmark::ClobberMemory();
  }
  recorder.stop();
}
BENCHMARK(BM_ProbeRecording);

// One server for the whole binary, started on first use.
lab::ServerChild& server() {
  static std::optional<lab::ServerChild> child;
  if (!child) {
    fs::path certs = build_dir() / "lab-certs";
    ensure_lab_certs(certs);
    child.emplace(build_dir() / "bin" / "slowfast-server", certs);
  }
  return *child;
}

// A fast run (no modules: NativeTlsSocket), N = 8, delay 50 ms: every handshake, read
// and dispatch of the run, with the watchdog at range(0) ms (0 = off, probes off too).
void BM_FastRun(benchmark::State& state) {
  RunSpec spec;
  std::string why;
  spec.url = *parse_url("https://127.0.0.1:" + std::to_string(server().https_port()) + "/delay/0.05", &why);
  spec.n = 8;
  spec.delay_s = 0.05;
  spec.cacert = LabCertPaths{build_dir() / "lab-certs"}.ca_pem();
  spec.watchdog_ms = static_cast<double>(state.range(0));
  SocketFactory factory;
  std::size_t stalls = 0;
  for (auto _ : state) {
    RunResult r = run_fetch(spec, factory);
    if (!r.invalid_pages.empty()) state.SkipWithError("invalid pages");
    stalls += r.watchdog.stalls.size();
  }
  state.counters["stalls"] = static_cast<double>(stalls);
}
BENCHMARK(BM_FastRun)->ArgName("watchdog")->Arg(0)->Arg(100)->UseRealTime()->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
