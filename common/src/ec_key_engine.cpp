// ENGINE and EVP_PKEY_METHOD are deprecated in OpenSSL 3: this file uses them on purpose
// (see the header), so it asks for them without the deprecation warnings.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "slowfast/ec_key_engine.h"

#include "slowfast/ecdsa_key_tables.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/x509.h>

#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#if OPENSSL_VERSION_MAJOR == 3 && !defined(OPENSSL_NO_ENGINE)
#include <openssl/engine.h>
#define SLOWFAST_HAVE_EC_KEY_ENGINE 1
#endif

namespace slowfast {

#ifdef SLOWFAST_HAVE_EC_KEY_ENGINE
namespace {

EVP_PKEY_METHOD* g_ec_method = nullptr;           // OpenSSL's built-in EC method, copied
EVP_PKEY_ASN1_METHOD* g_ec_asn1_method = nullptr;  // its ASN.1 method, copied, but for the public key
EVP_PKEY_METHOD* g_x25519_method = nullptr;       // the built-in X25519 method, copied, with a paramgen
const int kPkeyNids[] = {EVP_PKEY_EC, EVP_PKEY_X25519};
const int kAsn1Nids[] = {EVP_PKEY_EC};

// The ENGINE's tables: asked with no method pointer, each lists the key types it serves;
// asked for one of them, it hands over its copy.
int pkey_methods(ENGINE*, EVP_PKEY_METHOD** method, const int** nids, int nid) {
  if (method == nullptr) {
    *nids = kPkeyNids;
    return static_cast<int>(std::size(kPkeyNids));
  }
  *method = nid == EVP_PKEY_EC ? g_ec_method : nid == EVP_PKEY_X25519 ? g_x25519_method : nullptr;
  return *method != nullptr;
}

int asn1_methods(ENGINE*, EVP_PKEY_ASN1_METHOD** method, const int** nids, int nid) {
  if (method == nullptr) {
    *nids = kAsn1Nids;
    return static_cast<int>(std::size(kAsn1Nids));
  }
  *method = nid == EVP_PKEY_EC ? g_ec_asn1_method : nullptr;
  return *method != nullptr;
}

// --- The public-key functions. OpenSSL's EC pub_decode builds the curve's group from its
// parameters for every key it decodes (EC_GROUP_new_by_curve_name: 12.8 us for P-256,
// 3 % of the client's CPU per request); here each named curve's group is built once and
// copied (EC_GROUP_dup: 1.1 us). EVP_PKEY_asn1_set_public replaces all six functions at
// once and OpenSSL exports none of its own, so the other five are written again below,
// each as OpenSSL's ec_ameth.c does it.

const EC_KEY* ec_of(const EVP_PKEY* pkey) { return EVP_PKEY_get0_EC_KEY(pkey); }

// One group per named curve, kept until exit; nullptr for an unknown curve. The groups
// belong to the default OSSL_LIB_CTX (`fetch --loops K` gives each loop its own, but EC
// arithmetic and ECDSA verification fetch nothing from it), and a key takes a copy, never
// the kept group itself. The map is built on the first decode, after OpenSSL registered
// its atexit cleanup, so its destructor frees the groups before OPENSSL_cleanup runs.
const EC_GROUP* named_group(int nid) {
  struct GroupFree {
    void operator()(EC_GROUP* group) const { EC_GROUP_free(group); }
  };
  static std::mutex mutex;
  static std::map<int, std::unique_ptr<EC_GROUP, GroupFree>> groups;
  std::lock_guard lock(mutex);
  auto& group = groups[nid];
  if (group == nullptr) group.reset(EC_GROUP_new_by_curve_name(nid));
  return group.get();
}

// The key's parameters as a certificate's AlgorithmIdentifier holds them: the named
// curve's OID, or the explicit parameters' DER.
EC_KEY* key_for_parameters(int ptype, const void* pval) {
  if (ptype == V_ASN1_OBJECT) {
    const EC_GROUP* group = named_group(OBJ_obj2nid(static_cast<const ASN1_OBJECT*>(pval)));
    EC_KEY* key = group ? EC_KEY_new() : nullptr;
    if (key != nullptr && EC_KEY_set_group(key, group) == 1) return key;
    EC_KEY_free(key);
    return nullptr;
  }
  if (ptype == V_ASN1_SEQUENCE) {
    const auto* der = static_cast<const ASN1_STRING*>(pval);
    const unsigned char* p = ASN1_STRING_get0_data(der);
    return d2i_ECParameters(nullptr, &p, ASN1_STRING_length(der));
  }
  return nullptr;
}

int pub_decode(EVP_PKEY* pkey, const X509_PUBKEY* pub) {
  const unsigned char* point = nullptr;
  int point_len = 0;
  X509_ALGOR* alg = nullptr;
  if (X509_PUBKEY_get0_param(nullptr, &point, &point_len, &alg, pub) != 1) return 0;
  int ptype = 0;
  const void* pval = nullptr;
  X509_ALGOR_get0(nullptr, &ptype, &pval, alg);
  EC_KEY* key = key_for_parameters(ptype, pval);
  if (key == nullptr || o2i_ECPublicKey(&key, &point, point_len) == nullptr) {
    EC_KEY_free(key);
    ERR_raise(ERR_LIB_EC, EC_R_DECODE_ERROR);
    return 0;
  }
  EVP_PKEY_assign_EC_KEY(pkey, key);
  return 1;
}

int pub_encode(X509_PUBKEY* pub, const EVP_PKEY* pkey) {
  const EC_KEY* key = ec_of(pkey);
  const EC_GROUP* group = key ? EC_KEY_get0_group(key) : nullptr;
  if (group == nullptr) return 0;
  int ptype = V_ASN1_OBJECT;
  void* pval = nullptr;
  int nid = EC_GROUP_get_curve_name(group);
  if ((EC_GROUP_get_asn1_flag(group) & OPENSSL_EC_NAMED_CURVE) && nid != NID_undef) {
    pval = OBJ_nid2obj(nid);
  } else {
    unsigned char* params = nullptr;
    int params_len = i2d_ECParameters(key, &params);
    ASN1_STRING* der = params_len > 0 ? ASN1_STRING_new() : nullptr;
    if (der == nullptr) {
      OPENSSL_free(params);
      return 0;
    }
    ASN1_STRING_set0(der, params, params_len);
    ptype = V_ASN1_SEQUENCE;
    pval = der;
  }
  unsigned char* point = nullptr;
  int point_len = i2o_ECPublicKey(key, &point);
  if (point_len > 0 &&
      X509_PUBKEY_set0_param(pub, OBJ_nid2obj(EVP_PKEY_EC), ptype, pval, point, point_len) == 1)
    return 1;
  OPENSSL_free(point);
  if (ptype == V_ASN1_SEQUENCE) ASN1_STRING_free(static_cast<ASN1_STRING*>(pval));
  return 0;
}

// 1: the same point on the same curve; 0: not; -2: a key without one.
int pub_cmp(const EVP_PKEY* a, const EVP_PKEY* b) {
  const EC_KEY* ka = ec_of(a);
  const EC_KEY* kb = ec_of(b);
  const EC_GROUP* group = kb ? EC_KEY_get0_group(kb) : nullptr;
  const EC_POINT* pa = ka ? EC_KEY_get0_public_key(ka) : nullptr;
  const EC_POINT* pb = kb ? EC_KEY_get0_public_key(kb) : nullptr;
  if (group == nullptr || pa == nullptr || pb == nullptr) return -2;
  int r = EC_POINT_cmp(group, pa, pb, nullptr);
  return r == 0 ? 1 : r == 1 ? 0 : -2;
}

// The public half only, as OpenSSL prints it (EC_KEY_print of a key without its private
// part is ec_ameth.c's do_EC_KEY_print(..., EC_KEY_PUBLIC)).
int pub_print(BIO* out, const EVP_PKEY* pkey, int indent, ASN1_PCTX*) {
  const EC_KEY* key = ec_of(pkey);
  if (key == nullptr) return 0;
  if (EC_KEY_get0_private_key(key) == nullptr) return EC_KEY_print(out, key, indent);
  EC_KEY* pub = EC_KEY_new();
  int ok = pub != nullptr && EC_KEY_set_group(pub, EC_KEY_get0_group(key)) == 1 &&
           EC_KEY_set_public_key(pub, EC_KEY_get0_public_key(key)) == 1 && EC_KEY_print(out, pub, indent) == 1;
  EC_KEY_free(pub);
  return ok;
}

int pkey_size(const EVP_PKEY* pkey) { return ECDSA_size(ec_of(pkey)); }

int pkey_bits(const EVP_PKEY* pkey) {
  const EC_KEY* key = ec_of(pkey);
  return key ? EC_GROUP_order_bits(EC_KEY_get0_group(key)) : 0;
}

// --- Verification: a key verified again and again (the server's, on every connection of a
// client) gets a table of its multiples (slowfast/ecdsa_key_tables.h); any other, OpenSSL's own.
using VerifyFn = int (*)(EVP_PKEY_CTX*, const unsigned char*, size_t, const unsigned char*, size_t);
VerifyFn g_builtin_ec_verify = nullptr;

int ec_verify(EVP_PKEY_CTX* ctx, const unsigned char* sig, size_t sig_len, const unsigned char* digest,
              size_t digest_len) {
  const EC_KEY* key = EVP_PKEY_get0_EC_KEY(EVP_PKEY_CTX_get0_pkey(ctx));
  int result = key ? ecdsa::process_key_tables().verify(digest, digest_len, sig, sig_len, key) : ecdsa::kNotHere;
  return result != ecdsa::kNotHere ? result : g_builtin_ec_verify(ctx, sig, sig_len, digest, digest_len);
}

// libssl makes the peer's key share from "parameters" (ssl_generate_param_group), which the
// X25519 method, having none, cannot generate: the key type is all there is to them.
int x25519_paramgen(EVP_PKEY_CTX*, EVP_PKEY* pkey) { return EVP_PKEY_set_type(pkey, EVP_PKEY_X25519); }

bool make_methods() {
  const EVP_PKEY_METHOD* builtin = EVP_PKEY_meth_find(EVP_PKEY_EC);
  const EVP_PKEY_ASN1_METHOD* builtin_asn1 = EVP_PKEY_asn1_find(nullptr, EVP_PKEY_EC);
  int flags = 0;
  const char* pem_str = nullptr;
  const char* info = nullptr;
  if (builtin == nullptr || builtin_asn1 == nullptr ||
      EVP_PKEY_asn1_get0_info(nullptr, nullptr, &flags, &info, &pem_str, builtin_asn1) != 1)
    return false;
  const EVP_PKEY_METHOD* builtin_x25519 = EVP_PKEY_meth_find(EVP_PKEY_X25519);
  if (builtin_x25519 == nullptr) return false;
  g_ec_method = EVP_PKEY_meth_new(EVP_PKEY_EC, 0);
  g_ec_asn1_method = EVP_PKEY_asn1_new(EVP_PKEY_EC, flags, pem_str, info);
  g_x25519_method = EVP_PKEY_meth_new(EVP_PKEY_X25519, 0);
  if (g_ec_method == nullptr || g_ec_asn1_method == nullptr || g_x25519_method == nullptr) return false;
  EVP_PKEY_meth_copy(g_x25519_method, builtin_x25519);
  EVP_PKEY_meth_set_paramgen(g_x25519_method, nullptr, x25519_paramgen);
  EVP_PKEY_meth_copy(g_ec_method, builtin);
  int (*verify_init)(EVP_PKEY_CTX*) = nullptr;
  EVP_PKEY_meth_get_verify(builtin, &verify_init, &g_builtin_ec_verify);
  if (g_builtin_ec_verify == nullptr) return false;
  EVP_PKEY_meth_set_verify(g_ec_method, verify_init, ec_verify);
  EVP_PKEY_asn1_copy(g_ec_asn1_method, builtin_asn1);
  EVP_PKEY_asn1_set_public(g_ec_asn1_method, pub_decode, pub_encode, pub_cmp, pub_print, pkey_size, pkey_bits);
  return true;
}

bool install() {
  ENGINE* e = ENGINE_new();
  if (e == nullptr || !make_methods()) {
    ENGINE_free(e);
    EVP_PKEY_meth_free(std::exchange(g_ec_method, nullptr));
    EVP_PKEY_meth_free(std::exchange(g_x25519_method, nullptr));
    EVP_PKEY_asn1_free(std::exchange(g_ec_asn1_method, nullptr));
    return false;
  }
  // From here the engine owns the copies: freeing the engine frees the methods it lists
  // (at the latest in OPENSSL_cleanup, at exit).
  ENGINE_set_pkey_meths(e, pkey_methods);
  ENGINE_set_pkey_asn1_meths(e, asn1_methods);
  bool ok = ENGINE_set_id(e, "slowfast-ec") == 1 &&
            ENGINE_set_name(e, "slowfast: OpenSSL's EC and X25519 key methods, without provider lookups") == 1 &&
            ENGINE_add(e) == 1 && ENGINE_set_default_pkey_meths(e) == 1 &&
            ENGINE_set_default_pkey_asn1_meths(e) == 1;
  if (!ok) {
    ENGINE_remove(e);   // unlisted, the last reference below frees it
    ERR_clear_error();  // this failure is reported by the return value, not the error queue
  }
  ENGINE_free(e);  // listed, the engine list holds it from here
  return ok;
}

}  // namespace

bool use_ec_key_engine() {
  static std::once_flag once;
  static bool installed = false;
  std::call_once(once, [] { installed = install(); });
  return installed;
}

#else

bool use_ec_key_engine() { return false; }

#endif

}  // namespace slowfast
