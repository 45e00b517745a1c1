// `slowfast lab [--stage K ...] [-n N] [--delay S] [--repeat R] [--watchdog MS] [--out DIR]`:
// the stages as a lab. Starts its own delay server, builds each stage's environment, runs
// every stage x runtime R times (the loop watched for stalls, 100 ms by default), prints
// the table and, with --out, writes it and one waterfall SVG per cell to DIR.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.h"
#include "lab/lab_report.h"
#include "lab/lab_run.h"
#include "lab/predict.h"
#include "lab/stage_table.h"
#include "slowfast/build_dir.h"
#include "uv_nonblocking/module_loader.h"

namespace slowfast::cli {
namespace fs = std::filesystem;

namespace {

struct LabCommandOptions {
  std::vector<int> stages;
  int n = 10;
  // 1 by default: the stage READMEs' `make lab-stageN` show one run per cell and keep the
  // speed of a workshop step (a slow stage is 2 x 10 s, not 60 s); their verdicts are
  // 5-10x apart, far outside any jitter. `make labs`, which writes results/, passes
  // --repeat 3 (LAB_REPEAT): a table kept as evidence shows its spread.
  int repeat = 1;
  double delay = 1, timeout = 30, watchdog = 100;
  std::string out, labs = SLOWFAST_SOURCE_DIR "/labs";
  bool prepare = false, predict = false;
};

void progress(const lab::Cell& c, size_t i, size_t total, bool done) {
  if (!done) {
    std::cout << fmt::format("[{:>2}/{}] stage {:<10} {:<14} {:<4} ... ", i + 1, total, c.stage_label(),
                             to_string(c.variant), c.runtime_label())
              << std::flush;
  } else {
    std::cout << lab::cell_text(c) << "\n";
  }
}

void run(const LabCommandOptions& o, const std::string& command) {
  lab::LabOptions opts;
  opts.labs_dir = o.labs;
  // Printed below, so resolved here: no --stage means every stage labs/ holds.
  opts.stages = o.stages.empty() ? lab::stage_numbers(opts.labs_dir) : o.stages;
  opts.n = o.n;
  opts.repeat = o.repeat;
  opts.delay_s = o.delay;
  opts.timeout_s = o.timeout;
  opts.watchdog_ms = o.watchdog;
  opts.build_dir = build_dir();
  std::string host_paths;
  for (Runtime rt : {Runtime::kPy27, Runtime::kPy37}) {
    opts.host_module_path[rt] = module_path_for("", rt);
    std::string path;
    for (const fs::path& dir : opts.host_module_path[rt]) path += (path.empty() ? "" : ":") + dir.string();
    host_paths += fmt::format(" {}: {}", to_string(rt), path.empty() ? "(nothing installed)" : path);
  }
  if (o.prepare) {
    for (const std::string& line : lab::prepare_environments(opts)) std::cout << line << "\n";
    return;
  }
  std::vector<lab::Guess> guesses;
  if (o.predict) {
    std::vector<std::string> rows = lab::planned_rows(opts);
    std::cout << fmt::format("Predict each cell: N = {} requests to /delay/{:g}, uv-nonblocking (grequests).\n\n{}\n",
                             opts.n, opts.delay_s, lab::render_blank_table(rows));
    guesses = lab::ask_guesses(rows, std::cin, std::cout);
    std::cout << "\n";
  }
  std::cout << fmt::format("slowfast lab: N = {}, delay {:g} s, {}stages {}; stage 0 (the host) module path{}\n",
                           opts.n, opts.delay_s, opts.repeat > 1 ? fmt::format("{} runs per cell, ", opts.repeat) : "",
                           fmt::join(opts.stages, " "), host_paths);
  lab::LabResult result = lab::run_lab(opts, progress);
  std::cout << "\n" << lab::render_tables(result);
  std::cout << "\nForeign CPU during the lab (the machine's CPU time its own processes did not use): "
            << lab::foreign_cpu_text(result.foreign_cpu) << "\n";
  if (o.predict) std::cout << "\n" << lab::render_score(guesses, result);
  if (!o.out.empty()) {
    lab::write_results(result, o.out, command);
    std::cout << fmt::format("Wrote {0}/stages.md, {0}/stages.json, {0}/environment.md and {1} waterfall SVGs\n",
                             o.out, result.cells.size());
  }
  if (!result.all_match()) throw Exit{kExitInvalid};
}

}  // namespace

void add_lab_command(CLI::App& app) {
  auto o = std::make_shared<LabCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "lab", "Run the stages (0-4) against the lab's own delay server and check each verdict");
  cmd->add_option("--stage", o->stages, "Stage(s) to run (default: all)")->check(CLI::Range(0, 4));
  cmd->add_option("-n", o->n, "Requests per run")->capture_default_str()->check(CLI::Range(1, 10000));
  cmd->add_option("--repeat", o->repeat, "Runs per cell: the table shows their median and min-max")
      ->capture_default_str()->check(CLI::Range(1, 100));
  cmd->add_option("--delay", o->delay, "Server delay in seconds")->capture_default_str()
      ->check(CLI::Range(0.01, 10.0));
  cmd->add_option("--timeout", o->timeout, "Seconds each wait of a request may take")
      ->capture_default_str();
  cmd->add_option("--watchdog", o->watchdog, "Loop-stall watchdog threshold in ms on the uv-nonblocking cells (0: off)")
      ->capture_default_str()->check(CLI::Range(0.0, 60000.0));
  cmd->add_option("--out", o->out, "Write stages.md, stages.json and environment.md here");
  cmd->add_option("--labs", o->labs, "The labs/ directory")->capture_default_str();
  cmd->add_flag("--predict", o->predict,
                "Predict, then reveal: show the table with ??? cells, read a guess per cell from stdin "
                "(fast, slow or mixed), run, and score the guesses");
  cmd->add_flag("--prepare", o->prepare,
                "Only build the stages' environments (build/labs/stageN/modules, for fetch --modules) "
                "and say where they are; no server, no run");
  cmd->callback([o] {
    std::string command = fmt::format("slowfast lab -n {} --delay {:g} --repeat {}", o->n, o->delay, o->repeat);
    for (int s : o->stages) command += fmt::format(" --stage {}", s);
    run(*o, command);
  });
}

}  // namespace slowfast::cli
