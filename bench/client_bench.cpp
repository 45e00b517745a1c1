// The uv-nonblocking client's CPU per full TLS handshake, without the network: the
// client's context (core/tls_client_context.h) against the server's TlsSession over
// memory BIOs, only the client's calls timed (manual time): SSL_new, every
// SSL_do_handshake round, SSL_free. Three ways to treat the server's certificate:
//   verify:cached  the client as it ships: full check once, then the verified-certificate
//                  cache (core/verified_certs.h)
//   verify:full    the same context without the cache: X509_verify_cert every time
//   verify:none    --insecure: no chain check at all (what hey and h2load do)
// BM_Tls13Kdf: one of the ~19 derivations of a TLS 1.3 handshake (on either side), made as
// libssl 3.0 makes it - fetch "TLS13-KDF", a new context, derive, free - with OpenSSL's
// implementation and with slowfast's provider (slowfast/tls13_kdf_provider.h).
// BM_EcdsaVerify: one P-256 signature checked as ECDSA_verify checks it, and with the key's
// own table (slowfast/ecdsa_key_tables.h), as a client of 1,000 or more requests checks the
// server's CertificateVerify from its 64th connection on (the handshakes above are such a
// client's: the table is built in one of their first iterations).
// BM_X25519KeyShare: the client's two key-share steps as libssl 3.0 makes them (a context
// from the group's name, keygen; a context from the key, derive against the peer's share),
// through the EC key engine the client installs (slowfast/ec_key_engine.h). With the
// signature check above, the cryptography a full handshake cannot skip.
// End-to-end client scale runs, beside hey and h2load, are in bench/client_scale.sh.
#define OPENSSL_SUPPRESS_DEPRECATED  // EC_KEY and ECDSA_verify: the reference for BM_EcdsaVerify
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/kdf.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "core/tls_client_context.h"
#include "memory_bio_pump.h"
#include "slowfast/ec_key_engine.h"
#include "slowfast/ecdsa_key_tables.h"
#include "slowfast/lab_certs.h"
#include "slowfast/openssl_ptr.h"
#include "slowfast/tls13_kdf_provider.h"
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
  ecdsa::process_key_tables().expect_verifications(1000);  // a scale run's client, as fetch -n 1000
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

// "c hs traffic" from a 32-byte secret and transcript hash: tls13_hkdf_expand's calls.
void BM_Tls13Kdf(benchmark::State& state, bool slowfast) {
  // The provider is loaded while an SSL_CTX made with it lives.
  SslCtxPtr holder = new_ssl_ctx_with_tls13_kdf(nullptr, TLS_client_method());
  const char* query = slowfast ? "provider=slowfast" : "provider=default";
  unsigned char secret[32] = {1}, hash[32] = {2}, out[32];
  char digest[] = "SHA2-256", prefix[] = "tls13 ", label[] = "c hs traffic";
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, secret, sizeof secret),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX, prefix, sizeof prefix - 1),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL, label, sizeof label - 1),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_DATA, hash, sizeof hash),
      OSSL_PARAM_construct_end()};
  for (auto _ : state) {
    EVP_KDF* kdf = EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_TLS1_3_KDF, query);
    EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (EVP_KDF_derive(ctx, out, sizeof out, params) != 1) state.SkipWithError("EVP_KDF_derive failed");
    EVP_KDF_CTX_free(ctx);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK_CAPTURE(BM_Tls13Kdf, provider:default, false)->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Tls13Kdf, provider:slowfast, true)->Unit(benchmark::kNanosecond);

void BM_EcdsaVerify(benchmark::State& state, bool table) {
  EC_KEY* key = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
  EC_KEY_generate_key(key);
  unsigned char digest[32] = {7}, sig[80];
  unsigned int sig_len = sizeof sig;
  ECDSA_sign(0, digest, sizeof digest, sig, &sig_len, key);
  ecdsa::KeyTables tables(1, 1);
  for (auto _ : state) {
    int ok = table ? tables.verify(digest, sizeof digest, sig, sig_len, key)
                   : ECDSA_verify(0, digest, sizeof digest, sig, static_cast<int>(sig_len), key);
    if (ok != 1) state.SkipWithError("the signature did not verify");
  }
  EC_KEY_free(key);
}
BENCHMARK_CAPTURE(BM_EcdsaVerify, openssl, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EcdsaVerify, key_table, true)->Unit(benchmark::kMicrosecond);

EvpPkeyPtr x25519_keygen() {
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr);
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &key) != 1) key = nullptr;
  EVP_PKEY_CTX_free(ctx);
  return EvpPkeyPtr(key);
}

bool x25519_derive(EVP_PKEY* ours, EVP_PKEY* theirs) {
  unsigned char secret[32];
  std::size_t len = sizeof secret;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, ours, nullptr);
  bool ok = ctx != nullptr && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer(ctx, theirs) == 1 &&
            EVP_PKEY_derive(ctx, secret, &len) == 1;
  EVP_PKEY_CTX_free(ctx);
  benchmark::DoNotOptimize(secret);
  return ok;
}

void BM_X25519KeyShare(benchmark::State& state, bool derive) {
  use_ec_key_engine();
  EvpPkeyPtr ours = x25519_keygen();
  EvpPkeyPtr theirs = x25519_keygen();
  if (!ours || !theirs) {
    state.SkipWithError("X25519 key generation failed");
    return;
  }
  for (auto _ : state) {
    bool ok;
    if (derive) {
      ok = x25519_derive(ours.get(), theirs.get());
    } else {
      ours = x25519_keygen();  // and frees the last one, as a connection's end does
      ok = ours != nullptr;
    }
    if (!ok) {
      state.SkipWithError(derive ? "X25519 derive failed" : "X25519 key generation failed");
      break;
    }
  }
}
BENCHMARK_CAPTURE(BM_X25519KeyShare, keygen, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_X25519KeyShare, derive, true)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
