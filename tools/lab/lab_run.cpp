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

namespace slowfast::lab {
namespace fs = std::filesystem;

namespace {

struct StagePlan {
  int stage;
  std::vector<fs::path> module_path;
  std::map<std::string, Verdict> expected;  // empty for the host: derived
};

StagePlan plan_stage(const LabOptions& o, int stage) {
  std::vector<int> known = stage_numbers(o.labs_dir);
  if (std::find(known.begin(), known.end(), stage) == known.end())
    throw std::runtime_error(fmt::format("no stage {} in {}", stage, o.labs_dir.string()));
  if (stage == kHostStage) return {stage, o.host_module_path, {}};
  Stage spec = read_stage(o.labs_dir, stage);
  fs::path env = o.build_dir / "labs" / fmt::format("stage{}", stage) / "modules";
  build_environment(env, spec.requirements, o.build_dir / "modules");
  return {stage, {env}, spec.expected};
}

Cell run_cell(const LabOptions& o, const StagePlan& plan, const Url& url, Variant variant,
              Runtime runtime) {
  RunSpec spec;
  spec.url = url;
  spec.n = o.n;
  spec.variant = variant;
  spec.runtime = runtime;
  spec.delay_s = o.delay_s;
  spec.timeout_s = o.timeout_s;
  spec.deadline_s = default_deadline(spec.n, spec.delay_s);
  spec.cacert = LabCertPaths{o.build_dir / "lab-certs"}.ca_pem();
  spec.module_path = plan.module_path;
  if (variant == Variant::kUvNonblocking) spec.watchdog_ms = o.watchdog_ms;
  SocketFactory factory(load_module_path(spec.module_path));

  Cell cell;
  cell.stage = plan.stage;
  cell.variant = variant;
  cell.runtime = runtime;
  cell.runtime_matters = variant == Variant::kUvNonblocking;
  cell.modules = factory.module_ids();
  cell.result = run_fetch(spec, factory);
  if (variant == Variant::kBlocking) cell.expected = expected_blocking(o.n);
  else if (variant == Variant::kUvThreadpool) cell.expected = expected_threadpool(o.n, cell.result.threads);
  else if (plan.expected.count(to_string(runtime))) cell.expected = plan.expected.at(to_string(runtime));
  else cell.expected = expected_nonblocking(cell.modules, runtime);
  return cell;
}

}  // namespace

std::string Cell::waterfall_file() const {
  return fmt::format("waterfall-stage{}-{}.svg", stage, runtime_matters ? to_string(runtime) : to_string(variant));
}

bool LabResult::all_match() const {
  for (const Cell& c : cells)
    if (!c.matches()) return false;
  return true;
}

std::vector<fs::path> default_host_module_path() {
  if (const char* env = std::getenv("SLOWFAST_PATH")) return split_module_path(env);
  if (fs::is_directory(kSystemModuleDir)) return {kSystemModuleDir};
  return {};
}

LabResult run_lab(const LabOptions& o, const Progress& progress) {
  // Every environment first: a missing module stops the lab before any run.
  std::vector<int> stages = o.stages.empty() ? stage_numbers(o.labs_dir) : o.stages;
  if (stages.empty()) throw std::runtime_error("no stageN directories in " + o.labs_dir.string());
  std::vector<StagePlan> plans;
  for (int stage : stages) plans.push_back(plan_stage(o, stage));

  struct Job {
    const StagePlan* plan;
    Variant variant;
    Runtime runtime;
  };
  std::vector<Job> jobs;
  for (const StagePlan& p : plans) {
    for (Runtime rt : {Runtime::kPy27, Runtime::kPy37}) jobs.push_back({&p, Variant::kUvNonblocking, rt});
    if (p.stage == kHostStage) {
      jobs.push_back({&p, Variant::kBlocking, Runtime::kPy37});
      jobs.push_back({&p, Variant::kUvThreadpool, Runtime::kPy37});
    }
  }

  fs::path certs = o.build_dir / "lab-certs";
  ensure_lab_certs(certs);
  ServerChild server(o.build_dir / "bin" / "slowfast-server", certs);
  std::string why;
  auto url = parse_url(fmt::format("https://127.0.0.1:{}/delay/{:g}", server.https_port(), o.delay_s), &why);
  if (!url) throw std::runtime_error("internal: " + why);

  LabResult result;
  result.n = o.n;
  result.delay_s = o.delay_s;
  result.environment = capture_environment();
  for (size_t i = 0; i < jobs.size(); ++i) {
    Cell pending;
    pending.stage = jobs[i].plan->stage;
    pending.variant = jobs[i].variant;
    pending.runtime = jobs[i].runtime;
    pending.runtime_matters = jobs[i].variant == Variant::kUvNonblocking;
    if (progress) progress(pending, i, jobs.size(), false);
    result.cells.push_back(run_cell(o, *jobs[i].plan, *url, jobs[i].variant, jobs[i].runtime));
    if (progress) progress(result.cells.back(), i, jobs.size(), true);
  }
  return result;
}

}  // namespace slowfast::lab
