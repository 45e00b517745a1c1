#include "stage_table.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace slowfast::lab {
namespace fs = std::filesystem;

std::vector<std::string> Stage::module_ids() const {
  std::vector<std::string> ids;
  for (const Requirement& r : requirements) ids.push_back(r.id());
  return ids;
}

std::vector<int> stage_numbers(const fs::path& labs_dir) {
  static const std::regex stage_dir(R"(stage([0-9]+))");
  std::vector<int> numbers;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(labs_dir, ec)) {
    std::smatch m;
    std::string name = entry.path().filename().string();
    if (entry.is_directory() && std::regex_match(name, m, stage_dir)) numbers.push_back(std::stoi(m[1]));
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

std::map<std::string, Verdict> read_expected(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::map<std::string, Verdict> out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = line.substr(0, line.find('#'));
    std::string runtime, verdict;
    std::istringstream words(line);
    if (!(words >> runtime)) continue;
    words >> verdict;
    Verdict v = verdict == "fast" ? Verdict::kFast
              : verdict == "slow" ? Verdict::kSlow
              : verdict == "mixed" ? Verdict::kMixed : Verdict::kUnknown;
    if (!parse_runtime(runtime) || v == Verdict::kUnknown)
      throw std::runtime_error(fmt::format("{}:{}: expected 'py27|py37 fast|slow|mixed'",
                                           file.string(), number));
    out[runtime] = v;
  }
  return out;
}

Stage read_stage(const fs::path& labs_dir, int number) {
  fs::path dir = labs_dir / fmt::format("stage{}", number);
  return {number, read_requirements(dir / "requirements.txt"), read_expected(dir / "expected.txt")};
}

}  // namespace slowfast::lab
