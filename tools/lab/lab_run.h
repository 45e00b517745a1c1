// `slowfast lab`: each stage's environment built from its requirements, the lab's own
// delay server, and one run per stage x runtime (stage 0 also runs the three variants
// side by side), each compared with what the story says it must show.
#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/run_types.h"
#include "foreign_cpu.h"
#include "repeat_stats.h"

namespace slowfast::lab {

struct LabOptions {
  std::vector<int> stages;  // empty: every stage labs_dir holds
  int n = 10;
  double delay_s = 1;
  double timeout_s = 30;
  // The loop-stall watchdog on every uv-nonblocking cell (the others have no loop to
  // block); 0 = off.
  double watchdog_ms = 100;
  // Runs per cell: each cell's time is the median of `repeat` runs, with their min-max.
  int repeat = 1;
  std::filesystem::path labs_dir;   // labs/: stageN/{README.md,requirements.txt,expected.txt}
  std::filesystem::path build_dir;  // build/: bin/, modules/ (the store), lab-certs/, labs/
  // Stage 0 is the host: each runtime's module path as every command finds it
  // (module_path_for: $SLOWFAST_PATH when set, else the runtime's site).
  std::map<Runtime, std::vector<std::filesystem::path>> host_module_path;
};

// "2", "0 (host)", "0 (laptop)": the stage column of the tables.
std::string stage_label(int stage, const std::string& env);

struct Cell {
  int stage = 0;
  // Stage 0 runs on the host ("") and, from labs/stage0/laptop.txt, on the story's
  // laptop ("laptop"); the other stages have one environment ("").
  std::string env;
  Variant variant = Variant::kUvNonblocking;
  Runtime runtime = Runtime::kPy37;
  bool runtime_matters = true;  // false for the cpp-httplib variants
  std::vector<std::string> modules;
  Verdict expected = Verdict::kUnknown;
  // The run whose total is the median (the lower middle one for an even count): its
  // waterfall, stalls and thread count stand for the cell.
  RunResult result;
  std::vector<double> totals;  // every run's total_s, in the order they ran
  RepeatStats stats;           // of totals
  int min_valid = 0, max_invalid = 0;  // the worst run's counts
  // From the median total (verdict_for), unknown when a run had no valid response:
  // one lucky or unlucky run does not decide a cell.
  Verdict verdict = Verdict::kUnknown;
  double ratio() const { return result.delay_s > 0 ? stats.median / result.delay_s : 0; }
  bool matches() const { return verdict == expected; }
  std::string runtime_label() const { return runtime_matters ? to_string(runtime) : "any"; }
  // "waterfall-stage2-py37.svg"; stage 0's httplib variants: "waterfall-stage0-blocking.svg";
  // the laptop's: "waterfall-stage0-laptop-py27.svg".
  std::string waterfall_file() const;
  std::string stage_label() const { return lab::stage_label(stage, env); }
};

struct LabResult {
  int n = 0;
  double delay_s = 0;
  int repeat = 1;
  std::map<std::string, std::string> environment;
  ForeignCpu foreign_cpu;  // over the whole lab: the server's start to its exit
  std::vector<Cell> cells;
  bool all_match() const;
};

// One cell before it runs, its environment built: what run_lab runs for each row, and
// what the stage benchmarks (bench/stage_bench.cpp) run again and again.
struct PlannedCell {
  int stage = 0;
  std::string env;  // Cell::env
  Variant variant = Variant::kUvNonblocking;
  Runtime runtime = Runtime::kPy37;
  std::vector<std::filesystem::path> module_path;
  std::map<std::string, Verdict> expected;  // the stage's, by runtime; empty: derived
};

// Every cell of the stages `options` names, in the tables' order; builds every
// environment first, so a missing module stops the lab before any run.
std::vector<PlannedCell> plan_cells(const LabOptions& options);

// Runs one cell against `url` (the lab's server, /delay/<options.delay_s>).
Cell run_cell(const LabOptions& options, const PlannedCell& cell, const Url& url);

// Called before (done = false) and after (done = true) each cell.
using Progress = std::function<void(const Cell& cell, size_t index, size_t total, bool done)>;

// Throws std::runtime_error on a set-up failure (missing module, server down, bad
// requirements file); per-request failures stay in the cells' records.
LabResult run_lab(const LabOptions& options, const Progress& progress);

// Builds every environment run_lab would run on and says where each is, one line per
// environment ("stage 2: build/labs/stage2/modules"): `slowfast lab --prepare`, the
// stages' module directories for `fetch --modules` without a run.
std::vector<std::string> prepare_environments(const LabOptions& options);

// The rows run_lab will run, as Cell::stage_label() names them ("0 (host)", "0 (laptop)",
// "1", ...): what `--predict` asks about. Builds the environments too.
std::vector<std::string> planned_rows(const LabOptions& options);

// The laptop of the story, shipped beside stage 0: pyOpenSSL for Python 2.7 only.
inline constexpr const char* kLaptopEnv = "laptop";
inline constexpr const char* kLaptopRequirements = "stage0/laptop.txt";

}  // namespace slowfast::lab
