// The stage table - which stages there are, what each installs, what each must show -
// read from labs/ and nowhere else: labs/stageN/requirements.txt (read_requirements)
// and labs/stageN/expected.txt ("py27 fast" / "py37 slow" lines, '#' comments). The
// lab, the tests and the Makefile all take it from there.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/run_types.h"
#include "requirements.h"

namespace slowfast::lab {

// Stage 0 is the host: it installs nothing of its own (its files hold only comments)
// and runs on the host's module path, its verdicts derived from what it finds there
// (expectations.h).
inline constexpr int kHostStage = 0;

struct Stage {
  int number = 0;
  std::vector<Requirement> requirements;
  std::map<std::string, Verdict> expected;  // runtime ("py27") -> verdict; empty for the host
  bool is_host() const { return number == kHostStage; }
  // "blocking_tls-1.0", ..., in requirements order: the ids a loaded module reports.
  std::vector<std::string> module_ids() const;
};

// The N of every labs/stageN directory, ascending; empty when `labs_dir` is missing.
std::vector<int> stage_numbers(const std::filesystem::path& labs_dir);

// labs/stageN's two files. Throws std::runtime_error naming the file (and line) when
// one is missing or malformed.
Stage read_stage(const std::filesystem::path& labs_dir, int number);

// expected.txt alone. Throws like read_stage.
std::map<std::string, Verdict> read_expected(const std::filesystem::path& file);

}  // namespace slowfast::lab
