#include "exercise/exercises.h"

#include <sstream>

namespace slowfast::exercise {

const std::vector<Exercise>& exercises() {
  static const std::vector<Exercise> all = {
      {1, "e1-recv-into", "Write the cooperative recv_into (the talk's patch)", &validate_recv_into},
      {2, "e2-patch-the-wait", "Patch the wait, not the class (grequests' fix)", &validate_patch_the_wait},
      {3, "e3-context-per-connection", "Build the TLS context once, keep verifying", &validate_context_per_connection},
      {4, "e4-handshake-block", "A block inside the handshake: find it with the watchdog's stack", &validate_handshake_block},
      {5, "e5-pool", "The pool is a loop too: predict the threadpool's total time", &validate_pool},
      {6, "e6-cpu-on-the-loop", "CPU on the loop: seal every body off the loop thread", &validate_cpu_on_the_loop},
      {7, "e7-mysteries", "Diagnose three mystery modules (which method blocks, and when)", &validate_mysteries},
  };
  return all;
}

const Exercise* find_exercise(int number) {
  for (const Exercise& e : exercises())
    if (e.number == number) return &e;
  return nullptr;
}

bool ran(Validation& v, const Fetch& f, const std::string& what) {
  if (f.finished()) return true;
  std::string last;
  std::istringstream lines(f.output);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) last = line;
  v.check(false, what, f.why_not() + (last.empty() ? "" : "; last line: " + last) + "; ran: " + f.command);
  return false;
}

}  // namespace slowfast::exercise
