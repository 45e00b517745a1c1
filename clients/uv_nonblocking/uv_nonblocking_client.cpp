#include "uv_nonblocking/uv_nonblocking_client.h"

#include <ctime>

#include "core/interrupt.h"
#include "core/probe_recorder.h"
#include "core/run_clock.h"
#include "core/tls_client_context.h"
#include "core/verdict.h"
#include "uv_nonblocking/http_reader.h"
#include "uv_nonblocking/loop_threadpool.h"
#include "uv_nonblocking/loop_watchdog.h"
#include "uv_nonblocking/resolve.h"
#include "uv_nonblocking/tcp_connection.h"
#include "slowfast/uv_handle.h"

namespace slowfast {

namespace {

constexpr probe::Site kStart{"slowfast", "start requests"};  // each request up to its first wait
constexpr probe::Site kUvRun{"slowfast", "uv_run"};
// Not a probe: libuv's idle-time metric, booked under uv_run after the run.
constexpr probe::Site kLoopWait{"slowfast", "loop wait (epoll)"};

// What every request of one run shares.
struct RunContext {
  const RunSpec& spec;
  const SocketFactory& factory;
  uv_loop_t* loop;
  SSL_CTX* tls;  // one per process, null for http
  sockaddr_storage addr;
  const RunClock& clock;
  LoopThreadpool& pool;  // for a module's response hook
};

std::unique_ptr<Socket> open_socket(const RunContext& run, TcpConnection& conn, std::uint64_t deadline_ns) {
  if (!run.tls) return run.factory.make_plain(conn.fd(), conn.io());
  SocketArgs args{module::SslPtr(new_client_ssl(run.tls, conn.fd(), run.spec.url.host).release()),
                  WaitTarget{conn.fd(), &conn.io(), run.spec.timeout_s, deadline_ns, interrupt_fd()}};
  return run.factory.make_tls(std::move(args));
}

// A failed goodbye after a complete response (the server may already have closed)
// does not make the response wrong.
Task<void> close_quietly(Socket& socket) {
  try {
    co_await socket.shutdown();
  } catch (const std::exception&) {
  }
}

// "connect ..." and "TLS handshake: ..." already name their step; a bare "timed out
// after 1 s" or "TLS read: ..." gets it in front, as the cpp-httplib variants say it.
std::string with_step(Step step, const std::string& what) {
  if (step == Step::kConnect || what.rfind("TLS handshake", 0) == 0) return what;
  const char* name = step == Step::kHandshake ? "TLS handshake" : step == Step::kWrite ? "send request" : "read response";
  return what.rfind(name, 0) == 0 ? what : std::string(name) + ": " + what;
}

// One greenlet: connect, handshake, send, read, check. Never throws: errors land in
// `rec`, with their kind: RequestFailure knows its own, anything else is named after
// the step it happened in.
Task<void> fetch_one(const RunContext& run, RequestRecord& rec) {
  const RunClock& clock = run.clock;
  rec.mark(Point::kStart, clock.now());
  probe::dispatch(rec.page);
  const std::uint64_t deadline_ns = uv_hrtime() + static_cast<std::uint64_t>(run.spec.deadline_s * 1e9);
  Step step = Step::kConnect;
  try {
    std::unique_ptr<TcpConnection> conn =
        co_await TcpConnection::connect(run.loop, run.addr, run.spec.timeout_s, rec.page, deadline_ns);
    rec.mark(Point::kConnected, clock.now());
    step = Step::kHandshake;
    std::unique_ptr<Socket> socket = open_socket(run, *conn, deadline_ns);  // destroyed before conn
    rec.socket_class = socket->class_name();
    co_await socket->handshake();
    rec.mark(Point::kTlsDone, clock.now());
    step = Step::kWrite;
    std::string request = build_get(target_for_page(run.spec.url, rec.page), run.spec.url.authority());
    co_await send_all(*socket, request);
    rec.mark(Point::kSent, clock.now());
    step = Step::kRead;
    HttpResponse res = co_await read_response(*socket, run.spec.runtime, [&] { rec.mark(Point::kFirstByte, clock.now()); });
    check_response(rec, res.status, res.body, run.spec);
    if (ResponseHook hook = run.factory.response_hook()) {
      try {
        rec.hook = co_await hook(Response{rec.page, res.status, res.body.data(), res.body.size(), &run.pool});
      } catch (const std::exception& e) {
        throw std::runtime_error(std::string("response hook: ") + e.what());
      }
    }
    co_await close_quietly(*socket);
  } catch (const RequestFailure& e) {
    std::string what = e.kind() == FailureKind::kDeadline
                           ? deadline_message(run.spec.deadline_s, step)
                           : with_step(step, e.what());
    rec.fail(e.kind(), what, step);
  } catch (const std::exception& e) {
    rec.fail(kind_of_step(step), with_step(step, e.what()), step);
  }
  rec.mark(Point::kDone, clock.now());
}

// The calling thread's CPU time (user + system), in seconds.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Counts loop iterations (a prepare callback runs once per iteration, just before the
// loop waits for I/O): the ncalls of the "loop wait" row.
class IterationCounter {
 public:
  explicit IterationCounter(uv_loop_t* loop) : prepare_(loop, uv_prepare_init) {
    prepare_.get()->data = &count_;
    uv_check(uv_prepare_start(prepare_.get(), [](uv_prepare_t* p) { ++*static_cast<std::int64_t*>(p->data); }),
             "uv_prepare_start");
    uv_unref(prepare_.handle());
  }
  std::int64_t count() const { return count_; }

