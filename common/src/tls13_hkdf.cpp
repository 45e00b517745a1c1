// HMAC_CTX and the SHA*_ block functions are deprecated in OpenSSL 3 but remain for its
// life; they are what lets an HMAC run without a provider context per call.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "tls13_hkdf.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/provider.h>
#include <openssl/proverr.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>

namespace slowfast::tls13 {
namespace {

struct Part {
  const unsigned char* data;
  size_t size;
};

struct Sha256 {
  using Ctx = SHA256_CTX;
  static constexpr size_t kBlock = SHA256_CBLOCK, kSize = SHA256_DIGEST_LENGTH;
  static void init(Ctx* c) { SHA256_Init(c); }
  static void update(Ctx* c, const void* p, size_t n) { SHA256_Update(c, p, n); }
  static void final(Ctx* c, unsigned char* out) { SHA256_Final(out, c); }
};

struct Sha384 {
  using Ctx = SHA512_CTX;
  static constexpr size_t kBlock = SHA512_CBLOCK, kSize = SHA384_DIGEST_LENGTH;
  static void init(Ctx* c) { SHA384_Init(c); }
  static void update(Ctx* c, const void* p, size_t n) { SHA384_Update(c, p, n); }
  static void final(Ctx* c, unsigned char* out) { SHA384_Final(out, c); }
};

// HMAC (RFC 2104) under one key: the hash states after the key XOR ipad and XOR opad
// blocks, copied for each message (HKDF-Expand MACs one message per output block).
template <typename H>
class FastHmac {
 public:
  FastHmac(const unsigned char* key, size_t len) {
    unsigned char k[H::kBlock] = {};
    if (len > H::kBlock) {
      H::init(&inner_);
      H::update(&inner_, key, len);
      H::final(&inner_, k);
    } else if (len > 0) {
      std::memcpy(k, key, len);
    }
    unsigned char pad[H::kBlock];
    for (size_t i = 0; i < H::kBlock; ++i) pad[i] = k[i] ^ 0x36;
    H::init(&inner_);
    H::update(&inner_, pad, H::kBlock);
    for (size_t i = 0; i < H::kBlock; ++i) pad[i] = k[i] ^ 0x5c;
    H::init(&outer_);
    H::update(&outer_, pad, H::kBlock);
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(pad, sizeof pad);
  }
  FastHmac(const FastHmac&) = delete;
  FastHmac& operator=(const FastHmac&) = delete;
  ~FastHmac() {
    OPENSSL_cleanse(&inner_, sizeof inner_);
    OPENSSL_cleanse(&outer_, sizeof outer_);
  }

  bool ok() const { return true; }
  bool mac(std::initializer_list<Part> message, unsigned char* out) {
    typename H::Ctx c = inner_;
    for (Part p : message) H::update(&c, p.data, p.size);
    unsigned char inner_hash[H::kSize];
    H::final(&c, inner_hash);
    c = outer_;
    H::update(&c, inner_hash, H::kSize);
    H::final(&c, out);
    OPENSSL_cleanse(&c, sizeof c);
    OPENSSL_cleanse(inner_hash, sizeof inner_hash);
    return true;
  }

 private:
  typename H::Ctx inner_, outer_;
};

// Any other digest: OpenSSL's HMAC_CTX, re-armed with the same key for each message.
class EvpHmac {
 public:
  EvpHmac(const EVP_MD* md, const unsigned char* key, size_t len) : ctx_(HMAC_CTX_new()) {
    ok_ = ctx_ != nullptr && HMAC_Init_ex(ctx_, key, static_cast<int>(len), md, nullptr) == 1;
  }
  EvpHmac(const EvpHmac&) = delete;
  EvpHmac& operator=(const EvpHmac&) = delete;
  ~EvpHmac() { HMAC_CTX_free(ctx_); }

  bool ok() const { return ok_; }
  bool mac(std::initializer_list<Part> message, unsigned char* out) {
    if (used_ && HMAC_Init_ex(ctx_, nullptr, 0, nullptr, nullptr) != 1) return false;
    used_ = true;
    for (Part p : message)
      if (HMAC_Update(ctx_, p.data, p.size) != 1) return false;
    return HMAC_Final(ctx_, out, nullptr) == 1;
  }

