// Exercise 6: CPU on the loop. body_seal's response hook seals every body (SHA-256,
// then 600,000 rounds of PBKDF2: 130-320 ms of CPU) on the loop thread, so each seal
// holds every other request. Fixed: the seals run on the loop's threadpool, no stall
// over 20 ms is body_seal's, and every seal is still the one the starter computes -
// recomputed here, independently, from the body's SHA-256 the hook reports.
#include <openssl/evp.h>

#include <regex>

#include <fmt/format.h>

#include "exercise/checks.h"
#include "exercise/exercises.h"

namespace slowfast::exercise {
namespace {

constexpr int kN = 10;
constexpr double kDelay = 0.5;
constexpr int kRounds = 600000;  // body_seal's, as the exercise's README states it
constexpr char kSalt[] = "body_seal";

// The seal of a body whose SHA-256 is `sha` (hex), as body_seal 1.0 computes it.
std::string expected_seal(const std::string& sha) {
  unsigned char key[32];
  if (PKCS5_PBKDF2_HMAC(sha.data(), static_cast<int>(sha.size()), reinterpret_cast<const unsigned char*>(kSalt),
                        sizeof kSalt - 1, kRounds, EVP_sha256(), sizeof key, key) != 1)
    return "";
  std::string out;
  for (unsigned char b : key) out += fmt::format("{:02x}", b);
  return out;
}

}  // namespace

void validate_cpu_on_the_loop(Validation& v) {
  const auto env = v.environment({}).string();
  Fetch run = v.fetch({"--url", v.url(fmt::format("/delay/{:g}", kDelay)), "-n", std::to_string(kN), "--runtime",
                       "py37", "--modules", env, "--watchdog", "20"},
                      60);
  if (!ran(v, run, "the run with your body_seal ends")) return;
  const nlohmann::json& j = run.run;
  v.check(all_valid(j), fmt::format("{} x /delay/{:g}: every page valid", kN, kDelay), n_of(j));

  const std::regex sealed("sha256=([0-9a-f]{64}) seal=([0-9a-f]{64})");
  int carried = 0, same = 0;
  std::string first_wrong;
  for (const auto& r : j["requests"]) {
    std::smatch m;
    const std::string hook = r.value("hook", "");
    if (!std::regex_match(hook, m, sealed)) {
      if (first_wrong.empty()) first_wrong = fmt::format("page {}: hook \"{}\"", r.value("page", -1), hook);
      continue;
    }
    ++carried;
    if (m[2] == expected_seal(m[1])) {
      ++same;
    } else if (first_wrong.empty()) {
      first_wrong = fmt::format("page {}: seal {}..., expected {}...", r.value("page", -1), m[2].str().substr(0, 12),
                                expected_seal(m[1]).substr(0, 12));
    }
  }
  const std::string wrong = first_wrong.empty() ? "" : "; " + first_wrong;
  v.check(carried == kN, "every response carries its seal (\"sha256=... seal=...\" in the record's hook)",
          fmt::format("{} of {}{}", carried, kN, wrong));
  v.check(carried == kN && same == kN,
          fmt::format("every seal is the starter's: PBKDF2-HMAC-SHA256 of the body's SHA-256, {} rounds", kRounds),
          fmt::format("{} of {} recomputed alike{}", same, kN, wrong));

  ModuleStalls mine = stalls_in_module(j, "body_seal");
  v.check(mine.count == 0, "the seal never holds the loop (no stall over 20 ms in body_seal)",
          fmt::format("{} stalls in body_seal, {} in all; the run took {}", mine.count, secs(mine.held_s),
                      secs(j.value("total_s", 0.0))));
}

}  // namespace slowfast::exercise
