// A stage's requirements.txt: the modules of its environment, pinned like pip's
// "name==version" lines. Blank lines and '#' comments are ignored. Like pip's
// environment markers (`pyopenssl==19.0 ; python_version < "3"`), a line may say which
// runtime it is for: `blocking_tls==1.0 ; runtime == "py27"` (or `!=`).
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/run_types.h"

namespace slowfast::lab {

struct Requirement {
  Requirement(std::string n, std::string v, std::optional<Runtime> m = std::nullopt, bool equal = true)
      : name(std::move(n)), version(std::move(v)), marker(m), marker_equal(equal) {}
  std::string name;     // "coop_shim"
  std::string version;  // "1.2"
  std::optional<Runtime> marker;  // `; runtime == "py27"`: only that runtime (with != all others)
  bool marker_equal = true;
  std::string file_name() const { return name + "-" + version + ".so"; }
  std::string id() const { return name + "-" + version; }
  bool applies_to(Runtime runtime) const { return !marker || (*marker == runtime) == marker_equal; }
};

// Throws std::runtime_error naming the file and line of the first bad line.
std::vector<Requirement> read_requirements(const std::filesystem::path& file);

// The requirements that apply to `runtime`.
std::vector<Requirement> for_runtime(const std::vector<Requirement>& requirements, Runtime runtime);
// Whether any line carries a runtime marker (the environment differs per runtime).
bool has_markers(const std::vector<Requirement>& requirements);

}  // namespace slowfast::lab
