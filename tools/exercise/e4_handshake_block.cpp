// Exercise 4: cert_guard asks a revocation responder about the server's certificate
// inside OpenSSL's verify callback - blocking I/O in the middle of the handshake, in
// code without probes, so the profile charges it to the handshake and only the
// watchdog's stack names it. Fixed: the run is fast, the responder holds the loop at
// most once, and a revoked certificate still fails every handshake.
#include <fmt/format.h>

#include "exercise/checks.h"
#include "exercise/exercises.h"

namespace slowfast::exercise {
namespace {

constexpr int kN = 10;
constexpr double kDelay = 0.5;

}  // namespace

void validate_handshake_block(Validation& v) {
  const auto env = v.environment({}).string();
  Fetch run = v.fetch({"--url", v.url(fmt::format("/delay/{:g}", kDelay)), "-n", std::to_string(kN), "--runtime",
                       "py37", "--modules", env, "--watchdog", "20", "--socket-class"},
                      60);
  if (ran(v, run, "the run with your cert_guard ends")) {
    const nlohmann::json& j = run.run;
    check_socket_class(v, j, "every request goes through your GuardedTlsSocket", "GuardedTlsSocket");
    check_fast(v, j, "fast, every page valid", kDelay);
    // A stall is cert_guard's when its stack passes through the module: the probes name
    // only the handshake, the stack names the function that blocked.
    ModuleStalls mine = stalls_in_module(j, "cert_guard");
    v.check(mine.count <= 1, "the certificate check holds the loop at most once per run (over 20 ms)",
            fmt::format("{} stalls in cert_guard, {} in all", mine.count, secs(mine.held_s)));
  }

  // The check still checks: a responder that answers "revoked" (410) fails every handshake.
  Fetch revoked = v.fetch({"--url", v.url("/get"), "-n", std::to_string(kN), "--runtime", "py37", "--modules", env},
                          60, {"CERT_GUARD_RESPONDER=/status/410"});
  if (ran(v, revoked, "the run against a revoking responder ends")) {
    int tls_failures = 0;
    for (const auto& r : revoked.run["requests"])
      if (r.value("error_kind", nlohmann::json()).is_string() && r["error_kind"] == "tls") ++tls_failures;
    v.check(tls_failures == kN, "a revoked certificate still fails every handshake (the responder says 410)",
            fmt::format("{} of {} handshakes refused", tls_failures, kN));
  }
}

}  // namespace slowfast::exercise
