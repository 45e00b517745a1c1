#include "exercise/checks.h"

#include <fmt/format.h>

#include "exercise/exercises.h"

namespace slowfast::exercise {

std::string n_of(const nlohmann::json& run) {
  return fmt::format("{} of {} valid", run.value("valid", 0), run.value("n", 0));
}

bool all_valid(const nlohmann::json& run) { return run.value("valid", -1) == run.value("n", -2); }

void check_socket_class(Validation& v, const nlohmann::json& run, const std::string& what,
                        const std::string& expected) {
  std::string classes;
  bool all = true;
  for (const auto& r : run["requests"]) {
    std::string c = r.value("socket_class", "");
    all = all && c == expected;
    if (classes.find(c) == std::string::npos) classes += (classes.empty() ? "" : ", ") + c;
  }
  v.check(all, what, "socket classes: " + classes);
}

void check_fast(Validation& v, const nlohmann::json& run, const std::string& what, double delay) {
  v.check(run.value("verdict", "") == "fast" && all_valid(run), what,
          fmt::format("{} for {} x /delay/{:g}, {}; fast is under {}", secs(run.value("total_s", 0.0)),
                      run.value("n", 0), delay, n_of(run), secs(2 * delay)));
}

Stalls stalls_in(const nlohmann::json& run, const std::string& needle) {
  Stalls s;
  double longest = 0;
  for (const auto& stall : run["watchdog"]["stalls"]) {
    std::string culprit = stall.value("culprit", "");
    if (culprit.find(needle) != std::string::npos) ++s.matching;
    if (stall.value("length", 0.0) > longest) {
      longest = stall.value("length", 0.0);
      s.longest = fmt::format("longest {} in {}", secs(longest), culprit);
    }
  }
  return s;
}

ModuleStalls stalls_in_module(const nlohmann::json& run, const std::string& module) {
  ModuleStalls s;
  for (const auto& stall : run["watchdog"]["stalls"]) {
    bool in_module = stall.value("culprit", "").find(module) != std::string::npos;
    for (const auto& frame : stall.value("stack", nlohmann::json::array()))
      in_module = in_module || frame.get<std::string>().find("[" + module + "]") != std::string::npos;
    if (in_module) ++s.count, s.held_s += stall.value("length", 0.0);
  }
  return s;
}

void check_timeout_holds(Validation& v, const std::string& modules, int n, const std::string& what) {
  Fetch late = v.fetch({"--url", v.url("/delay/3"), "--runtime", "py37", "-n", std::to_string(n), "--modules",
                        modules, "--timeout", "0.5"},
                       30);
  if (!ran(v, late, "the request timeout: the run ends")) return;
  int timeouts = 0;
  for (const auto& r : late.run["requests"])
    if (r.value("error_kind", nlohmann::json()).is_string() && r["error_kind"] == "timeout-read") ++timeouts;
  double total = late.run.value("total_s", 0.0);
  v.check(timeouts == n && total < 1.5, what,
          fmt::format("{} of {} read timeouts, all done in {}; the bar is 1.50 s", timeouts, n, secs(total)));
}

}  // namespace slowfast::exercise
