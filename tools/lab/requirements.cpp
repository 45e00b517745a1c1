#include "requirements.h"

#include <fstream>
#include <regex>
#include <stdexcept>

namespace slowfast::lab {

std::vector<Requirement> read_requirements(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  static const std::regex pinned(
      R"re(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*==\s*([0-9][0-9.]*(?:\+[A-Za-z0-9_.]+)?)\s*(;\s*runtime\s*(==|!=)\s*"([a-z0-9]+)"\s*)?$)re");
  std::vector<Requirement> out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = line.substr(0, line.find('#'));
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_match(line, m, pinned))
      throw std::runtime_error(file.string() + ":" + std::to_string(number) +
                               ": expected 'name==version' or 'name==version ; runtime == \"py27\"', got '" +
                               line + "'");
    Requirement r{m[1], m[2], std::nullopt, true};
    if (m[3].matched) {
      r.marker = parse_runtime(m[5]);
      r.marker_equal = m[4] == "==";
      if (!r.marker)
        throw std::runtime_error(file.string() + ":" + std::to_string(number) + ": unknown runtime \"" +
                                 std::string(m[5]) + "\" (py27 or py37)");
    }
    out.push_back(r);
  }
  return out;
}

std::vector<Requirement> for_runtime(const std::vector<Requirement>& requirements, Runtime runtime) {
  std::vector<Requirement> out;
  for (const Requirement& r : requirements)
    if (r.applies_to(runtime)) out.push_back(r);
  return out;
}

bool has_markers(const std::vector<Requirement>& requirements) {
  for (const Requirement& r : requirements)
    if (r.marker) return true;
  return false;
}

}  // namespace slowfast::lab
