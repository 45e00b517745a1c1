#include "uv_nonblocking/uv_nonblocking_client.h"

#include "core/probe_recorder.h"
#include "core/run_clock.h"
#include "core/tls_client_context.h"
#include "core/verdict.h"
#include "uv_nonblocking/http_reader.h"
#include "uv_nonblocking/loop_watchdog.h"
#include "uv_nonblocking/resolve.h"
#include "uv_nonblocking/tcp_connection.h"
#include "uv_nonblocking/uv_handle.h"

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
};

std::unique_ptr<Socket> open_socket(const RunContext& run, TcpConnection& conn) {
  if (!run.tls) return run.factory.make_plain(conn.fd(), conn.io());
  SocketArgs args{new_client_ssl(run.tls, conn.fd(), run.spec.url.host), conn.fd(), &conn.io(),
                  run.spec.timeout_s};
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

// One greenlet: connect, handshake, send, read, check. Never throws: errors land in `rec`.
Task<void> fetch_one(const RunContext& run, RequestRecord& rec) {
  const RunClock& clock = run.clock;
  rec.t.start = clock.now();
  probe::dispatch(rec.page);
  try {
    std::unique_ptr<TcpConnection> conn =
        co_await TcpConnection::connect(run.loop, run.addr, run.spec.timeout_s, rec.page);
    rec.t.connected = clock.now();
    std::unique_ptr<Socket> socket = open_socket(run, *conn);  // destroyed before conn
    rec.socket_class = socket->class_name();
    co_await socket->handshake();
    rec.t.tls_done = clock.now();
    std::string request = build_get(target_for_page(run.spec.url, rec.page), run.spec.url.authority());
    co_await send_all(*socket, request);
    rec.t.sent = clock.now();
    HttpResponse res = co_await read_response(*socket, run.spec.runtime, [&] { rec.t.first_byte = clock.now(); });
    rec.status = res.status;
    rec.bytes = res.body.size();
    rec.error = check_page(res.status, res.body, rec.page);
    co_await close_quietly(*socket);
  } catch (const std::exception& e) {
    rec.error = e.what();
  }
  rec.t.done = clock.now();
}

// Counts loop iterations (a prepare callback runs once per iteration, just before the
// loop waits for I/O): the ncalls of the "loop wait" row.
class IterationCounter {
 public:
  explicit IterationCounter(uv_loop_t* loop) {
    uv_check(uv_prepare_init(loop, prepare_.get()), "uv_prepare_init");
    prepare_.initialised();
    prepare_.get()->data = &count_;
    uv_prepare_start(prepare_.get(), [](uv_prepare_t* p) { ++*static_cast<std::int64_t*>(p->data); });
    uv_unref(prepare_.handle());
  }
  std::int64_t count() const { return count_; }

 private:
  UvHandle<uv_prepare_t> prepare_;
  std::int64_t count_ = 0;
};

// Runs every request on `loop` with the probes recorded when the spec asks for a profile
// or a watchdog; fills the records, total_s, and the profile and watchdog report.
void run_requests(const RunContext& run, UvLoop& loop, RunResult& result) {
  const RunSpec& spec = run.spec;
  const bool observe = spec.profile || spec.watchdog_ms > 0;
  probe::Recorder recorder;
  if (observe) recorder.start();
  std::optional<IterationCounter> iterations;
  if (spec.profile) {
    uv_loop_configure(loop.get(), UV_METRICS_IDLE_TIME);
    iterations.emplace(loop.get());
  }
  std::optional<LoopWatchdog> watchdog;
  if (spec.watchdog_ms > 0) watchdog.emplace(loop.get(), recorder, run.clock, spec.watchdog_ms / 1000);

  std::vector<Task<void>> tasks;
  tasks.reserve(result.requests.size());
  {
    probe::Scope scope(kStart);
    for (int i = 0; i < spec.n; ++i) {
      result.requests[static_cast<size_t>(i)].page = i;
      tasks.push_back(fetch_one(run, result.requests[static_cast<size_t>(i)]));
      tasks.back().start();  // runs to its first wait: every connect is under way
    }
  }
  {
    probe::Scope scope(kUvRun);
    loop.run();
  }
  result.total_s = run.clock.now();
  if (watchdog) result.watchdog = watchdog->finish();
  watchdog.reset();
  recorder.stop();
  if (spec.profile) {
    recorder.add_child_time(kUvRun, kLoopWait, iterations->count(),
                            static_cast<std::int64_t>(uv_metrics_idle_time(loop.get())));
    result.profile = recorder.rows();
  }
  for (size_t i = 0; i < tasks.size(); ++i)
    if (!tasks[i].done()) result.requests[i].error = "internal error: request never finished";
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
    RunContext run{spec, factory, loop.get(), tls.get(), addr, clock};
    run_requests(run, loop, result);
  }
  return result;
}

}  // namespace slowfast
