// The TLS 1.3 KDF provider (slowfast/tls13_kdf_provider.h) must be OpenSSL's "TLS13-KDF"
// to the byte: every derivation libssl asks for (and more) is run through both, the
// default provider's and slowfast's, and must return the same bytes, or fail on both.
// Then a real TLS 1.3 handshake, one side on each implementation, agrees on its keys.
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "slowfast/lab_certs.h"
#include "slowfast/openssl_ptr.h"
#include "slowfast/temp_dir.h"
#include "slowfast/tls13_kdf_provider.h"

namespace slowfast::testing {
namespace {

using Bytes = std::vector<unsigned char>;

// One derivation's inputs; an absent field is not passed at all (as libssl leaves out the
// key of the first secret, and the salt of the early secret).
struct Input {
  std::string mode = "EXPAND_ONLY";  // as a string; an int when mode_as_int
  bool mode_as_int = false;
  std::string digest = "SHA2-256";
  const Bytes* key = nullptr;
  const Bytes* salt = nullptr;
  std::string prefix = "tls13 ";
  std::string label = "c hs traffic";
  const Bytes* data = nullptr;
  size_t out_len = 32;
  const Bytes* earlier_data = nullptr;  // set on the context before, by a call of its own
};

struct Output {
  bool ok = false;
  Bytes bytes;
  bool operator==(const Output& o) const { return ok == o.ok && (!ok || bytes == o.bytes); }
};

std::ostream& operator<<(std::ostream& os, const Output& out) {
  if (!out.ok) return os << "(failed)";
  for (unsigned char c : out.bytes) os << "0123456789abcdef"[c >> 4] << "0123456789abcdef"[c & 15];
  return os;
}

Output derive(const char* query, const Input& in) {
  std::unique_ptr<EVP_KDF, OpenSslDeleter<EVP_KDF_free>> kdf(EVP_KDF_fetch(nullptr, "TLS13-KDF", query));
  std::unique_ptr<EVP_KDF_CTX, OpenSslDeleter<EVP_KDF_CTX_free>> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  if (!ctx) return {};
  int mode = in.mode == "EXTRACT_ONLY" ? EVP_KDF_HKDF_MODE_EXTRACT_ONLY
             : in.mode == "EXPAND_ONLY" ? EVP_KDF_HKDF_MODE_EXPAND_ONLY
                                         : EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND;
  auto octets = [](const char* key, const void* data, size_t len) {
    return OSSL_PARAM_construct_octet_string(key, const_cast<void*>(data), len);
  };
  if (in.earlier_data) {
    OSSL_PARAM earlier[] = {OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
                            octets(OSSL_KDF_PARAM_DATA, in.earlier_data->data(), in.earlier_data->size()),
                            OSSL_PARAM_construct_end()};
    if (EVP_KDF_CTX_set_params(ctx.get(), earlier) != 1) return {};
  }
  std::vector<OSSL_PARAM> params;
  params.push_back(in.mode_as_int ? OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode)
                                  : OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE,
                                                                     const_cast<char*>(in.mode.c_str()), 0));
  if (!in.digest.empty())
    params.push_back(OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(in.digest.c_str()), 0));
  if (in.key) params.push_back(octets(OSSL_KDF_PARAM_KEY, in.key->data(), in.key->size()));
  if (in.salt) params.push_back(octets(OSSL_KDF_PARAM_SALT, in.salt->data(), in.salt->size()));
  params.push_back(octets(OSSL_KDF_PARAM_PREFIX, in.prefix.data(), in.prefix.size()));
  params.push_back(octets(OSSL_KDF_PARAM_LABEL, in.label.data(), in.label.size()));
  if (in.data) params.push_back(octets(OSSL_KDF_PARAM_DATA, in.data->data(), in.data->size()));
  params.push_back(OSSL_PARAM_construct_end());
  Output out;
  out.bytes.resize(in.out_len);
  out.ok = EVP_KDF_derive(ctx.get(), out.bytes.data(), out.bytes.size(), params.data()) > 0;
  ERR_clear_error();
  return out;
}

class Tls13KdfProvider : public ::testing::Test {
 protected:
  // The provider is loaded for as long as an SSL_CTX made with it lives.
  void SetUp() override { ASSERT_TRUE(holder_); }
  // The same inputs through OpenSSL's and slowfast's implementation.
  void expect_same(const Input& in, bool expect_ok, const std::string& what) {
    Output openssl = derive("provider=default", in);
    Output ours = derive("provider=slowfast", in);
    EXPECT_EQ(openssl.ok, expect_ok) << what << ": OpenSSL's own";
    EXPECT_EQ(ours, openssl) << what;
  }
  SslCtxPtr holder_ = new_ssl_ctx_with_tls13_kdf(nullptr, TLS_client_method());
};

