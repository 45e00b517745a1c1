#include "predict.h"

#include <stdexcept>

#include <fmt/format.h>

namespace slowfast::lab {

namespace {

std::optional<Verdict> parse_guess(std::string word) {
  while (!word.empty() && std::isspace(static_cast<unsigned char>(word.back()))) word.pop_back();
  while (!word.empty() && std::isspace(static_cast<unsigned char>(word.front()))) word.erase(0, 1);
  if (word == "f" || word == "fast") return Verdict::kFast;
  if (word == "s" || word == "slow") return Verdict::kSlow;
  if (word == "m" || word == "mixed") return Verdict::kMixed;
  return std::nullopt;
}

const Cell* cell_for(const LabResult& result, const Guess& g) {
  for (const Cell& c : result.cells)
    if (c.variant == Variant::kUvNonblocking && c.stage_label() == g.row && c.runtime == g.runtime) return &c;
  return nullptr;
}

}  // namespace

std::string render_blank_table(const std::vector<std::string>& rows) {
  std::string out = "| stage | py27 | py37 |\n|---|---|---|\n";
  for (const std::string& row : rows) out += fmt::format("| {} | ??? | ??? |\n", row);
  return out;
}

std::vector<Guess> ask_guesses(const std::vector<std::string>& rows, std::istream& in, std::ostream& out) {
  std::vector<Guess> guesses;
  for (const std::string& row : rows) {
    for (Runtime rt : {Runtime::kPy27, Runtime::kPy37}) {
      for (;;) {
        out << fmt::format("stage {} {}: fast, slow or mixed? ", row, to_string(rt)) << std::flush;
        std::string line;
        if (!std::getline(in, line))
          throw std::runtime_error("--predict reads one guess per cell (fast, slow or mixed) from stdin, and it ended");
        if (auto v = parse_guess(line)) {
          guesses.push_back({row, rt, *v});
          break;
        }
        out << "  (one of fast, slow, mixed)\n";
      }
    }
  }
  return guesses;
}

std::string render_score(const std::vector<Guess>& guesses, const LabResult& result) {
  std::string out = "Your guesses:\n";
  int right = 0, counted = 0;
  for (const Guess& g : guesses) {
    const Cell* c = cell_for(result, g);
    if (!c) continue;
    bool ok = c->verdict == g.verdict;
    right += ok;
    ++counted;
    out += fmt::format("  stage {} {}: you said {}, it was {} {}\n", g.row, to_string(g.runtime),
                       to_string(g.verdict), to_string(c->verdict), ok ? "✓" : "✗");
  }
  return out + fmt::format("{} of {} right.\n", right, counted);
}

}  // namespace slowfast::lab
