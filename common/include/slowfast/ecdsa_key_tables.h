// ECDSA verification with a precomputed table for a public key seen again and again.
//
// Verifying an ECDSA signature computes u1 x G + u2 x Q, G the curve's generator and Q the
// signer's public key. OpenSSL's P-256 code (nistz256) has a table of G's multiples built
// in, so u1 x G is cheap; u2 x Q is a full variable-point multiplication, most of the
// 57.8 us one verification takes here. A client of one server verifies the same Q on every
// connection (the server's CertificateVerify, signed by the key in its certificate), so
// once a key has been verified often enough, it gets a table of its own: a copy of the
// curve's group with Q as its generator, whose multiples OpenSSL precomputes
// (EC_GROUP_precompute_mult) and then uses as it uses G's. One verification then takes
// 33.1 us (BM_EcdsaVerify, medians of 3). The table costs about 20 ms to build (as much as
// ~800 verifications save) and 150 KB to keep, so it is built only for a key verified
// `uses_before_table` times, and the process's tables (the EC key engine's) build none
// until a client says it will verify enough signatures to repay one. Everything a table
// touches is public (key, digest, signature): its timing gives nothing away.
//
// The rest is OpenSSL's ECDSA verification (ossl_ecdsa_simple_verify_sig) step by step:
// the DER signature must re-encode to the same bytes, r and s must lie in [1, n - 1], the
// digest is cut to the order's length, and the signature holds when x(u1 x G + u2 x Q) mod
// n equals r. Only the multiplication by Q uses the table.
#pragma once
#include <openssl/ec.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "slowfast/openssl_ptr.h"

namespace slowfast::ecdsa {

// verify()'s answer for a key it leaves to OpenSSL.
inline constexpr int kNotHere = -2;

class KeyTables {
 public:
  // A key gets its table on its `uses_before_table`-th verification (0: never; uses are
  // counted while it is not 0).
  KeyTables(int uses_before_table, std::size_t max_keys)
      : uses_before_table_(uses_before_table), max_keys_(max_keys) {}

  // A caller about to check one key's signatures `count` times (a client's N connections
  // to one server): from now on a key gets its table on its 64th verification when `count`
  // repays one (1,000 or more), and never otherwise (no key is even counted).
  void expect_verifications(std::size_t count) { uses_before_table_ = count >= 1000 ? 64 : 0; }

  // As ECDSA_verify(digest, signature, key): 1 the signature holds, 0 it does not, -1 it is
  // not one DER ECDSA signature. kNotHere for a key without a table yet (counted as a use,
  // and given its table on the use that reaches uses_before_table) or not on P-256: the
  // caller verifies it with OpenSSL's own code. Thread-safe.
  int verify(const unsigned char* digest, std::size_t digest_len, const unsigned char* sig, std::size_t sig_len,
             const EC_KEY* key);

  // How many keys have a table, and how many signatures were checked with one.
  std::size_t tables();
  std::size_t verified_with_table();

 private:
  using Encoded = std::array<unsigned char, 65>;  // a P-256 public key's uncompressed point
  // The curve, with Q as its generator and its multiples precomputed. Kept until the
  // tables go (no key is ever removed), so verify() uses it without holding the lock.
  using Table = std::unique_ptr<EC_GROUP, OpenSslDeleter<EC_GROUP_free>>;
  struct Key {
    Encoded point;
    int uses = 0;
    bool building = false;  // by one thread, once: a failed build is not tried again
    Table table;            // null until built
  };

  // The key's table, or null after counting this use (and building it on the use that
  // reaches the limit).
  const EC_GROUP* table_for(const EC_GROUP* group, const EC_POINT* q);
  static Table build(const EC_GROUP* group, const EC_POINT* q);

  std::atomic<int> uses_before_table_;
  const std::size_t max_keys_;
  std::mutex mutex_;
  std::vector<Key> keys_;
  std::atomic<std::size_t> verified_with_table_ = 0;
};

// The process's tables, which the EC key engine's verification uses: none until
// expect_verifications says they pay, then a key gets one on its 64th verification, for up
// to 8 keys.
KeyTables& process_key_tables();

}  // namespace slowfast::ecdsa
