#include "slowfast/build_dir.h"

#include <uv.h>

namespace slowfast {

std::filesystem::path build_dir() {
  char exe[4096];
  size_t size = sizeof exe;
  if (uv_exepath(exe, &size) != 0) return std::filesystem::current_path() / "build";
  return std::filesystem::path(exe).parent_path().parent_path();
}

}  // namespace slowfast
