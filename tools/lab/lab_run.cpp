#include "lab_run.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

#include "slowfast/lab_certs.h"
#include "environment.h"
#include "expectations.h"
#include "fetch.h"
#include "server_child.h"
#include "stage_env.h"
#include "stage_table.h"
#include "core/verdict.h"

namespace slowfast::lab {
namespace fs = std::filesystem;

namespace {

using ModulePaths = std::map<Runtime, std::vector<fs::path>>;

struct StagePlan {
  int stage;
  std::string env;  // Cell::env
  ModulePaths module_path;
  std::map<std::string, Verdict> expected;  // empty: derived from the modules found
};

// The environment `requirements` describe, built under `dir`: one directory for every
// runtime (dir/modules), or one each (dir/py27/modules, ...) when lines carry markers.
ModulePaths build_environments(const LabOptions& o, const fs::path& dir, const std::vector<Requirement>& requirements) {
  const fs::path store = o.build_dir / "modules";
  ModulePaths paths;
  for (Runtime rt : {Runtime::kPy27, Runtime::kPy37}) {
    fs::path env = has_markers(requirements) ? dir / to_string(rt) / "modules" : dir / "modules";
    build_environment(env, for_runtime(requirements, rt), store);
    paths[rt] = {env};
  }
  return paths;
}

std::vector<StagePlan> plan_stage(const LabOptions& o, int stage) {
  std::vector<int> known = stage_numbers(o.labs_dir);
  if (std::find(known.begin(), known.end(), stage) == known.end())
    throw std::runtime_error(fmt::format("no stage {} in {}", stage, o.labs_dir.string()));
  const fs::path dir = o.build_dir / "labs" / fmt::format("stage{}", stage);
  if (stage != kHostStage) {
    Stage spec = read_stage(o.labs_dir, stage);
    return {{stage, "", build_environments(o, dir, spec.requirements), spec.expected}};
  }
  std::vector<StagePlan> plans{{stage, "", o.host_module_path, {}}};
  if (fs::exists(o.labs_dir / kLaptopRequirements))
    plans.push_back({stage, kLaptopEnv,
                     build_environments(o, dir / kLaptopEnv, read_requirements(o.labs_dir / kLaptopRequirements)),
                     {}});
  return plans;
}

}  // namespace

std::string Cell::waterfall_file() const {
  return fmt::format("waterfall-stage{}-{}{}.svg", stage, env.empty() ? "" : env + "-",
                     runtime_matters ? to_string(runtime) : to_string(variant));
}

std::string stage_label(int stage, const std::string& env) {
  if (stage != kHostStage) return std::to_string(stage);
  return fmt::format("{} ({})", stage, env.empty() ? "host" : env);
}


bool LabResult::all_match() const {
  for (const Cell& c : cells)
    if (!c.matches()) return false;
  return true;
}

namespace {

// Every environment first: a missing module stops the lab before any run.
std::vector<StagePlan> plan_lab(const LabOptions& o) {
  std::vector<int> stages = o.stages.empty() ? stage_numbers(o.labs_dir) : o.stages;
  if (stages.empty()) throw std::runtime_error("no stageN directories in " + o.labs_dir.string());
  std::vector<StagePlan> plans;
  for (int stage : stages)
    for (StagePlan& plan : plan_stage(o, stage)) plans.push_back(std::move(plan));
  return plans;
}

std::string path_text(const std::vector<fs::path>& path) {
  std::string text;
  for (const fs::path& dir : path) text += (text.empty() ? "" : ":") + dir.string();
  return text.empty() ? "(nothing installed)" : text;
}

}  // namespace

std::vector<std::string> prepare_environments(const LabOptions& o) {
  std::vector<std::string> lines;
  for (const StagePlan& p : plan_lab(o)) {
    const auto& py27 = p.module_path.at(Runtime::kPy27);
    const auto& py37 = p.module_path.at(Runtime::kPy37);
    lines.push_back(py27 == py37 ? fmt::format("stage {}: {}", stage_label(p.stage, p.env), path_text(py27))
                                 : fmt::format("stage {}: py27 {}, py37 {}", stage_label(p.stage, p.env),
                                               path_text(py27), path_text(py37)));
  }
  return lines;
}

std::vector<std::string> planned_rows(const LabOptions& o) {
  std::vector<std::string> rows;
  for (const StagePlan& p : plan_lab(o)) rows.push_back(stage_label(p.stage, p.env));
  return rows;
}

std::vector<PlannedCell> plan_cells(const LabOptions& o) {
  std::vector<PlannedCell> cells;
  for (const StagePlan& p : plan_lab(o)) {
    auto cell = [&](Variant variant, Runtime rt) {
      cells.push_back({p.stage, p.env, variant, rt, p.module_path.at(rt), p.expected});
    };
    for (Runtime rt : {Runtime::kPy27, Runtime::kPy37}) cell(Variant::kUvNonblocking, rt);
    if (p.stage == kHostStage && p.env.empty()) {
      cell(Variant::kBlocking, Runtime::kPy37);
      cell(Variant::kUvThreadpool, Runtime::kPy37);
    }
  }
  return cells;
}

Cell run_cell(const LabOptions& o, const PlannedCell& planned, const Url& url) {
  RunSpec spec;
  spec.url = url;
  spec.n = o.n;
  spec.variant = planned.variant;
  spec.runtime = planned.runtime;
  spec.delay_s = o.delay_s;
  spec.timeout_s = o.timeout_s;
  spec.deadline_s = default_deadline(spec.n, spec.delay_s);
  spec.cacert = LabCertPaths{o.build_dir / "lab-certs"}.ca_pem();
  spec.module_path = planned.module_path;
  if (planned.variant == Variant::kUvNonblocking) spec.watchdog_ms = o.watchdog_ms;
  SocketFactory factory(load_module_path(spec.module_path));

  Cell cell;
  cell.stage = planned.stage;
  cell.env = planned.env;
  cell.variant = planned.variant;
  cell.runtime = planned.runtime;
  cell.runtime_matters = planned.variant == Variant::kUvNonblocking;
  cell.modules = factory.module_ids();
  // R runs; the cell is the median run (its waterfall, stalls, threads), the verdict the
  // median's, the valid count the worst run's.
  std::vector<RunResult> runs;
  bool every_run_answered = true;
  cell.min_valid = o.n;
  for (int i = 0; i < std::max(1, o.repeat); ++i) {
    runs.push_back(run_fetch(spec, factory));
    const RunResult& r = runs.back();
    cell.totals.push_back(r.total_s);
    cell.min_valid = std::min(cell.min_valid, static_cast<int>(r.valid_pages.size()));
    cell.max_invalid = std::max(cell.max_invalid, static_cast<int>(r.invalid_pages.size()));
    every_run_answered = every_run_answered && !r.valid_pages.empty();
  }
  cell.stats = repeat_stats(cell.totals);
  std::vector<size_t> order(runs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return runs[a].total_s < runs[b].total_s; });
  cell.result = std::move(runs[order[(order.size() - 1) / 2]]);
  cell.verdict = every_run_answered ? verdict_for(cell.stats.median, o.delay_s, o.n) : Verdict::kUnknown;
  const std::string runtime = to_string(planned.runtime);
  if (planned.variant == Variant::kBlocking) cell.expected = expected_blocking(o.n);
  else if (planned.variant == Variant::kUvThreadpool) cell.expected = expected_threadpool(o.n, cell.result.threads);
  else if (planned.expected.count(runtime)) cell.expected = planned.expected.at(runtime);
  else cell.expected = expected_nonblocking(cell.modules, planned.runtime);
  return cell;
}