 private:
  HMAC_CTX* ctx_;
  bool ok_ = false;
  bool used_ = false;
};

// Runs f(hmac) with an HMAC keyed by `key` on the digest's fastest path.
template <typename F>
bool with_hmac(const Digest& d, const unsigned char* key, size_t len, F&& f) {
  switch (d.kind) {
    case Digest::Kind::kSha256: {
      FastHmac<Sha256> hmac(key, len);
      return f(hmac);
    }
    case Digest::Kind::kSha384: {
      FastHmac<Sha384> hmac(key, len);
      return f(hmac);
    }
    case Digest::Kind::kEvp:
      break;
  }
  EvpHmac hmac(d.md, key, len);
  return hmac.ok() && f(hmac);
}

// PRK = HMAC-Hash(salt, IKM): exactly one digest long.
bool hkdf_extract(const Digest& d, Bytes salt, Bytes ikm, unsigned char* prk, size_t prk_len) {
  if (prk_len != d.size) {
    ERR_raise(ERR_LIB_PROV, PROV_R_WRONG_OUTPUT_BUFFER_SIZE);
    return false;
  }
  static const unsigned char kNoKey = 0;  // a zero-length key is still a key to HMAC_Init_ex
  return with_hmac(d, salt.data ? salt.data : &kNoKey, salt.size,
                   [&](auto& hmac) { return hmac.mac({{ikm.data, ikm.size}}, prk); });
}

// OKM = T(1) | T(2) | ..., T(i) = HMAC-Hash(PRK, T(i-1) | info | i), at most 255 blocks.
bool hkdf_expand(const Digest& d, Bytes prk, Part info, unsigned char* out, size_t out_len) {
  if (prk.data == nullptr || out == nullptr || (out_len + d.size - 1) / d.size > 255) return false;
  return with_hmac(d, prk.data, prk.size, [&](auto& hmac) {
    unsigned char t[EVP_MAX_MD_SIZE];
    bool ok = true;
    for (size_t done = 0, i = 1; ok && done < out_len; ++i) {
      const auto counter = static_cast<unsigned char>(i);
      ok = hmac.mac({{t, i == 1 ? 0 : d.size}, info, {&counter, 1}}, t);
      const size_t n = std::min(d.size, out_len - done);
      if (ok) std::memcpy(out + done, t, n);
      done += n;
    }
    OPENSSL_cleanse(t, sizeof t);
    return ok;
  });
}

}  // namespace

bool Digest::load(const EVP_MD* digest) {
  md = digest;
  const int n = EVP_MD_get_size(digest);
  if (n <= 0 || EVP_Digest(nullptr, 0, empty_hash, nullptr, digest, nullptr) != 1) return false;
  size = static_cast<size_t>(n);
  // The block functions are the default provider's own code: a digest from any other
  // provider (FIPS, say) keeps its provider's implementation.
  const OSSL_PROVIDER* provider = EVP_MD_get0_provider(digest);
  const bool by_default = provider != nullptr && std::strcmp(OSSL_PROVIDER_get0_name(provider), "default") == 0;
  kind = !by_default                          ? Kind::kEvp
         : EVP_MD_is_a(digest, "SHA2-256") ? Kind::kSha256
         : EVP_MD_is_a(digest, "SHA2-384") ? Kind::kSha384
                                           : Kind::kEvp;
  return true;
}

bool expand_label(const Digest& d, Bytes secret, Bytes prefix, Bytes label, Bytes context, unsigned char* out,
                  size_t out_len) {
  // struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } HkdfLabel;
  const size_t label_len = prefix.size + label.size;
  if (out_len > 0xffff || label_len > 0xff || context.size > 0xff) return false;
  unsigned char info[2 + 1 + 0xff + 1 + 0xff];
  unsigned char* w = info;
  *w++ = static_cast<unsigned char>(out_len >> 8);
  *w++ = static_cast<unsigned char>(out_len);
  *w++ = static_cast<unsigned char>(label_len);
  for (Bytes b : {prefix, label}) {
    if (b.size > 0) std::memcpy(w, b.data, b.size);
    w += b.size;
  }
  *w++ = static_cast<unsigned char>(context.size);
  if (context.size > 0) std::memcpy(w, context.data, context.size);
  w += context.size;
  return hkdf_expand(d, secret, {info, static_cast<size_t>(w - info)}, out, out_len);
}

bool generate_secret(const Digest& d, Bytes previous, Bytes key, Bytes prefix, Bytes label, unsigned char* out,
                     size_t out_len) {
  static const unsigned char kZeros[EVP_MAX_MD_SIZE] = {};
  if (key.data == nullptr) key = {kZeros, d.size};
  if (previous.data == nullptr) return hkdf_extract(d, {kZeros, 0}, key, out, out_len);
  unsigned char salt[EVP_MAX_MD_SIZE];
  const bool ok = expand_label(d, previous, prefix, label, {d.empty_hash, d.size}, salt, d.size) &&
                  hkdf_extract(d, {salt, d.size}, key, out, out_len);
  OPENSSL_cleanse(salt, sizeof salt);
  return ok;
}

}  // namespace slowfast::tls13
