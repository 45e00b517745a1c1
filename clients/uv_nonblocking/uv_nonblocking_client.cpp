#include "uv_nonblocking/uv_nonblocking_client.h"

#include "core/run_clock.h"
#include "core/tls_client_context.h"
#include "core/verdict.h"
#include "uv_nonblocking/http_reader.h"
#include "uv_nonblocking/resolve.h"
#include "uv_nonblocking/tcp_connection.h"
#include "uv_nonblocking/uv_handle.h"

namespace slowfast {

namespace {

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
  try {
    std::unique_ptr<TcpConnection> conn = co_await TcpConnection::connect(run.loop, run.addr, run.spec.timeout_s);
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
    std::vector<Task<void>> tasks;
    tasks.reserve(result.requests.size());
    for (int i = 0; i < spec.n; ++i) {
      result.requests[static_cast<size_t>(i)].page = i;
      tasks.push_back(fetch_one(run, result.requests[static_cast<size_t>(i)]));
      tasks.back().start();  // runs to its first wait: every connect is under way
    }
    loop.run();
    result.total_s = clock.now();
    for (size_t i = 0; i < tasks.size(); ++i)
      if (!tasks[i].done()) result.requests[i].error = "internal error: request never finished";
  }
  return result;
}

}  // namespace slowfast
