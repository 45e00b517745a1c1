// The workshop exercises (labs/exercises/eN-name/): each has a starter the attendee
// edits, a reference solution (labs/exercises/solutions/eN-name/) and a validator here.
// `slowfast exercise check N` builds the attendee's code (the CMake target exercise_eN,
// which `make build` leaves alone: a half-written fix must not stop the labs), then
// runs its validator against the lab's own server.
#pragma once
#include <string>
#include <vector>

#include "exercise/validation.h"

namespace slowfast::exercise {

struct Exercise {
  int number;
  std::string folder;  // labs/exercises/<folder>, labs/exercises/solutions/<folder>
  std::string title;
  void (*validate)(Validation& v);

  std::string id() const { return "e" + std::to_string(number); }
  // The CMake target and build/exercises/<dir>/modules for the starter or the solution.
  std::string target(bool solution) const { return "exercise_" + id() + (solution ? "-solution" : ""); }
  std::string build_subdir(bool solution) const { return id() + (solution ? "-solution" : ""); }
};

const std::vector<Exercise>& exercises();
const Exercise* find_exercise(int number);  // null when there is none

// The validators, one file each.
void validate_recv_into(Validation& v);
void validate_patch_the_wait(Validation& v);
void validate_context_per_connection(Validation& v);
void validate_handshake_block(Validation& v);
void validate_pool(Validation& v);
void validate_cpu_on_the_loop(Validation& v);
void validate_mysteries(Validation& v);

// A fetch that wrote no result fails `what` with the reason and its last output lines;
// true when it did.
bool ran(Validation& v, const Fetch& f, const std::string& what);

}  // namespace slowfast::exercise
