// `slowfast lab --predict`: predict, then reveal, as the talk's slides did - the stage
// table with ??? in every cell, one guess per cell, the run, then the score.
#pragma once
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "lab_run.h"

namespace slowfast::lab {

struct Guess {
  std::string row;  // Cell::stage_label(): "2", "0 (laptop)"
  Runtime runtime = Runtime::kPy37;
  Verdict verdict = Verdict::kUnknown;
};

// The table with ??? cells, one row per label.
std::string render_blank_table(const std::vector<std::string>& rows);

// Asks on `out` for each row's py27 and py37 cell and reads the answers from `in`, one
// per line: fast, slow or mixed (f, s, m will do). Asks again after a word it does not
// know; throws std::runtime_error when `in` ends first.
std::vector<Guess> ask_guesses(const std::vector<std::string>& rows, std::istream& in, std::ostream& out);

// One line per guess ("stage 3 py37: you said fast, it was slow ✗"), then "N of M right".
std::string render_score(const std::vector<Guess>& guesses, const LabResult& result);

}  // namespace slowfast::lab
