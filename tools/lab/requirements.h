// A stage's requirements.txt: the modules of its environment, pinned like pip's
// "name==version" lines. Blank lines and '#' comments are ignored.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace slowfast::lab {

struct Requirement {
  std::string name;     // "coop_shim"
  std::string version;  // "1.2"
  std::string file_name() const { return name + "-" + version + ".so"; }
  std::string id() const { return name + "-" + version; }
};

// Throws std::runtime_error naming the file and line of the first bad line.
std::vector<Requirement> read_requirements(const std::filesystem::path& file);

}  // namespace slowfast::lab