namespace {

// Every cell against one server of its own, stopped (and reaped) on return.
std::vector<Cell> run_cells(const LabOptions& o, const std::vector<PlannedCell>& jobs, const Progress& progress) {
  fs::path certs = o.build_dir / "lab-certs";
  ensure_lab_certs(certs);
  ServerChild server(o.build_dir / "bin" / "slowfast-server", certs);
  std::string why;
  auto url = parse_url(fmt::format("https://127.0.0.1:{}/delay/{:g}", server.https_port(), o.delay_s), &why);
  if (!url) throw std::runtime_error("internal: " + why);

  std::vector<Cell> cells;
  for (size_t i = 0; i < jobs.size(); ++i) {
    Cell pending;
    pending.stage = jobs[i].stage;
    pending.env = jobs[i].env;
    pending.variant = jobs[i].variant;
    pending.runtime = jobs[i].runtime;
    pending.runtime_matters = jobs[i].variant == Variant::kUvNonblocking;
    if (progress) progress(pending, i, jobs.size(), false);
    cells.push_back(run_cell(o, jobs[i], *url));
    if (progress) progress(cells.back(), i, jobs.size(), true);
  }
  return cells;
}

}  // namespace

LabResult run_lab(const LabOptions& o, const Progress& progress) {
  std::vector<PlannedCell> jobs = plan_cells(o);

  LabResult result;
  result.n = o.n;
  result.delay_s = o.delay_s;
  result.repeat = std::max(1, o.repeat);
  result.environment = capture_environment(o.labs_dir);
  // From before the server starts to after it has exited and been reaped (run_cells), so
  // that its CPU is in getrusage(RUSAGE_CHILDREN) and not counted as foreign.
  const CpuSample before = take_cpu_sample();
  result.cells = run_cells(o, jobs, progress);
  const CpuSample after = take_cpu_sample();
  int cores = 0;
  try {
    cores = std::stoi(result.environment.at("cores"));
  } catch (const std::exception&) {  // "unknown" stays 0: foreign_cpu_between leaves share 0
  }
  result.foreign_cpu = foreign_cpu_between(before, after, cores);
  return result;
}

}  // namespace slowfast::lab
