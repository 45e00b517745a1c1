// The delay server's costs, piece by piece, without the network: what one request
// costs to parse and route, and what one full TLS handshake costs the server's CPU
// (target: <= 0.5 ms; nginx spends ~0.7 ms on this machine). End-to-end scale runs against real
// sockets are in bench/scale.sh.
#include <chrono>
#include <string>

#include <benchmark/benchmark.h>

#include "memory_bio_pump.h"
#include "slowfast/lab_certs.h"
#include "request_parser.h"
#include "routes.h"
#include "tls_server.h"

namespace {

using namespace slowfast;
using namespace slowfast::server;
using slowfast::bench::pump;

void BM_ParseRequest(benchmark::State& state) {
  const std::string req =
      "GET /delay/1?page=7 HTTP/1.1\r\nHost: 127.0.0.1:8443\r\nUser-Agent: slowfast\r\n"
      "Accept: */*\r\n\r\n";
  for (auto _ : state) {
    RequestParser p(16384, 1 << 20);
    benchmark::DoNotOptimize(p.feed(req.data(), req.size()));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * req.size()));
}
BENCHMARK(BM_ParseRequest);

void BM_RouteDelay(benchmark::State& state) {
  Request req{"GET", "/delay/1?page=7", {{"Host", "127.0.0.1:8443"}, {"Accept", "*/*"}},
              "127.0.0.1", "https"};
  for (auto _ : state) benchmark::DoNotOptimize(route(req));
}
BENCHMARK(BM_RouteDelay);

// A full TLS 1.3 handshake (no resumption) between an OpenSSL client and the server's
// TlsSession over memory BIOs. Only the server's calls are timed (manual time), so the
// figure is the server's CPU per handshake, session set-up and tear-down included.
void BM_ServerFullHandshake(benchmark::State& state) {
  LabCertPaths certs{default_lab_certs_dir()};
  ensure_lab_certs(certs.dir);
  SslCtxPtr server_ctx = make_server_tls_context(certs.server_pem(), certs.server_key());
  SslCtxPtr client_ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_load_verify_locations(client_ctx.get(), certs.ca_pem().c_str(), nullptr);
  SSL_CTX_set_verify(client_ctx.get(), SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_session_cache_mode(client_ctx.get(), SSL_SESS_CACHE_OFF);
  std::string scratch;
  using Clock = std::chrono::steady_clock;
  for (auto _ : state) {
    SslPtr client(SSL_new(client_ctx.get()));
    SSL_set_bio(client.get(), BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_connect_state(client.get());
    SSL_set1_host(client.get(), "127.0.0.1");
    Clock::duration server_time{};
    auto t0 = Clock::now();
    auto session = std::make_unique<TlsSession>(server_ctx.get());
    server_time += Clock::now() - t0;
    TlsSession::Status st = TlsSession::Status::kWantMore;
    for (int round = 0; round < 4 && !(st == TlsSession::Status::kOk && SSL_is_init_finished(client.get())); ++round) {
      SSL_do_handshake(client.get());
      pump(client.get(), *session);
      t0 = Clock::now();
      st = session->handshake();
      pump(*session, client.get(), scratch);
      server_time += Clock::now() - t0;
    }
    if (st != TlsSession::Status::kOk) {
      state.SkipWithError(("handshake failed: " + session->error()).c_str());
      break;
    }
    t0 = Clock::now();
    session.reset();
    server_time += Clock::now() - t0;
    state.SetIterationTime(std::chrono::duration<double>(server_time).count());
  }
}
BENCHMARK(BM_ServerFullHandshake)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
