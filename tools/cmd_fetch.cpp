// `slowfast fetch --url URL -n N [--variant V] [--runtime R] [--modules DIR]
//   [--cacert FILE | --insecure] [--timeout S] [--deadline S] [--delay S] [--json FILE] [-v]
//   [--socket-class] [--trace] [--profile] [--watchdog MS] [--waterfall FILE.svg]
//   [--waterfall-text] [--csv FILE] [--chrome-trace FILE] [--percentiles FILE] [--loops K|auto]`:
// N GETs of URL?page=i, checked page by page, then the original's summary lines, then
// what was asked for (the tools that found the story's bug). Exit 0: all valid; 1: some
// invalid; 2: usage or set-up; 128 + signal when SIGINT/SIGTERM ended the run (its
// summary and JSON are still written).
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "commands.h"
#include "core/interrupt.h"
#include "slowfast/lab_certs.h"
#include "core/run_json.h"
#include "core/run_stats.h"
#include "fetch.h"
#include "observe/profile_table.h"
#include "observe/trace.h"
#include "observe/watchdog_report.h"
#include "lab/environment.h"
#include "lab/foreign_cpu.h"
#include "observe/exports.h"
#include "observe/waterfall.h"

namespace slowfast::cli {

namespace {

struct FetchOptions {
  std::string url, variant = "uv-nonblocking", runtime = "py37", modules, cacert, json, waterfall, check = "page";
  std::string csv, chrome_trace, percentiles;  // exports (observe/exports.h)
  std::string loops = "1";                     // a number, or auto: one per core
  int n = 10;
  double timeout = 30, deadline = 0, delay = 0, watchdog_ms = 0;  // deadline 0: the default
  bool insecure = false, verbose = false, socket_class = false;
  bool trace = false, profile = false, waterfall_text = false;
  bool deadline_given = false;
};

[[noreturn]] void usage_error(const std::string& what) { throw CLI::ValidationError(what); }

// `--loops K`: a count from 1 to 64, or `auto`, one loop per core.
int parse_loops(const std::string& text) {
  if (text == "auto") return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  std::size_t used = 0;
  int k = 0;
  try {
    k = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || k < 1 || k > 64) usage_error("--loops must be a number from 1 to 64, or auto");
  return k;
}

RunSpec make_spec(const FetchOptions& o) {
  RunSpec spec;
  std::string why;
  auto url = parse_url(o.url, &why);
  if (!url) usage_error("--url " + o.url + ": " + why);
  spec.url = *url;
  if (o.n < 1) usage_error("-n must be at least 1");
  spec.n = o.n;
  auto variant = parse_variant(o.variant);
  if (!variant) usage_error("--variant must be blocking, uv-threadpool or uv-nonblocking");
  spec.variant = *variant;
  auto runtime = parse_runtime(o.runtime);
  if (!runtime) usage_error("--runtime must be py27 or py37");
  spec.runtime = *runtime;
  auto check = parse_check(o.check);
  if (!check) usage_error("--check must be page, length, status or none");
  spec.check = *check;
  if (spec.check == Check::kLength && !length_from_url(spec.url))
    usage_error("--check length needs a URL that says its length: /bytes/{n} or /drip[?numbytes=n]");
  if (!(o.timeout > 0)) usage_error("--timeout must be positive");
  spec.timeout_s = o.timeout;
  spec.delay_s = o.delay > 0 ? o.delay : delay_from_url(spec.url);
  if (o.deadline_given && !(o.deadline > 0)) usage_error("--deadline must be positive");
  spec.deadline_s = o.deadline_given ? o.deadline : default_deadline(spec.n, spec.delay_s);
  spec.insecure = o.insecure;
  spec.cacert = o.cacert.empty() ? LabCertPaths{default_lab_certs_dir()}.ca_pem() : std::filesystem::path(o.cacert);
  if (spec.url.tls() && !spec.insecure && !std::filesystem::exists(spec.cacert))
    throw std::runtime_error("no CA file at " + spec.cacert.string() +
                             " (run `slowfast certs`, start the server, or pass --cacert)");
  spec.module_path = module_path_for(o.modules, spec.runtime);
  if ((o.profile || o.watchdog_ms > 0) && spec.variant != Variant::kUvNonblocking)
    usage_error("--profile and --watchdog watch the libuv loop: only --variant uv-nonblocking has one to block");
  spec.profile = o.profile;
  spec.watchdog_ms = o.watchdog_ms;
  spec.loops = parse_loops(o.loops);
  if (spec.loops > 1 && spec.variant != Variant::kUvNonblocking)
    usage_error("--loops runs several libuv loops: only --variant uv-nonblocking has one");
  if (spec.loops > 1 && (o.profile || o.watchdog_ms > 0 || o.trace))
    usage_error("--profile, --watchdog and --trace watch one loop: leave --loops at 1 for them");
  return spec;
}

std::string fmt_t(const std::optional<double>& t) { return t ? fmt::format("{:.3f}", *t) : "-"; }

void print_request(const RequestRecord& r) {
  const Timeline& t = r.t;
  std::cerr << fmt::format("page={} status={} bytes={} socket={} start={} connected={} tls_done={} sent={} "
                           "first_byte={} done={}{}\n",
                           r.page, r.status, r.bytes, r.socket_class, fmt_t(t.start), fmt_t(t.connected),
                           fmt_t(t.tls_done), fmt_t(t.sent), fmt_t(t.first_byte), fmt_t(t.done),
                           r.valid() ? "" : " error_kind=" + r.error_kind + " error=" + r.error);
}

// One line per distinct error, with its kind and how many requests it hit.
void print_errors(const RunResult& r) {
  std::map<std::pair<std::string, std::string>, int> count;
  for (const RequestRecord& rec : r.requests)
    if (!rec.valid()) ++count[{rec.error_kind, rec.error}];
  for (const auto& [what, k] : count)
    std::cerr << fmt::format("slowfast: error: {} of {} requests: [{}] {}\n", k, r.n, what.first, what.second);
}

// wrk's "Socket errors: connect 0, read 0, ..." line: every kind, timeouts split by step.
std::string errors_line(const RunResult& r) {
  std::map<std::string, int> by_kind = errors_by_kind(r), timeouts;
  for (const RequestRecord& rec : r.requests)
    if (rec.error_kind.rfind("timeout-", 0) == 0) ++timeouts[rec.error_kind.substr(8)];
  std::vector<std::string> parts;
  for (const char* kind : kFailureKindsInSummary) {
    std::string part = fmt::format("{} {}", kind, by_kind[kind]);
    if (std::string(kind) == "timeout" && !timeouts.empty()) {
      std::vector<std::string> steps;
      for (const auto& [step, k] : timeouts) steps.push_back(fmt::format("{} {}", step, k));
      part += fmt::format(" ({})", fmt::join(steps, ", "));
    }
    parts.push_back(part);
  }
  return fmt::format("errors: {}", fmt::join(parts, ", "));
}

std::string spread_line(const Spread& s) {
  if (s.count == 0) return "none";
  return fmt::format("p50={:.3f} p90={:.3f} p99={:.3f} max={:.3f} s", s.p50, s.p90, s.p99, s.max);
}

// How concurrent the run really was, and its latency from where the user started the
// clock and from where a per-request log would (core/run_stats.h).
void print_concurrency(const RunStats& st, double total_s) {
  if (st.timed == 0) return;
  std::cout << fmt::format("effective_concurrency={:.2f} ({:.3f} s in flight, send to done / {:.3f} s of wall "
                           "time); done between {:.3f} and {:.3f} s\n",
                           st.effective_concurrency, st.in_flight_sum_s, total_s, st.first_done_s, st.last_done_s)
            << "latency from the intended start (0): " << spread_line(st.from_intended_start) << "\n"
            << "latency from the actual send:        " << spread_line(st.from_send) << "\n";
  if (!st.serialised_by.empty()) std::cout << "serialised by " << st.serialised_by << "\n";
}

// Where the loop thread's time went (core/run_types.h: LoopBudget), and what it means.
// With K loops the times are the loops' sums (uv_nonblocking_client.cpp), and say so.
void print_loop_budget(const LoopBudget& loop, int loops) {
  if (!loop.enabled) return;
  std::string who = loops > 1 ? fmt::format("{} loops, summed", loops) : "loop";
  std::cout << fmt::format("{}: utilisation {:.2f} (idle in epoll {:.3f} s of {:.3f} s), on a CPU {:.3f} s, "
                           "blocked outside its wait {:.3f} s\n",
                           who, loop.utilisation(), loop.idle_s, loop.wall_s, loop.cpu_s, loop.blocked_s());
  if (std::string s = loop.signature(); !s.empty()) std::cout << s << "\n";
}

void print_summary(const RunResult& r, const FetchOptions& o) {
  std::cout << "variant=" << to_string(r.variant);
  // The runtime picks the reader's call and the modules the socket class: both live in the
  // uv-nonblocking client only (cpp-httplib reads and does TLS its own way).
  if (r.variant == Variant::kUvNonblocking) {
    std::string modules = r.modules.empty() ? "none" : fmt::format("{}", fmt::join(r.modules, ","));
    std::cout << fmt::format(" runtime={} modules={}", to_string(r.runtime), modules);
  }
  std::cout << fmt::format(" n={} delay={:.3f}", r.n, r.delay_s);
  if (r.threads > 0) std::cout << " threads=" << r.threads;
  if (r.loops > 1) std::cout << " loops=" << r.loops;
  std::cout << "\n";
  if (o.socket_class)
    for (const RequestRecord& rec : r.requests)
      std::cout << fmt::format("page={} socket_class={}\n", rec.page, rec.socket_class);
  if (!r.invalid_pages.empty()) {
    std::cout << fmt::format("invalid_page_ids = [{}]\n", fmt::join(r.invalid_pages, ", "));
    std::cout << errors_line(r) << "\n";
  }
  std::cout << "len(valid_page_ids) = " << r.valid_pages.size() << "\n"
            << "len(invalid_page_ids) = " << r.invalid_pages.size() << "\n"
            << fmt::format("total_time={:.3f}\n", r.total_s) << "verdict=" << to_string(r.verdict) << "\n";
  print_concurrency(run_stats(r), r.total_s);
  print_loop_budget(r.loop, r.loops);
}

// What was asked for beyond the summary: the trace on stderr (it is a log), the rest on stdout.
void print_observations(const RunResult& r, const RunSpec& spec, const FetchOptions& o) {
  if (o.waterfall_text) std::cout << "\n" << waterfall_caption(r) << "\n" << render_waterfall_text(r);
  if (spec.profile) std::cout << "\n" << render_profile(r.profile, r.total_s);
  if (r.watchdog.enabled) std::cout << "\n" << render_watchdog(r.watchdog, r.total_s);
}

// The run, and what it ran on: the machine, the build, and the CPU time others took
// while it ran (the server, when it shares the machine, counts as foreign here).
nlohmann::json run_json(const RunResult& r, const lab::CpuSample& before, const lab::CpuSample& after) {
  nlohmann::json j = to_json(r);
  std::map<std::string, std::string> machine = lab::capture_environment(SLOWFAST_SOURCE_DIR);
  nlohmann::json environment = machine;
  int cores = 0;
  try {
    cores = std::stoi(machine.at("cores"));
  } catch (const std::exception&) {  // "unknown": the share stays 0
  }
  environment["foreign_cpu"] = lab::to_json(lab::foreign_cpu_between(before, after, cores));
  j["environment"] = environment;
  return j;
}

void write_text(const std::string& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file);
}

void run(const FetchOptions& o) {
  RunSpec spec = make_spec(o);
  SocketFactory factory(load_module_path(spec.module_path));
  install_interrupt_handlers();
  LiveTrace trace(std::cerr, spec.url);
  if (o.trace) spec.events = &trace;
  const lab::CpuSample before = lab::take_cpu_sample();
  RunResult result = run_fetch(spec, factory);
  const lab::CpuSample after = lab::take_cpu_sample();
  if (o.verbose)
    for (const RequestRecord& rec : result.requests) print_request(rec);
  print_errors(result);
  print_summary(result, o);
  print_observations(result, spec, o);
  if (!o.json.empty()) write_text(o.json, run_json(result, before, after).dump(2) + "\n");
  if (!o.waterfall.empty()) write_text(o.waterfall, render_waterfall_svg(result, waterfall_caption(result)));
  if (!o.csv.empty()) write_text(o.csv, to_hey_csv(result));
  if (!o.chrome_trace.empty()) write_text(o.chrome_trace, to_chrome_trace(result));
  if (!o.percentiles.empty()) write_text(o.percentiles, to_percentile_spectrum(result));
  if (interrupted()) {
    std::cerr << fmt::format("slowfast: interrupted by signal {}: summary and JSON cover the run so far\n",
                             interrupt_signal());
    throw Exit{128 + interrupt_signal()};
  }
  if (!result.invalid_pages.empty()) throw Exit{kExitInvalid};
}

}  // namespace