Bytes pattern(size_t n, unsigned char seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<unsigned char>(seed + i * 37 + (i >> 3));
  return b;
}

// The provider a fetch with this query finds, as libssl fetches for an SSL_CTX made with it.
std::string provider_of(OSSL_LIB_CTX* libctx, const char* algorithm, const char* query) {
  if (std::string(algorithm) == "TLS13-KDF") {
    std::unique_ptr<EVP_KDF, OpenSslDeleter<EVP_KDF_free>> kdf(EVP_KDF_fetch(libctx, algorithm, query));
    return kdf ? OSSL_PROVIDER_get0_name(EVP_KDF_get0_provider(kdf.get())) : "(none)";
  }
  std::unique_ptr<EVP_MD, OpenSslDeleter<EVP_MD_free>> md(EVP_MD_fetch(libctx, algorithm, query));
  return md ? OSSL_PROVIDER_get0_name(EVP_MD_get0_provider(md.get())) : "(none)";
}

// The SSL_CTX's query, "?provider=slowfast", is optional: it prefers this provider where it
// has the algorithm and takes the default provider's everywhere else.
TEST_F(Tls13KdfProvider, ItsQueryPrefersItForTheKdfAndFindsOpenSslsForTheRest) {
  EXPECT_EQ(provider_of(nullptr, "TLS13-KDF", "?provider=slowfast"), kTls13KdfProviderName);
  EXPECT_EQ(provider_of(nullptr, "TLS13-KDF", "provider=default"), "default");
  EXPECT_EQ(provider_of(nullptr, "SHA2-256", "?provider=slowfast"), "default");
  EXPECT_EQ(provider_of(nullptr, "SHA2-384", "?provider=slowfast"), "default");
}

// How many derivations the provider has made in `libctx`; -1 if it is not loaded there.
int64_t derivations(OSSL_LIB_CTX* libctx) {
  struct Found {
    OSSL_PROVIDER* provider = nullptr;
  } found;
  OSSL_PROVIDER_do_all(
      libctx,
      [](OSSL_PROVIDER* p, void* arg) {
        if (std::string(OSSL_PROVIDER_get0_name(p)) == kTls13KdfProviderName) static_cast<Found*>(arg)->provider = p;
        return 1;
      },
      &found);
  uint64_t n = 0;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_uint64(kTls13KdfDerivationsParam, &n), OSSL_PARAM_construct_end()};
  if (found.provider == nullptr || OSSL_PROVIDER_get_params(found.provider, params) != 1) return -1;
  return static_cast<int64_t>(n);
}

// A full TLS 1.3 handshake over memory BIOs, then a request and a response each way, and
// both sides' exported keying material compared. Any key derived differently on the two
// sides fails it: each side checks the other's Finished, decrypts its records, and exports
// from its own master secret.
void handshake(SSL_CTX* client_ctx, SSL_CTX* server_ctx, const char* suite) {
  for (SSL_CTX* ctx : {server_ctx, client_ctx}) {
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    ASSERT_EQ(SSL_CTX_set_ciphersuites(ctx, suite), 1);
  }
  SslPtr server(SSL_new(server_ctx)), client(SSL_new(client_ctx));
  ASSERT_TRUE(server && client);
  BIO *client_bio = nullptr, *server_bio = nullptr;
  ASSERT_EQ(BIO_new_bio_pair(&client_bio, 0, &server_bio, 0), 1);
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());
  int client_done = 0, server_done = 0;
  for (int round = 0; round < 20 && (client_done != 1 || server_done != 1); ++round) {
    if (client_done != 1) client_done = SSL_do_handshake(client.get());
    if (server_done != 1) server_done = SSL_do_handshake(server.get());
  }
  ASSERT_EQ(client_done, 1) << suite << ", the client: " << openssl_error("no error queued");
  ASSERT_EQ(server_done, 1) << suite << ", the server: " << openssl_error("no error queued");
  EXPECT_STREQ(SSL_CIPHER_get_name(SSL_get_current_cipher(client.get())), suite);

  const std::string request = "GET /delay/1 HTTP/1.1\r\n\r\n", response = "HTTP/1.1 200 OK\r\n\r\n";
  char buf[64] = {};
  ASSERT_EQ(SSL_write(client.get(), request.data(), static_cast<int>(request.size())), int(request.size()));
  ASSERT_EQ(SSL_read(server.get(), buf, sizeof buf), int(request.size()));
  EXPECT_EQ(std::string(buf, request.size()), request);
  ASSERT_EQ(SSL_write(server.get(), response.data(), static_cast<int>(response.size())), int(response.size()));
  ASSERT_EQ(SSL_read(client.get(), buf, sizeof buf), int(response.size()));
  EXPECT_EQ(std::string(buf, response.size()), response);

  unsigned char client_export[32], server_export[32];
  const char label[] = "EXPORTER-slowfast";
  ASSERT_EQ(SSL_export_keying_material(client.get(), client_export, sizeof client_export, label, sizeof label - 1,
                                       nullptr, 0, 0), 1);
  ASSERT_EQ(SSL_export_keying_material(server.get(), server_export, sizeof server_export, label, sizeof label - 1,
                                       nullptr, 0, 0), 1);
  EXPECT_EQ(std::memcmp(client_export, server_export, sizeof client_export), 0) << suite;
}

