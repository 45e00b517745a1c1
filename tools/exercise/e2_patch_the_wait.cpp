// Exercise 2: fix it from the other side. The attendee's module leaves the socket
// classes alone and patches the wait they call (SocketRegistry::patch_wait), as
// grequests' monkey.patch_all(select=True) made select.poll cooperative. Stage 2's
// environment (blocking_tls 1.0 + the module) and stage 3's (+ coop_shim 1.2) must both
// become fast on both runtimes, with BlockingTlsSocket / CoopShim still the classes,
// no wait in poll(), and the request timeout still holding.
#include <fmt/format.h>

#include "exercise/exercises.h"

namespace slowfast::exercise {
namespace {

constexpr int kN = 10;
constexpr double kDelay = 0.5;
constexpr double kStallMs = 20;

std::string n_of(const nlohmann::json& run) {
  return fmt::format("{} of {} valid", run.value("valid", 0), run.value("n", 0));
}

bool all_valid(const nlohmann::json& run) { return run.value("valid", -1) == run.value("n", -2); }

void check_fast(Validation& v, const nlohmann::json& run, const std::string& what) {
  v.check(run.value("verdict", "") == "fast" && all_valid(run), what,
          fmt::format("{} for {} x /delay/{:g}, {}; fast is under {}", secs(run.value("total_s", 0.0)), kN, kDelay,
                      n_of(run), secs(2 * kDelay)));
}

// Every request's socket class is `expected`: the wrapper was left as it was.
void check_classes(Validation& v, const nlohmann::json& run, const std::string& stage, const std::string& expected) {
  std::string classes;
  bool all = true;
  for (const auto& r : run["requests"]) {
    std::string c = r.value("socket_class", "");
    all = all && c == expected;
    if (classes.find(c) == std::string::npos) classes += (classes.empty() ? "" : ", ") + c;
  }
  v.check(all, fmt::format("{}: every socket is still a {} (the wrapper untouched)", stage, expected),
          "socket classes: " + classes);
}

// Stalls of the loop blamed on poll() are the bug; any other is shown, not held against the fix.
void check_no_poll(Validation& v, const nlohmann::json& run, const std::string& stage) {
  int in_poll = 0;
  std::string worst = "no stall";
  double longest = 0;
  for (const auto& s : run["watchdog"]["stalls"]) {
    std::string culprit = s.value("culprit", "");
    if (culprit.find("poll") != std::string::npos) ++in_poll;
    if (s.value("length", 0.0) > longest) {
      longest = s.value("length", 0.0);
      worst = fmt::format("longest {} in {}", secs(longest), culprit);
    }
  }
  v.check(in_poll == 0, fmt::format("{}: the loop never waits in poll() over {:g} ms", stage, kStallMs),
          fmt::format("{} stalls in poll, {}", in_poll, worst));
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
      check_fast(v, py37.run, with + ", py37 (recv_into): fast");
      check_classes(v, py37.run, s.name, s.socket_class);
      check_no_poll(v, py37.run, s.name);
    }
    Fetch py27 = v.fetch({"--url", delay, "--runtime", "py27", "-n", std::to_string(kN), "--modules", env}, 30);
    if (ran(v, py27, with + ", py27: the run ends")) check_fast(v, py27.run, with + ", py27 (recv): fast");
  }

  // The loop's wait is bounded by the request's timeout too - all of them at once.
  Fetch late = v.fetch({"--url", v.url("/delay/3"), "--runtime", "py37", "-n", std::to_string(kN), "--modules",
                        stage2_env, "--timeout", "0.5"},
                       30);
  if (ran(v, late, "the request timeout: the run ends")) {
    int timeouts = 0;
    for (const auto& r : late.run["requests"])
      if (r.value("error_kind", nlohmann::json()).is_string() && r["error_kind"] == "timeout-read") ++timeouts;
    double total = late.run.value("total_s", 0.0);
    v.check(timeouts == kN && total < 1.5,
            "the request timeout still holds, for all requests at once (stage 2, --timeout 0.5 on /delay/3)",
            fmt::format("{} of {} read timeouts, all done in {}; the bar is 1.50 s", timeouts, kN, secs(total)));
  }
}

}  // namespace slowfast::exercise
