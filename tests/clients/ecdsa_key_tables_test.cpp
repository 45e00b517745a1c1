// ECDSA key tables (slowfast/ecdsa_key_tables.h): a key verified often enough is checked
// with a table of its own multiples, and every answer - holds, does not, not a DER
// signature - is the one OpenSSL's ECDSA_verify gives for the same bytes: good signatures,
// changed digests, r and s out of range (s + n verifies unless the range is checked),
// non-canonical DER, digests longer than the order. Through the EC key engine, the server
// key of a certificate, verified again and again, takes its table once a run of 1,000
// verifications is expected, and none for a shorter run.
#define OPENSSL_SUPPRESS_DEPRECATED  // EC_KEY and ECDSA_verify: the reference answers
#include "slowfast/ecdsa_key_tables.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "slowfast/ec_key_engine.h"
#include "slowfast/lab_certs.h"
#include "slowfast/openssl_ptr.h"
#include "slowfast/temp_dir.h"

namespace slowfast::testing {
namespace {

using ecdsa::KeyTables;
using ecdsa::kNotHere;
using Bytes = std::vector<unsigned char>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;

using EcKeyPtr = std::unique_ptr<EC_KEY, OpenSslDeleter<EC_KEY_free>>;

EcKeyPtr new_key(int nid) {
  EcKeyPtr key(EC_KEY_new_by_curve_name(nid));
  EXPECT_TRUE(key && EC_KEY_generate_key(key.get()) == 1);
  return key;
}

Bytes digest_of(const std::string& text, std::size_t len) {
  Bytes d(len);
  for (std::size_t i = 0; i < len; ++i) d[i] = static_cast<unsigned char>(text[i % text.size()] + i);
  return d;
}

Bytes sign(EC_KEY* key, const Bytes& digest) {
  Bytes sig(static_cast<std::size_t>(ECDSA_size(key)));
  unsigned int len = 0;
  EXPECT_EQ(ECDSA_sign(0, digest.data(), static_cast<int>(digest.size()), sig.data(), &len, key), 1);
  sig.resize(len);
  return sig;
}

// The DER of (r, s), whatever they are.
Bytes der_of(const BIGNUM* r, const BIGNUM* s) {
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_dup(r), BN_dup(s));
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig, &der);
  Bytes out(der, der + (len > 0 ? len : 0));
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

// r and s of a DER signature.
std::pair<BignumPtr, BignumPtr> parts_of(const Bytes& der) {
  const unsigned char* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  EXPECT_NE(sig, nullptr);
  std::pair<BignumPtr, BignumPtr> out{BignumPtr(BN_dup(ECDSA_SIG_get0_r(sig))), BignumPtr(BN_dup(ECDSA_SIG_get0_s(sig)))};
  ECDSA_SIG_free(sig);
  return out;
}

int openssl_verify(EC_KEY* key, const Bytes& digest, const Bytes& sig) {
  return ECDSA_verify(0, digest.data(), static_cast<int>(digest.size()), sig.data(), static_cast<int>(sig.size()), key);
}

// A new key's good signature over a digest of `text`, checked with `tables`.
struct Signed {
  EcKeyPtr key;
  Bytes digest;
  Bytes sig;
  explicit Signed(const std::string& text, int nid = NID_X9_62_prime256v1)
      : key(new_key(nid)), digest(digest_of(text, 32)), sig(sign(key.get(), digest)) {}
  int check(KeyTables& tables) const {
    return tables.verify(digest.data(), digest.size(), sig.data(), sig.size(), key.get());
  }
};

TEST(EcdsaKeyTables, AKeyIsLeftToOpenSslUntilItsTableIsBuilt) {
  KeyTables tables(3, 8);
  Signed s("hello");
  EXPECT_EQ(s.check(tables), kNotHere);
  EXPECT_EQ(s.check(tables), kNotHere);
  EXPECT_EQ(tables.tables(), 0u);
  EXPECT_EQ(s.check(tables), 1);
  EXPECT_EQ(tables.tables(), 1u);
  EXPECT_EQ(s.check(tables), 1);
  EXPECT_EQ(tables.verified_with_table(), 2u);
}

// Each case: the table's answer and OpenSSL's, for the same key, digest and bytes.
TEST(EcdsaKeyTables, EveryAnswerIsOpenSsls) {
  KeyTables tables(1, 8);  // a table from the first verification
  for (int k = 0; k < 3; ++k) {
    EcKeyPtr key = new_key(NID_X9_62_prime256v1);
    const BIGNUM* n = EC_GROUP_get0_order(EC_KEY_get0_group(key.get()));
    for (std::size_t digest_len : {20u, 32u, 48u, 64u}) {
      Bytes digest = digest_of("message " + std::to_string(k), digest_len);
      Bytes good = sign(key.get(), digest);
      auto [r, s] = parts_of(good);
      BignumPtr r1(BN_dup(r.get())), s1(BN_dup(s.get())), s_plus_n(BN_new()), high_s(BN_new()), zero(BN_new());
      BN_add_word(r1.get(), 1);
      BN_add_word(s1.get(), 1);
      BN_add(s_plus_n.get(), s.get(), n);
      BN_sub(high_s.get(), n, s.get());
      BN_zero(zero.get());
      Bytes changed = digest;
      changed[0] ^= 1;
      Bytes trailing = good;
      trailing.push_back(0);
      Bytes padded = good;  // r's INTEGER with a needless leading zero byte: not DER
      padded.insert(padded.begin() + 4, 0x00);
      padded[1] = static_cast<unsigned char>(padded[1] + 1);
      padded[3] = static_cast<unsigned char>(padded[3] + 1);
      struct Case {
        const char* name;
        Bytes digest;
        Bytes sig;
      };
      const std::vector<Case> cases = {
          {"good", digest, good},
          {"changed digest", changed, good},
          {"r + 1", digest, der_of(r1.get(), s.get())},
          {"s + 1", digest, der_of(r.get(), s1.get())},
          {"s + n", digest, der_of(r.get(), s_plus_n.get())},
          {"n - s", digest, der_of(r.get(), high_s.get())},
          {"r = n", digest, der_of(n, s.get())},
          {"s = n", digest, der_of(r.get(), n)},
          {"r = 0", digest, der_of(zero.get(), s.get())},
          {"s = 0", digest, der_of(r.get(), zero.get())},
          {"trailing byte", digest, trailing},
          {"non-minimal integer", digest, padded},
          {"truncated", digest, Bytes(good.begin(), good.end() - 1)},
          {"empty", digest, Bytes{}},
      };
      for (const Case& c : cases) {
        SCOPED_TRACE(std::string(c.name) + ", digest of " + std::to_string(digest_len) + " bytes");
        int expected = openssl_verify(key.get(), c.digest, c.sig);
        EXPECT_EQ(tables.verify(c.digest.data(), c.digest.size(), c.sig.data(), c.sig.size(), key.get()), expected);
      }
    }
  }
  EXPECT_EQ(tables.tables(), 3u);
}

TEST(EcdsaKeyTables, ARunTooShortToRepayATableBuildsNone) {
  KeyTables tables(0, 8);
  Signed s("short");
  tables.expect_verifications(999);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(s.check(tables), kNotHere);
  EXPECT_EQ(tables.tables(), 0u);
  tables.expect_verifications(1000);  // counted from here: the 64th builds the table
  for (int i = 1; i < 64; ++i) ASSERT_EQ(s.check(tables), kNotHere) << i;
  EXPECT_EQ(s.check(tables), 1);
  EXPECT_EQ(tables.tables(), 1u);
}

TEST(EcdsaKeyTables, OnlyP256KeysAndOnlyAsManyKeysAsTheBound) {
  KeyTables tables(1, 2);
  EXPECT_EQ(Signed("bound", NID_secp384r1).check(tables), kNotHere);
  for (int k = 0; k < 3; ++k) EXPECT_EQ(Signed("bound").check(tables), k < 2 ? 1 : kNotHere) << k;
  EXPECT_EQ(tables.tables(), 2u);
}

TEST(EcdsaKeyTables, ThreadsShareOneTable) {
  KeyTables tables(10, 8);
  Signed s("threads");
  std::atomic<int> wrong = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        int r = s.check(tables);
        if (r != 1 && r != kNotHere) ++wrong;
      }
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);  // while one thread builds the table, the other goes on without it
  EXPECT_EQ(tables.tables(), 1u);
  const std::size_t with_table = tables.verified_with_table();
  EXPECT_EQ(s.check(tables), 1);
  EXPECT_EQ(tables.verified_with_table(), with_table + 1);
}

