// body_seal 1.0: seals every response for an audit trail, as a requests response hook
// (hooks={'response': seal}) would: the body's SHA-256, then a deliberately slow key
// derivation over it (PBKDF2-HMAC-SHA256, 600,000 rounds, OWASP's figure for a password
// hash: the cost is the point of a seal, as it is of a password hash). The seal is the request's "hook" in
// `fetch --json`: "sha256=<hex> seal=<hex>".
//
// The reference solution of exercise 6: the hook still starts on the loop thread, but
// the seal runs on the loop's threadpool (apply(), slowfast/module/threadpool.h) while
// the hook sleeps; the loop serves the other requests meanwhile. The seal is the same.
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <stdexcept>
#include <string>
#include <string_view>

#include "slowfast/module/module.h"
#include "slowfast/module/threadpool.h"

namespace slowfast {
namespace {

constexpr int kRounds = 600000;
constexpr char kSalt[] = "body_seal";

std::string hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += {kDigits[bytes[i] >> 4], kDigits[bytes[i] & 15]};
  return out;
}

// 130-320 ms of CPU on the lab's machines, whatever the body's size.
std::string seal(std::string_view body) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  std::string sha = hex(digest, sizeof digest);
  unsigned char key[32];
  if (PKCS5_PBKDF2_HMAC(sha.data(), static_cast<int>(sha.size()), reinterpret_cast<const unsigned char*>(kSalt),
                        sizeof kSalt - 1, kRounds, EVP_sha256(), sizeof key, key) != 1)
    throw std::runtime_error("PBKDF2 failed");
  return "sha256=" + sha + " seal=" + hex(key, sizeof key);
}

// The body stays alive until the hook returns, so the worker may read it in place. The
// probe would not count there (probes record the loop thread only): nothing is left on
// the loop to time.
Task<std::string> seal_response(const Response& response) {
  std::string sealed;
  co_await apply(*response.pool, [&] { sealed = seal(std::string_view(response.body, response.body_size)); });
  co_return sealed;
}

void install(SocketRegistry* registry, const probe::HostApi* host) {
  probe::install(host);
  registry->on_response(&seal_response);
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "body_seal", "1.0+e6",
                               "seals every response body (SHA-256, then PBKDF2) in a response hook", &install};

}  // namespace
}  // namespace slowfast

SLOWFAST_MODULE(slowfast::kInfo)
