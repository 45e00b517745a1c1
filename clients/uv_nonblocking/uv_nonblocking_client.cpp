#include "uv_nonblocking/uv_nonblocking_client.h"

#include <algorithm>
#include <ctime>
#include <exception>
#include <stdexcept>
#include <thread>

#include "core/interrupt.h"
#include "core/probe_recorder.h"
#include "core/run_clock.h"
#include "core/tls_client_context.h"
#include "core/verdict.h"
#include "slowfast/ecdsa_key_tables.h"
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

// Which requests one loop runs: pages first, first + stride, ... (`--loops K`: loop k of
// K runs the pages k, k + K, ...).
struct Share {
  int first = 0;
  int stride = 1;
};

// Runs one loop's share of the requests, with the probes recorded when the spec asks for
// a profile or a watchdog (one loop only: the CLI refuses them with more); fills those
// records, and the profile and watchdog report. Returns where the loop thread's time went.
LoopBudget run_requests(const RunContext& run, UvLoop& loop, RunResult& result, Share share) {
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
  std::vector<std::pair<size_t, Task<void>>> tasks;
  {
    probe::Scope scope(kStart);
    for (int i = share.first; i < spec.n; i += share.stride) {
      RequestRecord& rec = result.requests[static_cast<size_t>(i)];
      rec.page = i;
      rec.events = spec.events;
      tasks.emplace_back(static_cast<size_t>(i), fetch_one(run, rec));
      tasks.back().second.start();  // runs to its first wait: every connect is under way
    }
  }
  {
    probe::Scope scope(kUvRun);
    loop.run();
  }
  const double wall_s = run.clock.now();
  LoopBudget budget{true, wall_s, static_cast<double>(uv_metrics_idle_time(loop.get())) / 1e9,
                    thread_cpu_seconds() - loop_cpu_before};
  if (watchdog) result.watchdog = watchdog->finish();
  watchdog.reset();
  recorder.stop();
  if (spec.profile) {
    recorder.add_child_time(kUvRun, kLoopWait, iterations->count(),
                            static_cast<std::int64_t>(uv_metrics_idle_time(loop.get())));
    result.profile = recorder.rows();
  }
  for (auto& [i, task] : tasks)
    if (!task.done()) result.requests[i].fail(FailureKind::kRead, "internal error: request never finished");
  return budget;
}

// One loop on its own thread, with everything a loop owns (its threadpool handle for
// response hooks); the TLS context, address and clock are the run's.
LoopBudget run_loop(const RunSpec& spec, const SocketFactory& factory, SSL_CTX* tls, const sockaddr_storage& addr,
                    const RunClock& clock, RunResult& result, Share share) {
  UvLoop loop;
  LoopThreadpool pool(loop.get());
  RunContext run{spec, factory, loop.get(), tls, addr, clock, pool};
  return run_requests(run, loop, result, share);
}

// K loops' budgets as one: the sums of their wall, idle and CPU time, so utilisation is
// the loops' average and "blocked" their total time blocked outside the wait.
LoopBudget combined(const std::vector<LoopBudget>& budgets) {
  LoopBudget all{true, 0, 0, 0};
  for (const LoopBudget& b : budgets) {
    all.wall_s += b.wall_s;
    all.idle_s += b.idle_s;
    all.cpu_s += b.cpu_s;
  }
  return all;
}

// Each loop's TLS. One loop (the lab's path) uses the process's default OpenSSL library
// context, as every variant does. K loops get a library context each, and a TLS context
// made in it: OpenSSL 3.0 takes a shared lock (and bumps shared counters) at almost
// every step of a handshake - its algorithm and property caches, its name map, the
// SSL_CTX's reference count - and on K threads of one context those cache lines bounce
// between cores. Measured (4,000 x /delay/1 on 2 loops, 3 runs each): 0.525-0.562 ->
// 0.485-0.495 ms of client CPU per request, as little as two processes of 2,000 each
// (0.482-0.493); a TLS context per loop in the default library context gains less
// (0.512-0.550). The delay server's two workers measured the opposite: a library
// context each cost more, 0.19 -> 0.22 ms per connection (h2load, 3 alternating rounds
// of 5,000), so they share the process's.
struct LoopTls {
  LibCtxPtr library;  // null: the default one
  SslCtxPtr context;  // declared second: freed before its library context
};

std::vector<LoopTls> tls_per_loop(const RunSpec& spec, int loops) {
  std::vector<LoopTls> all(static_cast<size_t>(loops));
  if (!spec.url.tls()) return all;
  for (LoopTls& t : all) {
    if (loops > 1) {
      t.library.reset(OSSL_LIB_CTX_new());  // loads OpenSSL's default provider at first use
      if (!t.library) throw std::runtime_error("cannot create an OpenSSL library context: " + openssl_error());
    }
    t.context = make_client_tls_context(spec.cacert, spec.insecure, t.library.get());
  }
  return all;
}

}  // namespace

RunResult run_uv_nonblocking(const RunSpec& spec, const SocketFactory& factory) {
  const int loops = std::clamp(spec.loops, 1, spec.n);
  if (loops > 1 && (spec.profile || spec.watchdog_ms > 0 || spec.events))
    throw std::runtime_error("the profile, the watchdog and the trace watch one loop: run them with --loops 1");
  std::vector<LoopTls> tls = tls_per_loop(spec, loops);
  // N connections to one server check its key's signature N times: enough of them, and
  // the key gets a table of its multiples (slowfast/ecdsa_key_tables.h).
  ecdsa::process_key_tables().expect_verifications(static_cast<std::size_t>(spec.n));
  sockaddr_storage addr = resolve(spec.url);
  RunResult result;
  result.requests.resize(static_cast<size_t>(spec.n));
  RunClock clock;
  result.loops = loops;
  if (loops == 1) {
    result.loop = run_loop(spec, factory, tls[0].context.get(), addr, clock, result, Share{});
    result.total_s = result.loop.wall_s;  // the loop's end: before the profile is tallied
  } else {
    // Each loop touches only its own requests' records and its own TLS.
    std::vector<LoopBudget> budgets(static_cast<size_t>(loops));
    std::vector<std::exception_ptr> failures(static_cast<size_t>(loops));
    std::vector<std::thread> threads;
    for (int k = 0; k < loops; ++k)
      threads.emplace_back([&, k] {
        const auto i = static_cast<size_t>(k);
        try {
          budgets[i] = run_loop(spec, factory, tls[i].context.get(), addr, clock, result, Share{k, loops});
        } catch (...) {  // a loop's set-up failure reaches the caller as one loop's would
          failures[i] = std::current_exception();
        }
      });
    for (std::thread& t : threads) t.join();
    for (const std::exception_ptr& failure : failures)
      if (failure) std::rethrow_exception(failure);
    result.loop = combined(budgets);
    for (const LoopBudget& b : budgets) result.total_s = std::max(result.total_s, b.wall_s);
  }
  return result;
}

}  // namespace slowfast
