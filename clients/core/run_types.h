// What a run is (RunSpec), what it records per request (RequestRecord, Timeline) and
// what it reports (RunResult). Every client variant fills the same types, so the CLI,
// the labs runner and the trace/waterfall tools read one shape.
#pragma once
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "slowfast/module/failure.h"
#include "core/observe_types.h"
#include "core/run_events.h"
#include "core/url.h"

namespace slowfast {

// Which client runs the N requests: the C++ stand-ins for the story's Python clients.
enum class Variant {
  kBlocking,       // cpp-httplib, one request after another (`requests`)
  kUvThreadpool,   // each request a blocking cpp-httplib call in uv_queue_work
  kUvNonblocking,  // one libuv loop, one coroutine per request (`grequests`)
};

// Which call the HTTP response reader uses (uv-nonblocking only; the httplib
// variants read through cpp-httplib whatever the runtime says).
enum class Runtime {
  kPy27,  // httplib: reads with recv(n)
  kPy37,  // http.client: reads with recv_into(buffer)
};

// What makes a response valid (`fetch --check`). The lab's URLs are httpbin's /delay,
// which echoes the page; /bytes and /drip answer bytes that name no page.
enum class Check {
  kPage,    // status 200 and the JSON echoes this request's page (the default)
  kLength,  // status 200 and as many body bytes as the URL asks for (/bytes/{n}, /drip)
  kStatus,  // status 200; the body is not looked at
  kNone,    // any complete response
};

std::string to_string(Variant v);
std::string to_string(Runtime r);
std::string to_string(Check c);
std::optional<Variant> parse_variant(const std::string& s);
std::optional<Runtime> parse_runtime(const std::string& s);
std::optional<Check> parse_check(const std::string& s);

// The default per-request deadline: 60 s, or twice a fully serialised run when that is
// longer. Every uv-nonblocking request starts at once, so with a loop that blocks
// (blocking_tls) the last of N is answered after N x delay: a slow stage must show as
// slow, not as deadline failures, whatever its N; a dripping server with a small delay
// still ends within a minute.
inline constexpr double kDefaultDeadlineS = 60;
inline double default_deadline(int n, double delay_s) {
  return std::max(kDefaultDeadlineS, 2 * n * delay_s);
}

struct RunSpec {
  Url url;                  // request i asks for url with page=i appended
  int n = 10;               // number of requests, pages 0..n-1
  Variant variant = Variant::kUvNonblocking;
  Runtime runtime = Runtime::kPy37;
  double delay_s = 0;       // expected server delay; 0 = unknown (no verdict)
  Check check = Check::kPage;  // what makes a response valid
  double timeout_s = 30;    // per wait (connect, each read, each write), like a socket timeout
  // The whole request (connect to last byte): a server that answers every wait in time
  // but never finishes (a drip) still ends here. `fetch --deadline`.
  double deadline_s = kDefaultDeadlineS;
  std::filesystem::path cacert;  // CA file that verifies the server
  bool insecure = false;    // skip certificate verification (explicit choice)
  std::vector<std::filesystem::path> module_path;  // directories searched for modules
  // Observing the loop (uv-nonblocking only: the other variants have no loop to block).
  bool profile = false;     // record the probes' call tree (`--profile`)
  double watchdog_ms = 0;   // report loop stalls longer than this; 0 = off (`--watchdog`)
  RunEvents* events = nullptr;  // told every event as it happens (`--trace`); null: none
  // uv-nonblocking: how many loops, each on its own thread with every K-th request
  // (`--loops`). 1 for the lab: a blocked loop must block every request.
  int loops = 1;
};

// Seconds from the run's start on a monotonic clock. A step the variant cannot observe
// stays empty (e.g. tls_done after a failed handshake).
struct Timeline {
  std::optional<double> start;       // the request began (coroutine or call started)
  std::optional<double> connected;   // TCP connect completed
  std::optional<double> tls_done;    // TLS handshake completed (or skipped for http)
  std::optional<double> sent;        // the whole request was written
  std::optional<double> first_byte;  // first response bytes arrived
  std::optional<double> done;        // response complete, or the request failed
};

struct RequestRecord {
  int page = -1;
  int status = 0;            // HTTP status, 0 when no response arrived
  std::size_t bytes = 0;     // response body bytes
  std::string error;         // why the request is invalid, naming the step; empty when valid
  std::string error_kind;    // failure_kind(): "connect", "timeout-read", "http", ...; empty when valid
  std::string socket_class;  // the socket that carried it (`fetch --socket-class`)
  std::string hook;          // what a module's response hook answered; empty: no hook
  Timeline t;

  RunEvents* events = nullptr;  // told at each point (`fetch --trace`); may be null

  bool valid() const { return error.empty(); }
  // Sets the timeline's `point` to `t` and tells `events`.
  void mark(Point point, double t);
  void fail(FailureKind kind, std::string why, Step step = Step::kRead) {
    error_kind = failure_kind(kind, step);
    error = std::move(why);
  }
};

enum class Verdict { kFast, kSlow, kMixed, kUnknown };
std::string to_string(Verdict v);

// Where the loop thread's time went during a uv-nonblocking run: waiting in epoll (libuv's
// idle time), on a CPU (the thread's CPU time), or neither - blocked in a call outside
// the loop's own wait. Utilisation near 1 with the CPU near 0 is this lab's bug: the
// loop is never idle, yet does nothing; it sits in a blocking poll().
struct LoopBudget {
  bool enabled = false;
  double wall_s = 0;  // from the first request's start to the loop's end
  double idle_s = 0;  // in epoll, waiting for I/O (uv_metrics_idle_time)
  double cpu_s = 0;   // the loop thread's CPU (CLOCK_THREAD_CPUTIME_ID)

  // Node's event-loop utilisation: the share of the run not spent idle in epoll.
  double utilisation() const { return wall_s > 0 ? (wall_s - idle_s) / wall_s : 0; }
  // Neither idle nor on a CPU.
  double blocked_s() const { return std::max(0.0, wall_s - idle_s - cpu_s); }
  // When the loop was busy for at least half a run of 50 ms or more, what kept it: ""
  // otherwise.
  std::string signature() const;
};

struct RunResult {
  Variant variant = Variant::kUvNonblocking;
  Runtime runtime = Runtime::kPy37;
  std::vector<std::string> modules;  // installed modules, "name-version"
  int n = 0;
  double delay_s = 0;
  double total_s = 0;                // first start to last done
  double cpu_s = 0;                  // this process's CPU (user + system, every thread) during the run
  int threads = 0;                   // uv-threadpool: threadpool size; 0 otherwise
  int loops = 0;                     // uv-nonblocking: how many loops ran it (`--loops`); 0 otherwise
  std::vector<int> valid_pages;      // sorted page ids
  std::vector<int> invalid_pages;
  Verdict verdict = Verdict::kUnknown;
  std::vector<RequestRecord> requests;  // indexed by page
  std::vector<ProfileRow> profile;      // empty unless spec.profile
  WatchdogReport watchdog;              // enabled when spec.watchdog_ms > 0
  LoopBudget loop;                      // enabled for uv-nonblocking
};

// Fills valid_pages, invalid_pages and the verdict from requests, total_s and delay_s.
void summarize(RunResult& result);

// Failed requests per kind, every kind of kFailureKindsInSummary present (zeros too);
// timeouts of every step count under "timeout", as wrk counts them.
std::map<std::string, int> errors_by_kind(const RunResult& result);

}  // namespace slowfast
