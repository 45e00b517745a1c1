// EC_KEY (the engine's legacy keys) and EC_GROUP_precompute_mult are deprecated in OpenSSL 3:
// used on purpose, as in ec_key_engine.cpp.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "slowfast/ecdsa_key_tables.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <utility>

namespace slowfast::ecdsa {

namespace {

using BnCtxPtr = std::unique_ptr<BN_CTX, OpenSslDeleter<BN_CTX_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, OpenSslDeleter<EC_POINT_free>>;

// ossl_ecdsa_simple_verify_sig, with Q's multiple taken from `q_group` (the curve with Q as
// its generator, precomputed): 1 holds, 0 does not, -1 an error (as OpenSSL's, a sum at
// infinity, which has no x, is one).
int verify_sig(const EC_GROUP* group, const EC_GROUP* q_group, const unsigned char* digest, std::size_t digest_len,
               const ECDSA_SIG* sig) {
  const BIGNUM* r = ECDSA_SIG_get0_r(sig);
  const BIGNUM* s = ECDSA_SIG_get0_s(sig);
  const BIGNUM* order = EC_GROUP_get0_order(group);
  if (BN_is_zero(r) || BN_is_negative(r) || BN_ucmp(r, order) >= 0 || BN_is_zero(s) || BN_is_negative(s) ||
      BN_ucmp(s, order) >= 0)
    return 0;
  BnCtxPtr bn(BN_CTX_new());
  if (bn == nullptr) return -1;
  BN_CTX_start(bn.get());  // its numbers go with it: BN_CTX_free needs no BN_CTX_end
  BIGNUM* w = BN_CTX_get(bn.get());
  BIGNUM* m = BN_CTX_get(bn.get());
  BIGNUM* u1 = BN_CTX_get(bn.get());
  BIGNUM* u2 = BN_CTX_get(bn.get());
  BIGNUM* x = BN_CTX_get(bn.get());
  if (x == nullptr) return -1;
  // The digest's leftmost bits, as many as the order has.
  const int bits = BN_num_bits(order);
  const bool longer = 8 * digest_len > static_cast<std::size_t>(bits);
  if (longer) digest_len = static_cast<std::size_t>(bits + 7) / 8;
  if (BN_bin2bn(digest, static_cast<int>(digest_len), m) == nullptr) return -1;
  if (longer && 8 * digest_len > static_cast<std::size_t>(bits) && BN_rshift(m, m, 8 - (bits & 7)) != 1) return -1;
  // w = s^-1, u1 = m w, u2 = r w (mod n)
  if (BN_mod_inverse(w, s, order, bn.get()) == nullptr || BN_mod_mul(u1, m, w, order, bn.get()) != 1 ||
      BN_mod_mul(u2, r, w, order, bn.get()) != 1)
    return -1;
  EcPointPtr sum(EC_POINT_new(group));
  EcPointPtr q_part(EC_POINT_new(q_group));
  if (sum == nullptr || q_part == nullptr || EC_POINT_mul(group, sum.get(), u1, nullptr, nullptr, bn.get()) != 1 ||
      EC_POINT_mul(q_group, q_part.get(), u2, nullptr, nullptr, bn.get()) != 1 ||
      EC_POINT_add(group, sum.get(), sum.get(), q_part.get(), bn.get()) != 1 ||
      EC_POINT_get_affine_coordinates(group, sum.get(), x, nullptr, bn.get()) != 1 ||
      BN_nnmod(x, x, order, bn.get()) != 1)
    return -1;
  return BN_ucmp(x, r) == 0 ? 1 : 0;
}

}  // namespace

int KeyTables::verify(const unsigned char* digest, std::size_t digest_len, const unsigned char* sig,
                      std::size_t sig_len, const EC_KEY* key) {
  const EC_GROUP* group = EC_KEY_get0_group(key);
  const EC_POINT* q = EC_KEY_get0_public_key(key);
  if (group == nullptr || q == nullptr || EC_GROUP_get_curve_name(group) != NID_X9_62_prime256v1) return kNotHere;
  const EC_GROUP* table = table_for(group, q);
  if (table == nullptr) return kNotHere;
  // ECDSA_verify: one DER signature, with nothing after it, that re-encodes to its bytes.
  if (sig_len > INT_MAX || digest_len > INT_MAX) return -1;
  const unsigned char* p = sig;
  ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig_len));
  if (parsed == nullptr) return -1;
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(parsed, &der);
  const bool canonical = der_len == static_cast<int>(sig_len) && std::memcmp(der, sig, sig_len) == 0;
  OPENSSL_free(der);
  const int result = canonical ? verify_sig(group, table, digest, digest_len, parsed) : -1;
  ECDSA_SIG_free(parsed);
  if (result >= 0) ++verified_with_table_;
  return result;
}

const EC_GROUP* KeyTables::table_for(const EC_GROUP* group, const EC_POINT* q) {
  const int limit = uses_before_table_.load(std::memory_order_relaxed);
  if (limit == 0) return nullptr;  // tables off: no key is even counted
  Encoded point;
  if (EC_POINT_point2oct(group, q, POINT_CONVERSION_UNCOMPRESSED, point.data(), point.size(), nullptr) != point.size())
    return nullptr;
  {
    std::lock_guard lock(mutex_);
    auto key = std::find_if(keys_.begin(), keys_.end(), [&](const Key& k) { return k.point == point; });
    if (key == keys_.end()) {
      if (keys_.size() >= max_keys_) return nullptr;  // a bound, not an eviction policy: a run has one server
      key = keys_.insert(keys_.end(), Key{point, 0, false, nullptr});
    }
    if (key->table != nullptr) return key->table.get();
    if (key->building || ++key->uses < limit) return nullptr;
    key->building = true;
  }
  // This use reached the limit: this thread builds, the others go on without the table.
  Table table = build(group, q);
  const EC_GROUP* built = table.get();
  std::lock_guard lock(mutex_);
  for (Key& k : keys_)
    if (k.point == point) k.table = std::move(table);
  return built;
}

KeyTables::Table KeyTables::build(const EC_GROUP* group, const EC_POINT* q) {
  ERR_set_mark();
  EC_GROUP* copy = EC_GROUP_dup(group);
  if (copy != nullptr &&
      EC_GROUP_set_generator(copy, q, EC_GROUP_get0_order(group), EC_GROUP_get0_cofactor(group)) == 1 &&
      EC_GROUP_precompute_mult(copy, nullptr) == 1) {
    ERR_clear_last_mark();
    return Table(copy);
  }
  EC_GROUP_free(copy);
  ERR_pop_to_mark();  // no table: the key keeps OpenSSL's verification, which reports its own errors
  return nullptr;
}

std::size_t KeyTables::tables() {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(keys_.begin(), keys_.end(), [](const Key& k) { return k.table != nullptr; }));
}

std::size_t KeyTables::verified_with_table() { return verified_with_table_.load(); }

KeyTables& process_key_tables() {
  // Made at the first verification, after OpenSSL registered its exit cleanup: destroyed
  // (the tables freed) before that cleanup runs.
  static KeyTables tables(0, 8);
  return tables;
}

}  // namespace slowfast::ecdsa
