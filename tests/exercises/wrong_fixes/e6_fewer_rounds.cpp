// A wrong fix for exercise 6: the seal made cheap instead of moved - 1,000 rounds of
// PBKDF2 where the seal needs 600,000. No stall and every page valid, but every seal is
// different from the starter's: the validator's "every seal is the starter's" must fail.
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <string>
#include <string_view>

#include "slowfast/module/module.h"

namespace slowfast {
namespace {

std::string hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += {kDigits[bytes[i] >> 4], kDigits[bytes[i] & 15]};
  return out;
}

Task<std::string> seal_response(const Response& response) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(response.body), response.body_size, digest);
  std::string sha = hex(digest, sizeof digest);
  unsigned char key[32];
  PKCS5_PBKDF2_HMAC(sha.data(), static_cast<int>(sha.size()), reinterpret_cast<const unsigned char*>("body_seal"), 9,
                    1000, EVP_sha256(), sizeof key, key);  // the wrong fix: 1,000 rounds
  co_return "sha256=" + sha + " seal=" + hex(key, sizeof key);
}

void install(SocketRegistry* registry, const probe::HostApi* host) {
  probe::install(host);
  registry->on_response(&seal_response);
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "body_seal", "1.0+fewer_rounds",
                               "seals every response body (SHA-256, then PBKDF2) in a response hook", &install};

}  // namespace
}  // namespace slowfast

SLOWFAST_MODULE(slowfast::kInfo)
