// The uv-nonblocking client's CPU per full TLS handshake, without the network: the
// client's context (core/tls_client_context.h) against the server's TlsSession over
// memory BIOs, only the client's calls timed (manual time): SSL_new, every
// SSL_do_handshake round, SSL_free. Three ways to treat the server's certificate:
//   verify:cached  the client as it ships: full check once, then the verified-certificate
//                  cache (core/verified_certs.h)
//   verify:full    the same context without the cache: X509_verify_cert every time
//   verify:none    --insecure: no chain check at all (what hey and h2load do)
// End-to-end client scale runs, beside hey and h2load, are in bench/client_scale.sh.
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "core/tls_client_context.h"
#include "memory_bio_pump.h"
#include "slowfast/lab_certs.h"
#include "tls_server.h"

namespace {

using namespace slowfast;
using slowfast::bench::pump;

enum Verify { kCached, kFull, kNone };

SslCtxPtr client_context(Verify verify, const LabCertPaths& certs) {
  if (verify != kFull) return make_client_tls_context(certs.ca_pem(), verify == kNone);
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  apply_client_tls_policy(ctx.get());
  SSL_CTX_load_verify_locations(ctx.get(), certs.ca_pem().c_str(), nullptr);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  return ctx;
}

void BM_ClientFullHandshake(benchmark::State& state, Verify verify) {
  LabCertPaths certs{default_lab_certs_dir()};
  ensure_lab_certs(certs.dir);
  SslCtxPtr server_ctx = server::make_server_tls_context(certs.server_pem(), certs.server_key());
  SslCtxPtr client_ctx = client_context(verify, certs);
  std::string scratch;
  using Clock = std::chrono::steady_clock;
  for (auto _ : state) {
    auto session = std::make_unique<server::TlsSession>(server_ctx.get());
    auto t0 = Clock::now();
    SslPtr client(SSL_new(client_ctx.get()));
    SSL_set_bio(client.get(), BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_connect_state(client.get());
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(client.get()), "127.0.0.1");
    Clock::duration client_time = Clock::now() - t0;
    int done = 0;
    for (int round = 0; round < 4 && done != 1; ++round) {
      t0 = Clock::now();
      done = SSL_do_handshake(client.get());
      client_time += Clock::now() - t0;
      pump(client.get(), *session);
      session->handshake();
      pump(*session, client.get(), scratch);
    }
    // A request's first SSL_read finishes the client's side (and would read a server's
    // ticket: slowfast-server sends none).
    char byte;
    t0 = Clock::now();
    SSL_read(client.get(), &byte, 1);
    client.reset();
    client_time += Clock::now() - t0;
    if (done != 1) {
      state.SkipWithError("handshake failed");
      break;
    }
    state.SetIterationTime(std::chrono::duration<double>(client_time).count());
  }
}
BENCHMARK_CAPTURE(BM_ClientFullHandshake, verify:cached, kCached)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ClientFullHandshake, verify:full, kFull)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ClientFullHandshake, verify:none, kNone)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
