// A provider with one algorithm, "TLS13-KDF" (slowfast/tls13_kdf_provider.h explains why).
// It takes OpenSSL 3.0's parameters, modes and errors as its own does
// (providers/implementations/kdfs/hkdf.c: kdf_tls1_3_*), so that the two cannot be told
// apart by what they return; the key schedule itself is in tls13_hkdf.cpp.
#include "slowfast/tls13_kdf_provider.h"

#include "tls13_hkdf.h"

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/proverr.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace slowfast {
namespace {

// --- The provider: its library context, and the digests it has fetched, by name.

struct Provider {
  struct Entry {
    std::string name;
    EVP_MD* md;
    tls13::Digest digest;
  };
  OSSL_LIB_CTX* libctx = nullptr;
  std::atomic<uint64_t> derivations{0};
  std::mutex mutex;
  std::vector<std::unique_ptr<Entry>> digests;  // a TLS 1.3 server meets two: SHA-256 and -384

  ~Provider() {
    for (auto& entry : digests) EVP_MD_free(entry->md);
  }

  // The digest libssl names (EVP_MD_get0_name of its own, e.g. "SHA2-256"), fetched once.
  const tls13::Digest* digest(const char* name) {
    std::lock_guard lock(mutex);
    for (const auto& entry : digests)
      if (entry->name == name) return &entry->digest;
    auto entry = std::make_unique<Entry>(Entry{name, EVP_MD_fetch(libctx, name, nullptr), {}});
    if (entry->md == nullptr || !entry->digest.load(entry->md)) {
      EVP_MD_free(entry->md);
      return nullptr;
    }
    return &digests.emplace_back(std::move(entry))->digest;
  }
};

// --- A parameter's bytes, which may be a secret: cleared before they are let go, as OpenSSL does.

class Secret {
 public:
  Secret() = default;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret() { clear(); }

  void clear() {
    if (!data_.empty()) OPENSSL_cleanse(data_.data(), data_.size());
    data_.clear();
    set_ = false;
  }
  // OSSL_PARAM_get_octet_string's rules: an octet string, or the parameter is refused.
  bool assign(const OSSL_PARAM& p) {
    if (p.data_type != OSSL_PARAM_OCTET_STRING || (p.data == nullptr && p.data_size != 0)) return false;
    clear();
    const auto* bytes = static_cast<const unsigned char*>(p.data);
    data_.assign(bytes, bytes + p.data_size);
    set_ = true;
    return true;
  }
  // nullptr when not given, which is not the same as given empty.
  tls13::Bytes view() const { return {set_ ? data_.data() : nullptr, data_.size()}; }

 private:
  std::vector<unsigned char> data_;
  bool set_ = false;
};

// --- One derivation's context: what libssl sets, as the default provider keeps it.

struct Kdf {
  explicit Kdf(Provider* p) : provider(p) {}
  ~Kdf() { EVP_MD_free(owned_md); }

  Provider* provider;
  int mode = EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND;  // OpenSSL's default; TLS13-KDF refuses it
  const tls13::Digest* digest = nullptr;
  EVP_MD* owned_md = nullptr;  // fetched with explicit properties: this context's own
  tls13::Digest owned_digest;
  Secret key, salt, prefix, label, data;

  void reset() {
    mode = EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND;
    digest = nullptr;
    EVP_MD_free(std::exchange(owned_md, nullptr));
    for (Secret* b : {&key, &salt, &prefix, &label, &data}) b->clear();
  }
};

const OSSL_PARAM* find(const OSSL_PARAM params[], const char* key) {
  return OSSL_PARAM_locate_const(params, key);
}

bool set_digest(Kdf& kdf, const OSSL_PARAM params[]) {
  const OSSL_PARAM* p = find(params, OSSL_KDF_PARAM_DIGEST);
  if (p == nullptr) return true;
  const char* name = nullptr;
  if (!OSSL_PARAM_get_utf8_string_ptr(p, &name)) return false;
  const OSSL_PARAM* props = find(params, OSSL_KDF_PARAM_PROPERTIES);
  const char* query = nullptr;
  if (props != nullptr && !OSSL_PARAM_get_utf8_string_ptr(props, &query)) return false;
  EVP_MD_free(std::exchange(kdf.owned_md, nullptr));
  kdf.digest = nullptr;
  if (query == nullptr) {
    kdf.digest = kdf.provider->digest(name);
  } else if ((kdf.owned_md = EVP_MD_fetch(kdf.provider->libctx, name, query)) != nullptr &&
             kdf.owned_digest.load(kdf.owned_md)) {
    kdf.digest = &kdf.owned_digest;
  }
  return kdf.digest != nullptr;
}

bool set_mode(Kdf& kdf, const OSSL_PARAM& p) {
  int mode = -1;
  if (p.data_type == OSSL_PARAM_UTF8_STRING) {
    const char* name = static_cast<const char*>(p.data);
    if (OPENSSL_strcasecmp(name, "EXTRACT_AND_EXPAND") == 0) mode = EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND;
    if (OPENSSL_strcasecmp(name, "EXTRACT_ONLY") == 0) mode = EVP_KDF_HKDF_MODE_EXTRACT_ONLY;
    if (OPENSSL_strcasecmp(name, "EXPAND_ONLY") == 0) mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  } else if (!OSSL_PARAM_get_int(&p, &mode)) {
    mode = -1;
  }
  if (mode != EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND && mode != EVP_KDF_HKDF_MODE_EXTRACT_ONLY &&
      mode != EVP_KDF_HKDF_MODE_EXPAND_ONLY) {
    ERR_raise(ERR_LIB_PROV, PROV_R_INVALID_MODE);
    return false;
  }
  kdf.mode = mode;
  return true;
}

int set_ctx_params(void* vkdf, const OSSL_PARAM params[]) {
  auto& kdf = *static_cast<Kdf*>(vkdf);
  if (params == nullptr || params->key == nullptr) return 1;
  if (!set_digest(kdf, params)) return 0;
  const OSSL_PARAM* p = nullptr;
  if ((p = find(params, OSSL_KDF_PARAM_MODE)) != nullptr && !set_mode(kdf, *p)) return 0;
  if ((p = find(params, OSSL_KDF_PARAM_KEY)) != nullptr && !kdf.key.assign(*p)) return 0;
  // An empty salt leaves the one set before (hkdf_common_set_ctx_params does the same).
  if ((p = find(params, OSSL_KDF_PARAM_SALT)) != nullptr && p->data_size != 0 && p->data != nullptr &&
      !kdf.salt.assign(*p))
    return 0;
  if (kdf.mode == EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND) {
    ERR_raise(ERR_LIB_PROV, PROV_R_INVALID_MODE);
    return 0;
  }
  if ((p = find(params, OSSL_KDF_PARAM_PREFIX)) != nullptr && !kdf.prefix.assign(*p)) return 0;
  if ((p = find(params, OSSL_KDF_PARAM_LABEL)) != nullptr && !kdf.label.assign(*p)) return 0;
  // The context (a transcript hash) is per call: one not given now is none.
  kdf.data.clear();
  if ((p = find(params, OSSL_KDF_PARAM_DATA)) != nullptr && !kdf.data.assign(*p)) return 0;
  return 1;
}

int derive(void* vkdf, unsigned char* out, size_t out_len, const OSSL_PARAM params[]) {
  auto& kdf = *static_cast<Kdf*>(vkdf);
  if (!set_ctx_params(vkdf, params)) return 0;
  kdf.provider->derivations.fetch_add(1, std::memory_order_relaxed);
  if (kdf.digest == nullptr) {
    ERR_raise(ERR_LIB_PROV, PROV_R_MISSING_MESSAGE_DIGEST);
    return 0;
  }
  switch (kdf.mode) {
    case EVP_KDF_HKDF_MODE_EXTRACT_ONLY:
      return tls13::generate_secret(*kdf.digest, kdf.salt.view(), kdf.key.view(), kdf.prefix.view(),
                                    kdf.label.view(), out, out_len);
    case EVP_KDF_HKDF_MODE_EXPAND_ONLY:
      return tls13::expand_label(*kdf.digest, kdf.key.view(), kdf.prefix.view(), kdf.label.view(),
                                 kdf.data.view(), out, out_len);
    default:
      return 0;
  }
}

// The output size: one digest for EXTRACT_ONLY, anything for EXPAND_ONLY.
int get_ctx_params(void* vkdf, OSSL_PARAM params[]) {
  const auto& kdf = *static_cast<Kdf*>(vkdf);
  OSSL_PARAM* p = OSSL_PARAM_locate(params, OSSL_KDF_PARAM_SIZE);
  if (p == nullptr) return -2;
  if (kdf.mode != EVP_KDF_HKDF_MODE_EXTRACT_ONLY) return OSSL_PARAM_set_size_t(p, SIZE_MAX);
  if (kdf.digest == nullptr) {
    ERR_raise(ERR_LIB_PROV, PROV_R_MISSING_MESSAGE_DIGEST);
    return 0;
  }
  return OSSL_PARAM_set_size_t(p, kdf.digest->size);
}

void* new_ctx(void* provider) { return new (std::nothrow) Kdf(static_cast<Provider*>(provider)); }
void free_ctx(void* vkdf) { delete static_cast<Kdf*>(vkdf); }
void reset_ctx(void* vkdf) { static_cast<Kdf*>(vkdf)->reset(); }

const OSSL_PARAM* settable_ctx_params(void*, void*) {
  static const OSSL_PARAM kSettable[] = {
      OSSL_PARAM_utf8_string(OSSL_KDF_PARAM_MODE, nullptr, 0),
      OSSL_PARAM_int(OSSL_KDF_PARAM_MODE, nullptr),
      OSSL_PARAM_utf8_string(OSSL_KDF_PARAM_PROPERTIES, nullptr, 0),
      OSSL_PARAM_utf8_string(OSSL_KDF_PARAM_DIGEST, nullptr, 0),
      OSSL_PARAM_octet_string(OSSL_KDF_PARAM_KEY, nullptr, 0),
      OSSL_PARAM_octet_string(OSSL_KDF_PARAM_SALT, nullptr, 0),
      OSSL_PARAM_octet_string(OSSL_KDF_PARAM_PREFIX, nullptr, 0),
      OSSL_PARAM_octet_string(OSSL_KDF_PARAM_LABEL, nullptr, 0),
      OSSL_PARAM_octet_string(OSSL_KDF_PARAM_DATA, nullptr, 0),
      OSSL_PARAM_END};
  return kSettable;
}

const OSSL_PARAM* gettable_ctx_params(void*, void*) {
  static const OSSL_PARAM kGettable[] = {OSSL_PARAM_size_t(OSSL_KDF_PARAM_SIZE, nullptr), OSSL_PARAM_END};
  return kGettable;
}

template <typename F>
OSSL_DISPATCH entry(int id, F* f) {
  return {id, reinterpret_cast<void (*)(void)>(f)};
}

const OSSL_DISPATCH kKdfFunctions[] = {
    entry(OSSL_FUNC_KDF_NEWCTX, new_ctx),
    entry(OSSL_FUNC_KDF_FREECTX, free_ctx),
    entry(OSSL_FUNC_KDF_RESET, reset_ctx),
    entry(OSSL_FUNC_KDF_DERIVE, derive),
    entry(OSSL_FUNC_KDF_SETTABLE_CTX_PARAMS, settable_ctx_params),
    entry(OSSL_FUNC_KDF_SET_CTX_PARAMS, set_ctx_params),
    entry(OSSL_FUNC_KDF_GETTABLE_CTX_PARAMS, gettable_ctx_params),
    entry(OSSL_FUNC_KDF_GET_CTX_PARAMS, get_ctx_params),
    {0, nullptr}};

const OSSL_ALGORITHM kKdfs[] = {
    {OSSL_KDF_NAME_TLS1_3_KDF, "provider=slowfast", kKdfFunctions,
     "TLS 1.3's HKDF-Expand-Label and secret extraction, with the digest fetched once"},
    {nullptr, nullptr, nullptr, nullptr}};

const OSSL_ALGORITHM* query_operation(void*, int operation, int* no_cache) {
  *no_cache = 0;
  return operation == OSSL_OP_KDF ? kKdfs : nullptr;
}

void teardown(void* provider) { delete static_cast<Provider*>(provider); }

const OSSL_PARAM* gettable_params(void*) {
  static const OSSL_PARAM kGettable[] = {OSSL_PARAM_utf8_ptr(OSSL_PROV_PARAM_NAME, nullptr, 0),
                                         OSSL_PARAM_uint64(kTls13KdfDerivationsParam, nullptr), OSSL_PARAM_END};
  return kGettable;
}

int get_params(void* provider, OSSL_PARAM params[]) {
  OSSL_PARAM* p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_NAME);
  if (p != nullptr && !OSSL_PARAM_set_utf8_ptr(p, "slowfast: TLS 1.3's key schedule, digests fetched once")) return 0;
  p = OSSL_PARAM_locate(params, kTls13KdfDerivationsParam);
  return p == nullptr ||
         OSSL_PARAM_set_uint64(p, static_cast<Provider*>(provider)->derivations.load(std::memory_order_relaxed));
}

const OSSL_DISPATCH kProviderFunctions[] = {
    entry(OSSL_FUNC_PROVIDER_TEARDOWN, teardown),
    entry(OSSL_FUNC_PROVIDER_QUERY_OPERATION, query_operation),
    entry(OSSL_FUNC_PROVIDER_GETTABLE_PARAMS, gettable_params),
    entry(OSSL_FUNC_PROVIDER_GET_PARAMS, get_params),
    {0, nullptr}};

int provider_init(const OSSL_CORE_HANDLE* handle, const OSSL_DISPATCH* in, const OSSL_DISPATCH** out,
                  void** provctx) {
  OSSL_FUNC_core_get_libctx_fn* get_libctx = nullptr;
  for (; in->function_id != 0; ++in)
    if (in->function_id == OSSL_FUNC_CORE_GET_LIBCTX) get_libctx = OSSL_FUNC_core_get_libctx(in);
  if (get_libctx == nullptr) return 0;
  auto* provider = new (std::nothrow) Provider;
  if (provider == nullptr) return 0;
  // A built-in provider lives in the same libcrypto: its core context is the library
  // context it was loaded into (OpenSSL's default provider makes the same cast).
  provider->libctx = reinterpret_cast<OSSL_LIB_CTX*>(get_libctx(handle));
  *provctx = provider;
  *out = kProviderFunctions;
  return 1;
}

// A reference to the provider, loaded into one library context; nullptr if it cannot be.
OSSL_PROVIDER* load_provider(OSSL_LIB_CTX* libctx) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  // Retaining fallbacks: a fresh library context must still load OpenSSL's default
  // provider at its first fetch, as it would without this one. The first load in a
  // context finds no such provider (OpenSSL then looks for a module file of that name, in
  // vain) and adds it as built in.
  ERR_set_mark();
  OSSL_PROVIDER* provider = OSSL_PROVIDER_try_load(libctx, kTls13KdfProviderName, 1);
  if (provider == nullptr && OSSL_PROVIDER_add_builtin(libctx, kTls13KdfProviderName, provider_init) == 1)
    provider = OSSL_PROVIDER_try_load(libctx, kTls13KdfProviderName, 1);
  ERR_pop_to_mark();
  return provider;
}

// Each SSL_CTX keeps its reference in its ex_data and drops it when freed; after the last
// one the provider is inactive, and its library context frees it with itself (the default
// context: at exit, in OPENSSL_cleanup).
void unload_provider(void*, void* provider, CRYPTO_EX_DATA*, int, long, void*) {
  if (provider != nullptr) OSSL_PROVIDER_unload(static_cast<OSSL_PROVIDER*>(provider));
}

int provider_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, unload_provider);
  return index;
}

}  // namespace

SslCtxPtr new_ssl_ctx_with_tls13_kdf(OSSL_LIB_CTX* libctx, const SSL_METHOD* method) {
  OSSL_PROVIDER* provider = load_provider(libctx);
  SslCtxPtr ctx(SSL_CTX_new_ex(libctx, provider ? "?provider=slowfast" : nullptr, method));
  if (provider != nullptr && (!ctx || SSL_CTX_set_ex_data(ctx.get(), provider_index(), provider) != 1))
    OSSL_PROVIDER_unload(provider);
  return ctx;
}

}  // namespace slowfast
