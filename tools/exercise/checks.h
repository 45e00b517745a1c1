// The checks more than one validator makes, each one `v.check` line with its figures:
// the socket class, a fast run, the stalls of one kind, the request timeout.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "exercise/validation.h"

namespace slowfast::exercise {

// "10 of 10 valid"; whether every page was.
std::string n_of(const nlohmann::json& run);
bool all_valid(const nlohmann::json& run);

// Every request went through `expected` (the run had --socket-class).
void check_socket_class(Validation& v, const nlohmann::json& run, const std::string& what,
                        const std::string& expected);

// Verdict fast and every page valid, for N x /delay/<delay>.
void check_fast(Validation& v, const nlohmann::json& run, const std::string& what, double delay);

// The watchdog's stalls whose culprit contains `needle` ("recv", "poll"), and the
// longest stall of all with its culprit (shown, whatever it is).
struct Stalls {
  int matching = 0;
  std::string longest = "no stall";
};
Stalls stalls_in(const nlohmann::json& run, const std::string& needle);

// The stalls that happened in `module`'s code: its probe is the culprit, or the loop
// thread's sampled stack passes through it ("... [cert_guard]"), which names a module
// without probes too. How many, and how long they held the loop in all.
struct ModuleStalls {
  int count = 0;
  double held_s = 0;
};
ModuleStalls stalls_in_module(const nlohmann::json& run, const std::string& module);

// --timeout 0.5 on /delay/3 with `modules`, py37: every request a read timeout, the
// whole run over within 1.5 s (a wait of the fix is still bounded, for all at once).
void check_timeout_holds(Validation& v, const std::string& modules, int n, const std::string& what);

}  // namespace slowfast::exercise