// The client derives with slowfast's KDF, the server with OpenSSL's, in a fresh library
// context, as each loop of `fetch --loops K` has: OpenSSL's default provider must still
// load there at first use, beside this one, and serve everything but the KDF.
TEST_F(Tls13KdfProvider, AHandshakeAgainstOpenSslsKdfAgreesOnEveryKey) {
  TempDir dir("tls13-kdf");
  LabCertPaths certs{dir.path() / "certs"};
  ensure_lab_certs(certs.dir);
  LibCtxPtr libctx(OSSL_LIB_CTX_new());
  for (const char* suite : {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"}) {
    SslCtxPtr server_ctx(SSL_CTX_new_ex(libctx.get(), "provider=default", TLS_server_method()));
    SslCtxPtr client_ctx = new_ssl_ctx_with_tls13_kdf(libctx.get(), TLS_client_method());
    ASSERT_TRUE(server_ctx && client_ctx);
    ASSERT_EQ(SSL_CTX_use_certificate_chain_file(server_ctx.get(), certs.server_pem().c_str()), 1);
    ASSERT_EQ(SSL_CTX_use_PrivateKey_file(server_ctx.get(), certs.server_key().c_str(), SSL_FILETYPE_PEM), 1);
    ASSERT_EQ(SSL_CTX_load_verify_locations(client_ctx.get(), certs.ca_pem().c_str(), nullptr), 1);
    SSL_CTX_set_verify(client_ctx.get(), SSL_VERIFY_PEER, nullptr);

    const int64_t before = derivations(libctx.get());
    ASSERT_GE(before, 0) << "the provider is loaded while the client's SSL_CTX lives";
    handshake(client_ctx.get(), server_ctx.get(), suite);
    // The client's own: early, handshake and master secrets, its traffic secrets, keys
    // and IVs, the Finished keys, the exporter (about 20). The server's are not counted.
    EXPECT_GE(derivations(libctx.get()) - before, 15) << suite;
    EXPECT_LE(derivations(libctx.get()) - before, 30) << suite;
  }
  EXPECT_EQ(derivations(libctx.get()), -1) << "the last SSL_CTX made with it is gone: the provider is unloaded";
}

TEST_F(Tls13KdfProvider, ExpandsEveryLabelAndLengthAsOpenSsl) {
  for (const char* digest : {"SHA2-256", "SHA2-384", "SHA256", "SHA2-512"}) {
    const Bytes secret = pattern(48, 1), hash = pattern(48, 2), short_hash = pattern(5, 3);
    for (const char* label : {"", "key", "iv", "c hs traffic", "s ap traffic", "finished", "traffic upd"}) {
      for (size_t out_len : {size_t{1}, size_t{12}, size_t{16}, size_t{32}, size_t{48}, size_t{64}, size_t{100}}) {
        for (const Bytes* data : {static_cast<const Bytes*>(nullptr), &hash, &short_hash}) {
          Input in;
          in.digest = digest;
          in.key = &secret;
          in.label = label;
          in.data = data;
          in.out_len = out_len;
          in.mode_as_int = out_len % 2 == 0;
          expect_same(in, true, std::string(digest) + " '" + label + "' " + std::to_string(out_len) +
                                    (data ? " with data" : " without data"));
          // A context set by an earlier call is not carried into this one.
          in.earlier_data = &short_hash;
          expect_same(in, true, std::string(digest) + " '" + label + "', after another context");
        }
      }
    }
  }
}

TEST_F(Tls13KdfProvider, ExtractsEachSecretOfTheScheduleAsOpenSsl) {
  for (const char* digest : {"SHA2-256", "SHA2-384"}) {
    const size_t len = std::string(digest) == "SHA2-256" ? 32 : 48;
    const Bytes ecdhe = pattern(32, 7), previous = pattern(len, 9), long_previous = pattern(len + 7, 11);
    struct Case {
      const Bytes* key;
      const Bytes* salt;
      const char* what;
    } cases[] = {{nullptr, nullptr, "early secret: no key, no salt"},
                 {&ecdhe, &previous, "handshake secret: the ECDHE share, salted by the early secret"},
                 {nullptr, &previous, "master secret: no key, salted by the handshake secret"},
                 {&ecdhe, nullptr, "a key without a salt"},
                 {&ecdhe, &long_previous, "a salt longer than the digest"}};
    for (const Case& c : cases) {
      Input in;
      in.mode = "EXTRACT_ONLY";
      in.digest = digest;
      in.key = c.key;
      in.salt = c.salt;
      in.label = "derived";
      in.out_len = len;
      expect_same(in, true, std::string(digest) + ": " + c.what);
    }
  }
}

TEST_F(Tls13KdfProvider, RefusesWhatOpenSslRefuses) {
  const Bytes secret = pattern(32, 1), big = pattern(300, 2);
  Input base;
  base.key = &secret;
  auto with = [&](auto change) {
    Input in = base;
    change(in);
    return in;
  };
  expect_same(with([](Input& in) { in.mode = "EXTRACT_AND_EXPAND"; }), false, "the mode TLS13-KDF has not");
  expect_same(with([](Input& in) { in.mode = "EXTRACT_AND_EXPAND"; in.mode_as_int = true; }), false,
              "the same mode as a number");
  expect_same(with([](Input& in) { in.mode = "SIDEWAYS"; }), false, "an unknown mode");
  expect_same(with([](Input& in) { in.digest = "NOT-A-DIGEST"; }), false, "an unknown digest");
  expect_same(with([](Input& in) { in.digest = ""; }), false, "no digest");
  expect_same(with([](Input& in) { in.key = nullptr; }), false, "expanding without a key");
  expect_same(with([](Input& in) { in.out_len = 255 * 32 + 1; }), false, "more than 255 blocks");
  expect_same(with([](Input& in) { in.out_len = 255 * 32; }), true, "exactly 255 blocks");
  expect_same(with([&](Input& in) { in.data = &big; }), false, "a context over 255 bytes");
  expect_same(with([](Input& in) { in.label = std::string(250, 'x'); }), false, "a label over 255 bytes");
  expect_same(with([](Input& in) { in.mode = "EXTRACT_ONLY"; in.out_len = 31; }), false,
              "a secret shorter than the digest");
  expect_same(with([](Input& in) { in.mode = "EXTRACT_ONLY"; in.out_len = 33; }), false,
              "a secret longer than the digest");
}

TEST_F(Tls13KdfProvider, ReportsItsOutputSizeAsOpenSsl) {
  for (const char* query : {"provider=default", "provider=slowfast"}) {
    std::unique_ptr<EVP_KDF, OpenSslDeleter<EVP_KDF_free>> kdf(EVP_KDF_fetch(nullptr, "TLS13-KDF", query));
    std::unique_ptr<EVP_KDF_CTX, OpenSslDeleter<EVP_KDF_CTX_free>> ctx(EVP_KDF_CTX_new(kdf.get()));
    ASSERT_TRUE(ctx) << query;
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    char digest[] = "SHA2-384";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
                           OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    ASSERT_EQ(EVP_KDF_CTX_set_params(ctx.get(), params), 1) << query;
    EXPECT_EQ(EVP_KDF_CTX_get_kdf_size(ctx.get()), SIZE_MAX) << query;
    mode = EVP_KDF_HKDF_MODE_EXTRACT_ONLY;
    ASSERT_EQ(EVP_KDF_CTX_set_params(ctx.get(), params), 1) << query;
    EXPECT_EQ(EVP_KDF_CTX_get_kdf_size(ctx.get()), 48u) << query;
    EVP_KDF_CTX_reset(ctx.get());
    EXPECT_EQ(EVP_KDF_CTX_get_kdf_size(ctx.get()), SIZE_MAX) << query << ", after a reset";
  }
}

}  // namespace
}  // namespace slowfast::testing
