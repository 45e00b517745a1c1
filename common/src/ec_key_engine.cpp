// ENGINE and EVP_PKEY_METHOD are deprecated in OpenSSL 3: this file uses them on purpose
// (see the header), so it asks for them without the deprecation warnings.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "slowfast/ec_key_engine.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include <mutex>

#if OPENSSL_VERSION_MAJOR == 3 && !defined(OPENSSL_NO_ENGINE)
#include <openssl/engine.h>
#define SLOWFAST_HAVE_EC_KEY_ENGINE 1
#endif

namespace slowfast {

#ifdef SLOWFAST_HAVE_EC_KEY_ENGINE
namespace {

EVP_PKEY_METHOD* g_ec_method = nullptr;  // OpenSSL's built-in EC method, copied
const int kNids[] = {EVP_PKEY_EC};

// The ENGINE's one table: asked with no method pointer, it lists the key types it
// serves; asked for EC, it hands over the copy.
int pkey_methods(ENGINE*, EVP_PKEY_METHOD** method, const int** nids, int nid) {
  if (method == nullptr) {
    *nids = kNids;
    return 1;
  }
  *method = nid == EVP_PKEY_EC ? g_ec_method : nullptr;
  return *method != nullptr;
}

bool install() {
  const EVP_PKEY_METHOD* builtin = EVP_PKEY_meth_find(EVP_PKEY_EC);
  ENGINE* e = ENGINE_new();
  if (builtin == nullptr || e == nullptr || (g_ec_method = EVP_PKEY_meth_new(EVP_PKEY_EC, 0)) == nullptr) {
    ENGINE_free(e);
    return false;
  }
  EVP_PKEY_meth_copy(g_ec_method, builtin);
  // From here the engine owns the copy: freeing the engine frees the methods it lists
  // (at the latest in OPENSSL_cleanup, at exit).
  ENGINE_set_pkey_meths(e, pkey_methods);
  bool ok = ENGINE_set_id(e, "slowfast-ec") == 1 &&
            ENGINE_set_name(e, "slowfast: OpenSSL's EC key method, decoded without a decoder chain") == 1 &&
            ENGINE_add(e) == 1 && ENGINE_set_default_pkey_meths(e) == 1;
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
