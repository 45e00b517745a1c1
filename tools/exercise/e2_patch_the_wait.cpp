// Exercise 2: fix it from the other side. The attendee's module leaves the socket
// classes alone and patches the wait they call (SocketRegistry::patch_wait), as
// grequests' monkey.patch_all(select=True) made select.poll cooperative. Stage 2's
// environment (blocking_tls 1.0 + the module) and stage 3's (+ coop_shim 1.2) must both
// become fast on both runtimes, with BlockingTlsSocket / CoopShim still the classes,
// no wait in poll(), and the request timeout still holding.
#include <fmt/format.h>

#include "exercise/checks.h"
#include "exercise/exercises.h"

namespace slowfast::exercise {
namespace {

constexpr int kN = 10;
constexpr double kDelay = 0.5;
constexpr double kStallMs = 20;

// Stalls of the loop blamed on poll() are the bug; any other is shown, not held against the fix.
void check_no_poll(Validation& v, const nlohmann::json& run, const std::string& stage) {
  Stalls in_poll = stalls_in(run, "poll");
  v.check(in_poll.matching == 0, fmt::format("{}: the loop never waits in poll() over {:g} ms", stage, kStallMs),
          fmt::format("{} stalls in poll, {}", in_poll.matching, in_poll.longest));
}

}  // namespace

void validate_patch_the_wait(Validation& v) {
  struct Stage {
    std::string name;
    std::vector<std::string> store;
    std::string socket_class;
  };
  const Stage stages[] = {{"stage 2", {"blocking_tls-1.0"}, "BlockingTlsSocket"},
                          {"stage 3", {"blocking_tls-1.0", "coop_shim-1.2"}, "CoopShim"}};
  const std::string delay = v.url(fmt::format("/delay/{:g}", kDelay));
  std::string stage2_env;
  for (const Stage& s : stages) {
    const std::string env = v.environment(s.store).string();
    if (stage2_env.empty()) stage2_env = env;
    const std::string with = s.name + " with your module";
    Fetch py37 = v.fetch({"--url", delay, "--runtime", "py37", "-n", std::to_string(kN), "--modules", env,
                          "--watchdog", fmt::format("{:g}", kStallMs), "--socket-class"},
                         30);
    if (ran(v, py37, with + ", py37: the run ends")) {
      check_fast(v, py37.run, with + ", py37 (recv_into): fast", kDelay);
      check_socket_class(v, py37.run,
                         fmt::format("{}: every socket is still a {} (the wrapper untouched)", s.name, s.socket_class),
                         s.socket_class);
      check_no_poll(v, py37.run, s.name);
    }
    Fetch py27 = v.fetch({"--url", delay, "--runtime", "py27", "-n", std::to_string(kN), "--modules", env}, 30);
    if (ran(v, py27, with + ", py27: the run ends")) check_fast(v, py27.run, with + ", py27 (recv): fast", kDelay);
  }

  // The loop's wait is bounded by the request's timeout too - all of them at once.
  check_timeout_holds(v, stage2_env, kN,
                      "the request timeout still holds, for all requests at once (stage 2, --timeout 0.5 on /delay/3)");
}

}  // namespace slowfast::exercise