 private:
  UvHandle<uv_prepare_t> prepare_;
  std::int64_t count_ = 0;
};

// SIGINT/SIGTERM: the loop wakes on the interrupt fd and ends every wait, so each
// request records "interrupted" and the run returns with what it has.
class InterruptWatch {
 public:
  explicit InterruptWatch(uv_loop_t* loop) {
    if (interrupt_fd() < 0) return;
    poll_ = UvHandle<uv_poll_t>(loop, uv_poll_init, interrupt_fd());
    auto on_interrupt = [](uv_poll_t* p, int, int) {
      uv_must(uv_poll_stop(p), "uv_poll_stop");
      PollWait::interrupt_all(uv_handle_get_loop(as_handle(p)));
    };
    uv_check(uv_poll_start(poll_.get(), UV_READABLE, on_interrupt), "uv_poll_start");
    uv_unref(poll_.handle());  // not a reason for the loop to keep running
  }

 private:
  UvHandle<uv_poll_t> poll_;
};

// Runs every request on `loop` with the probes recorded when the spec asks for a profile
// or a watchdog; fills the records, total_s, and the profile and watchdog report.
void run_requests(const RunContext& run, UvLoop& loop, RunResult& result) {
  const RunSpec& spec = run.spec;
  const bool observe = spec.profile || spec.watchdog_ms > 0;
  probe::Recorder recorder;
  if (observe) recorder.start();
  // Idle time for the loop budget (and the profile's "loop wait" row): two clock reads
  // around each epoll_wait.
  uv_check(uv_loop_configure(loop.get(), UV_METRICS_IDLE_TIME), "uv_loop_configure");
  std::optional<IterationCounter> iterations;
  if (spec.profile) iterations.emplace(loop.get());
  std::optional<LoopWatchdog> watchdog;
  if (spec.watchdog_ms > 0) watchdog.emplace(loop.get(), recorder, run.clock, spec.watchdog_ms / 1000, spec.events);

  InterruptWatch interrupt_watch(loop.get());
  const double loop_cpu_before = thread_cpu_seconds();
  std::vector<Task<void>> tasks;
  tasks.reserve(result.requests.size());
  {
    probe::Scope scope(kStart);
    for (int i = 0; i < spec.n; ++i) {
      result.requests[static_cast<size_t>(i)].page = i;
      result.requests[static_cast<size_t>(i)].events = spec.events;
      tasks.push_back(fetch_one(run, result.requests[static_cast<size_t>(i)]));
      tasks.back().start();  // runs to its first wait: every connect is under way
    }
  }
  {
    probe::Scope scope(kUvRun);
    loop.run();
  }
  result.total_s = run.clock.now();
  result.loop = LoopBudget{true, result.total_s, static_cast<double>(uv_metrics_idle_time(loop.get())) / 1e9,
                           thread_cpu_seconds() - loop_cpu_before};
  if (watchdog) result.watchdog = watchdog->finish();
  watchdog.reset();
  recorder.stop();
  if (spec.profile) {
    recorder.add_child_time(kUvRun, kLoopWait, iterations->count(),
                            static_cast<std::int64_t>(uv_metrics_idle_time(loop.get())));
    result.profile = recorder.rows();
  }
  for (size_t i = 0; i < tasks.size(); ++i)
    if (!tasks[i].done()) result.requests[i].fail(FailureKind::kRead, "internal error: request never finished");
}

}  // namespace

RunResult run_uv_nonblocking(const RunSpec& spec, const SocketFactory& factory) {
  SslCtxPtr tls;
  if (spec.url.tls()) tls = make_client_tls_context(spec.cacert, spec.insecure);
  sockaddr_storage addr = resolve(spec.url);
  RunResult result;
  result.requests.resize(static_cast<size_t>(spec.n));
  {
    UvLoop loop;
    RunClock clock;
    LoopThreadpool pool(loop.get());
    RunContext run{spec, factory, loop.get(), tls.get(), addr, clock, pool};
    run_requests(run, loop, result);
  }
  return result;
}

}  // namespace slowfast
