#include "requirements.h"

#include <fstream>
#include <regex>
#include <stdexcept>

namespace slowfast::lab {

std::vector<Requirement> read_requirements(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  static const std::regex pinned(R"(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*==\s*([0-9][0-9.]*)\s*$)");
  std::vector<Requirement> out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = line.substr(0, line.find('#'));
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_match(line, m, pinned))
      throw std::runtime_error(file.string() + ":" + std::to_string(number) +
                               ": expected 'name==version', got '" + line + "'");
    out.push_back({m[1], m[2]});
  }
  return out;
}

}  // namespace slowfast::lab
