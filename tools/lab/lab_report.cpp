#include "lab_report.h"

#include <cmath>
#include <fstream>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "environment.h"
#include "observe/watchdog_report.h"
#include "observe/waterfall.h"
#include "stage_table.h"

namespace slowfast::lab {
namespace fs = std::filesystem;

namespace {

std::string modules_text(const std::vector<std::string>& modules) {
  return modules.empty() ? "none" : fmt::format("{}", fmt::join(modules, " "));
}

// One environment for both runtimes, or each runtime's own ("py27: a; py37: none").
std::string modules_text(const Cell& py27, const Cell& py37) {
  if (py27.modules == py37.modules) return modules_text(py27.modules);
  return "py27: " + modules_text(py27.modules) + "; py37: " + modules_text(py37.modules);
}

const Cell* find(const LabResult& r, int stage, const std::string& env, Variant v, Runtime rt) {
  for (const Cell& c : r.cells)
    if (c.stage == stage && c.env == env && c.variant == v && (!c.runtime_matters || c.runtime == rt)) return &c;
  return nullptr;
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

bool watchdog_ran(const LabResult& r) {
  for (const Cell& c : r.cells)
    if (c.result.watchdog.enabled) return true;
  return false;
}

// Beneath the first-read table: what the watchdog saw in each loop.
std::string render_stalls(const LabResult& r) {
  std::string out = fmt::format("\nLoop stalls (watchdog, uv-nonblocking cells{}):\n\n| stage | runtime | stalls |\n|---|---|---|\n",
                                r.repeat > 1 ? ", the median run of each" : "");
  double threshold_ms = 0;
  for (const Cell& c : r.cells) {
    if (!c.result.watchdog.enabled) continue;
    threshold_ms = c.result.watchdog.threshold_s * 1000;
    out += fmt::format("| {} | {} | {} |\n", c.stage_label(), c.runtime_label(),
                       stall_summary(c.result.watchdog, c.result.total_s));
  }
  return out + fmt::format("\nA stall: the loop made no progress for more than {:g} ms.\n", threshold_ms);
}

std::string cell_name(const Cell& c) {
  return fmt::format("stage {} {} {}", c.stage_label(), to_string(c.variant), c.runtime_label());
}

// One line per unstable cell, beneath the tables: which, and the figures that make it so.
std::string render_unstable(const LabResult& r) {
  std::string out;
  for (const Cell& c : r.cells)
    if (c.stats.unstable)
      out += fmt::format("⚠ unstable: {}: median {:.3f} s, runs {:.3f}-{:.3f} s, spread {:.1f} % > {:g} %\n",
                         cell_name(c), c.stats.median, c.stats.min, c.stats.max, 100 * c.stats.spread,
                         100 * kUnstableSpread);
  if (out.empty()) return out;
  return "\n" + out + fmt::format("Foreign CPU during the lab: {} - another job competing for the cores?\n",
                                  foreign_cpu_text(r.foreign_cpu));
}

std::string render_waterfall_links(const LabResult& r) {
  std::string out = "\n## Waterfalls\n\n";
  for (const Cell& c : r.cells)
    out += fmt::format("- {}: [{}]({})\n", cell_name(c), c.waterfall_file(), c.waterfall_file());
  return out;
}

}  // namespace

std::string foreign_cpu_text(const ForeignCpu& f) {
  return fmt::format("{:.2f} core-s over {:.1f} s ({:.1f} % of the machine)", f.foreign_core_s, f.wall_s,
                     100 * f.share);
}

std::string cell_text(const Cell& c) {
  // One run has no spread to show: the cell reads as it always did.
  std::string time = fmt::format("{:.3f} s", c.stats.median);
  if (c.stats.count > 1) time += fmt::format(" ({:.3f}-{:.3f}){}", c.stats.min, c.stats.max, c.stats.unstable ? " ⚠" : "");
  std::string text = fmt::format("{}  {:.2f}x  {}", time, c.ratio(), to_string(c.verdict));
  if (c.matches()) return text + " ✓";
  text += " ✗ expected " + to_string(c.expected);
  if (c.max_invalid > 0) text += fmt::format(" ({} invalid)", c.max_invalid);
  return text;
}

std::string render_tables(const LabResult& r) {
  std::string out = fmt::format(
      "N = {} requests to /delay/{:g} over HTTPS: fast < {:g} s (2 x delay), slow > {:g} s "
      "(N/2 x delay)\n{}\n| stage | modules | py27 | py37 |\n|---|---|---|---|\n",
      r.n, r.delay_s, 2 * r.delay_s, r.n / 2.0 * r.delay_s,
      r.repeat > 1 ? fmt::format("Each cell: the median total of {} runs (min-max), the verdict the median's; ⚠: "
                                 "unstable, (max - min) / median over {:g} %.\n",
                                 r.repeat, 100 * kUnstableSpread)
                   : "");
  std::set<std::pair<int, std::string>> rows;  // ascending, whatever order --stage gave them in
  for (const Cell& c : r.cells) rows.insert({c.stage, c.env});
  for (const auto& [stage, env] : rows) {
    const Cell* a = find(r, stage, env, Variant::kUvNonblocking, Runtime::kPy27);
    const Cell* b = find(r, stage, env, Variant::kUvNonblocking, Runtime::kPy37);
    if (!a || !b) continue;
    out += fmt::format("| {} | {} | {} | {} |\n", a->stage_label(), modules_text(*a, *b), cell_text(*a),
                       cell_text(*b));
  }
  const Cell* blocking = find(r, kHostStage, "", Variant::kBlocking, Runtime::kPy37);
  const Cell* pool = find(r, kHostStage, "", Variant::kUvThreadpool, Runtime::kPy37);
  const Cell* loop = find(r, kHostStage, "", Variant::kUvNonblocking, Runtime::kPy37);
  if (blocking && pool && loop) {
    out += "\nStage 0, the three clients side by side (the trigger of the story):\n\n"
           "| variant | concurrency | result |\n|---|---|---|\n";
    out += fmt::format("| blocking (requests) | 1 | {} |\n", cell_text(*blocking));
    out += fmt::format("| uv-threadpool | {} threads | {} |\n", pool->result.threads, cell_text(*pool));
    out += fmt::format("| uv-nonblocking (grequests), py37 | {} coroutines | {} |\n", r.n,
                       cell_text(*loop));
  }
  out += render_unstable(r);
  size_t differ = 0;
  for (const Cell& c : r.cells) differ += c.matches() ? 0 : 1;
  out += differ == 0
             ? fmt::format("\nAll {} verdicts match the story.\n", r.cells.size())
             : fmt::format("\n{} of {} verdicts differ from the story (✗ above).\n", differ,
                           r.cells.size());
  if (watchdog_ran(r)) out += render_stalls(r);
  return out;
}

nlohmann::json to_json(const LabResult& r) {
  auto ms = [](double s) { return std::round(s * 1000) / 1000; };
  nlohmann::json cells = nlohmann::json::array();
  for (const Cell& c : r.cells) {
    std::vector<double> runs;
    for (double t : c.totals) runs.push_back(ms(t));
    cells.push_back({{"stage", c.stage},
                     {"env", c.env.empty() && c.stage == kHostStage ? "host" : c.env},
                     {"runtime", c.runtime_label()},
                     {"variant", to_string(c.variant)},
                     {"modules", c.modules},
                     {"total_s", ms(c.stats.median)},
                     {"runs_s", runs},
                     {"min_s", ms(c.stats.min)},
                     {"max_s", ms(c.stats.max)},
                     {"spread", std::round(c.stats.spread * 10000) / 10000},
                     {"unstable", c.stats.unstable},
                     {"ratio", std::round(c.ratio() * 100) / 100},
                     {"verdict", to_string(c.verdict)},
                     {"expected", to_string(c.expected)},
                     {"valid", c.min_valid},
                     {"invalid", c.max_invalid},
                     {"threads", c.result.threads},
                     {"waterfall", c.waterfall_file()},
                     {"stalls", c.result.watchdog.stalls.size()},
                     {"blocked_s", ms(c.result.watchdog.total_blocked_s())}});
  }
  nlohmann::json environment = r.environment;
  environment["foreign_cpu"] = to_json(r.foreign_cpu);
  return {{"n", r.n},           {"delay_s", r.delay_s},  {"repeat", r.repeat}, {"unstable_spread", kUnstableSpread},
          {"environment", environment}, {"cells", cells}};
}

void write_results(const LabResult& r, const fs::path& dir, const std::string& command) {
  fs::create_directories(dir);
  std::string env = "# Environment of the last `make labs` run\n\n| | |\n|---|---|\n";
  for (const auto& [k, v] : r.environment) env += fmt::format("| {} | {} |\n", k, v);
  env += fmt::format("| foreign CPU | {} |\n", foreign_cpu_text(r.foreign_cpu));
  write_file(dir / "environment.md", env);
  write_file(dir / "stages.md",
             fmt::format("# Stage results\n\nProduced by `{}` on {}.\n\n"
                         "Environment: {} (environment.md, and stages.json's \"environment\").\n"
                         "Foreign CPU during the run (the machine's CPU time not used by the lab's own "
                         "processes): {}.\n\n{}",
                         command, r.environment.at("date"), environment_line(r.environment),
                         foreign_cpu_text(r.foreign_cpu), render_tables(r) + render_waterfall_links(r)));
  write_file(dir / "stages.json", to_json(r).dump(2) + "\n");
  for (const Cell& c : r.cells)
    write_file(dir / c.waterfall_file(),
               render_waterfall_svg(c.result, waterfall_caption(c.result, "stage " + c.stage_label())));
}

}  // namespace slowfast::lab
