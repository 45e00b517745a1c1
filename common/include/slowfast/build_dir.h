// The build tree, found from the running executable: every slowfast binary (server,
// CLI, tests, benchmarks) is built into build/bin, next to build/modules and
// build/lab-certs, so nothing needs a flag or an environment variable to find them.
#pragma once
#include <filesystem>

namespace slowfast {

// build/bin/<executable> -> build. Where the executable cannot be found (no /proc),
// ./build, where the CMake presets put it.
std::filesystem::path build_dir();

}  // namespace slowfast