void add_fetch_command(CLI::App& app) {
  auto o = std::make_shared<FetchOptions>();
  CLI::App* cmd = app.add_subcommand("fetch", "N concurrent GETs of URL?page=i, checked page by page");
  cmd->add_option("--url", o->url, "URL to fetch, e.g. https://127.0.0.1:8443/delay/1")->required();
  cmd->add_option("-n", o->n, "Number of requests (pages 0..n-1)")->capture_default_str();
  cmd->add_option("--variant", o->variant, "blocking | uv-threadpool | uv-nonblocking")->capture_default_str();
  cmd->add_option("--runtime", o->runtime, "py27 (reads with recv) | py37 (reads with recv_into)")
      ->capture_default_str();
  cmd->add_option("--modules", o->modules,
                  "Module directories (':'-separated; default $SLOWFAST_PATH, else the runtime's site "
                  "$SLOWFAST_SITE/RUNTIME, SLOWFAST_SITE defaulting to /usr/local/lib/slowfast)");
  auto* cacert = cmd->add_option("--cacert", o->cacert, "CA file (default: the lab CA, build/lab-certs/ca.pem)");
  cmd->add_flag("--insecure", o->insecure, "Do not verify the server certificate")->excludes(cacert);
  cmd->add_option("--timeout", o->timeout, "Seconds each wait may take (connect, handshake, write, read)")
      ->capture_default_str();
  auto* deadline = cmd->add_option(
      "--deadline", o->deadline,
      "Seconds one request may take in all, connect to last byte (failure kind 'deadline'); "
      "default 60, or 2 x N x delay when longer, so a fully serialised run still ends");
  cmd->add_option("--delay", o->delay, "Server delay for the verdict (default: from /delay/{s} in the URL)");
  cmd->add_option("--check", o->check,
                  "What makes a response valid: page (200, JSON echoes ?page=i), length (200, the "
                  "length /bytes/{n} or /drip asks for), status (200), none (any response)")
      ->capture_default_str();
  cmd->add_option("--loops", o->loops,
                  "uv-nonblocking: run K libuv loops, each on its own thread with every K-th request "
                  "(auto: one per core). For scale runs: the lab's stages keep 1, where one blocked loop "
                  "blocks every request; with K loops a blocking module serialises each loop's share only")
      ->capture_default_str();
  cmd->add_option("--json", o->json, "Write the run as JSON to FILE");
  cmd->add_flag("-v,--verbose", o->verbose, "One line per request with its timeline (stderr)");
  cmd->add_flag("--socket-class", o->socket_class, "Print the socket class each request used");
  cmd->add_flag("--trace", o->trace,
                "One line per event (started, connected, ..., response done) on stderr as it happens; "
                "with --watchdog, also while the loop is stuck");
  cmd->add_flag("--profile", o->profile, "Cumulative-time profile of the loop thread's probes (like cProfile)");
  cmd->add_option("--watchdog", o->watchdog_ms, "Report every loop stall longer than MS milliseconds")
      ->check(CLI::Range(1.0, 60000.0));
  cmd->add_option("--waterfall", o->waterfall, "Write the run's waterfall as SVG to FILE");
  cmd->add_flag("--waterfall-text", o->waterfall_text, "Print the run's waterfall");
  cmd->add_option("--csv", o->csv, "Write one row per request to FILE, in hey's CSV columns (with the offset)");
  cmd->add_option("--chrome-trace", o->chrome_trace,
                  "Write the run as Chrome trace-event JSON to FILE (Perfetto: a track per request, "
                  "the watchdog's stalls on the loop's track)");
  cmd->add_option("--percentiles", o->percentiles,
                  "Write wrk2's percentile spectrum (ms) of the latency from the intended start to FILE");
  cmd->callback([o, deadline] {
    o->deadline_given = deadline->count() > 0;
    run(*o);
  });
}

}  // namespace slowfast::cli
