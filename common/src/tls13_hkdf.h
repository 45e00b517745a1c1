// TLS 1.3's key schedule functions (RFC 8446, 7.1) over HKDF (RFC 5869), as OpenSSL 3.0's
// "TLS13-KDF" computes them (providers/implementations/kdfs/hkdf.c), for the provider in
// tls13_kdf_provider.cpp. SHA-256 and SHA-384, the digests of every TLS 1.3 cipher suite,
// run on OpenSSL's own block functions with the HMAC key's padded states computed once per
// key; any other digest goes through HMAC_CTX.
#pragma once

#include <openssl/evp.h>

#include <cstddef>

namespace slowfast::tls13 {

// A digest and what HKDF needs of it, worked out once when it is fetched.
struct Digest {
  enum class Kind { kEvp, kSha256, kSha384 };

  // false: `md` has no fixed output size (an XOF), so no HMAC can be built on it.
  bool load(const EVP_MD* md);

  const EVP_MD* md = nullptr;
  Kind kind = Kind::kEvp;
  size_t size = 0;
  unsigned char empty_hash[EVP_MAX_MD_SIZE] = {};  // Hash(""): the context of "derived"
};

struct Bytes {
  const unsigned char* data = nullptr;  // nullptr: not given
  size_t size = 0;
};

// HKDF-Expand-Label(secret, prefix + label, context, out_len); false, with nothing
// written, where OpenSSL's refuses (no secret, a label or context over 255 bytes, over
// 255 blocks of output).
bool expand_label(const Digest& d, Bytes secret, Bytes prefix, Bytes label, Bytes context, unsigned char* out,
                  size_t out_len);

// The next secret of the schedule: HKDF-Extract(salt = Expand-Label(previous, prefix +
// label, Hash(""), digest size), IKM = key); with no previous secret, a zero-length salt;
// with no key, a digest's length of zeros. `out_len` must be the digest's size.
bool generate_secret(const Digest& d, Bytes previous, Bytes key, Bytes prefix, Bytes label, unsigned char* out,
                     size_t out_len);

}  // namespace slowfast::tls13
