// A stage's environment, the lab's virtualenv: a directory holding exactly the module
// files its requirements list, copied from the build's module store (build/modules).
#pragma once
#include <filesystem>
#include <vector>

#include "requirements.h"

namespace slowfast::lab {

// Empties `env_dir` of modules and copies in one file per requirement. Throws
// std::runtime_error when a required module version is not in `store`.
void build_environment(const std::filesystem::path& env_dir,
                       const std::vector<Requirement>& requirements,
                       const std::filesystem::path& store);

}  // namespace slowfast::lab
