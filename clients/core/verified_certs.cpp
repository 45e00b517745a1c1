#include "core/verified_certs.h"

#include <openssl/x509v3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace slowfast {

namespace {

// One verified chain, leaf first, and the name it was verified for.
struct Verified {
  STACK_OF(X509)* chain;
  std::string host;  // the IP address or DNS name checked (X509_VERIFY_PARAM)
};

class VerifiedCerts {
 public:
  ~VerifiedCerts() {
    for (Verified& v : entries_) sk_X509_pop_free(v.chain, X509_free);
  }

  // A copy of the chain verified earlier for `leaf` and `host` while every certificate
  // of it is still valid, or null.
  STACK_OF(X509)* find(X509* leaf, const std::string& host) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Verified& v : entries_)
      if (v.host == host && X509_cmp(sk_X509_value(v.chain, 0), leaf) == 0 && still_valid(v.chain)) {
        ++hits_;
        return X509_chain_up_ref(v.chain);
      }
    return nullptr;
  }

  std::uint64_t hits() {
    std::lock_guard<std::mutex> lock(mutex_);
    return hits_;
  }

  void add(STACK_OF(X509)* chain, const std::string& host) {
    std::lock_guard<std::mutex> lock(mutex_);
    // A bound, not an eviction policy: a run talks to one server.
    if (entries_.size() >= kMaxEntries) return;
    entries_.push_back({X509_chain_up_ref(chain), host});
  }

 private:
  static constexpr std::size_t kMaxEntries = 16;

  static bool still_valid(STACK_OF(X509)* chain) {
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      X509* cert = sk_X509_value(chain, i);
      if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0) return false;
      if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) return false;
    }
    return true;
  }

  std::mutex mutex_;
  std::vector<Verified> entries_;
  std::uint64_t hits_ = 0;
};

// The name the connection checks the certificate against (tls_client_context.cpp sets
// either an IP address or a host name on the SSL's verify parameters).
std::string checked_name(X509_STORE_CTX* store_ctx) {
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(store_ctx);
  if (char* ip = X509_VERIFY_PARAM_get1_ip_asc(param)) {
    std::string name = std::string("ip:") + ip;
    OPENSSL_free(ip);
    return name;
  }
  const char* host = X509_VERIFY_PARAM_get0_host(param, 0);
  return host ? std::string("dns:") + host : std::string();
}

int verify(X509_STORE_CTX* store_ctx, void* arg) {
  auto* cache = static_cast<VerifiedCerts*>(arg);
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  X509* leaf = X509_STORE_CTX_get0_cert(store_ctx);
  // A verify callback of the connection's own must see every check.
  if (!ssl || !leaf || SSL_get_verify_callback(ssl) != nullptr) return X509_verify_cert(store_ctx);
  std::string name = checked_name(store_ctx);
  if (name.empty()) return X509_verify_cert(store_ctx);
  if (STACK_OF(X509)* chain = cache->find(leaf, name)) {
    X509_STORE_CTX_set0_verified_chain(store_ctx, chain);
    X509_STORE_CTX_set_error(store_ctx, X509_V_OK);
    return 1;
  }
  int ok = X509_verify_cert(store_ctx);
  if (ok == 1 && X509_STORE_CTX_get_error(store_ctx) == X509_V_OK)
    cache->add(X509_STORE_CTX_get0_chain(store_ctx), name);
  return ok;
}

void free_cache(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  std::unique_ptr<VerifiedCerts>(static_cast<VerifiedCerts*>(ptr));
}

// The context owns its cache through its ex data: freed with the context.
int cache_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, &free_cache);
  return index;
}

}  // namespace

void use_verified_cert_cache(SSL_CTX* ctx) {
  auto cache = std::make_unique<VerifiedCerts>();
  SSL_CTX_set_cert_verify_callback(ctx, &verify, cache.get());
  SSL_CTX_set_ex_data(ctx, cache_index(), cache.release());
}

std::uint64_t verified_cert_cache_hits(SSL_CTX* ctx) {
  auto* cache = static_cast<VerifiedCerts*>(SSL_CTX_get_ex_data(ctx, cache_index()));
  return cache ? cache->hits() : 0;
}

}  // namespace slowfast