// libssl checks the server's CertificateVerify with EVP_DigestVerify on the certificate's
// key: through the engine, the 64th such check builds the table and the rest use it.
TEST(EcdsaKeyTables, TheEngineChecksARepeatedCertificateKeyWithItsTable) {
  ASSERT_TRUE(use_ec_key_engine());
  TempDir dir("ecdsa-key-tables");
  LabCertPaths certs{dir.path()};
  ensure_lab_certs(certs.dir);
  BioPtr cert_in(BIO_new_file(certs.server_pem().c_str(), "r"));
  X509Ptr cert(PEM_read_bio_X509(cert_in.get(), nullptr, nullptr, nullptr));
  BioPtr key_in(BIO_new_file(certs.server_key().c_str(), "r"));
  EvpPkeyPtr signer(PEM_read_bio_PrivateKey(key_in.get(), nullptr, nullptr, nullptr));
  ASSERT_TRUE(cert && signer);
  EVP_PKEY* pub = X509_get0_pubkey(cert.get());
  auto digest_verify = [&](const std::string& signed_text, const std::string& checked_text) {
    auto bytes = [](const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); };
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, signer.get());
    EVP_DigestSign(ctx, nullptr, &len, bytes(signed_text), signed_text.size());
    Bytes sig(len);
    EVP_DigestSign(ctx, sig.data(), &len, bytes(signed_text), signed_text.size());
    EVP_MD_CTX_reset(ctx);
    EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pub);
    int r = EVP_DigestVerify(ctx, sig.data(), len, bytes(checked_text), checked_text.size());
    EVP_MD_CTX_free(ctx);
    return r;
  };
  ecdsa::process_key_tables().expect_verifications(1000);  // as `fetch -n 1000` says
  const std::size_t before = ecdsa::process_key_tables().verified_with_table();
  for (int i = 0; i < 70; ++i) ASSERT_EQ(digest_verify("transcript " + std::to_string(i), "transcript " + std::to_string(i)), 1) << i;
  EXPECT_GE(ecdsa::process_key_tables().verified_with_table() - before, 6u);
  const std::size_t with_table = ecdsa::process_key_tables().verified_with_table();
  EXPECT_EQ(digest_verify("what the server signed", "what the client saw"), 0);
  EXPECT_EQ(ecdsa::process_key_tables().verified_with_table(), with_table + 1);
}

}  // namespace
}  // namespace slowfast::testing
