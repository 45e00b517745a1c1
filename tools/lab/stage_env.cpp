#include "stage_env.h"

#include <stdexcept>

namespace slowfast::lab {
namespace fs = std::filesystem;

namespace {

std::string available(const fs::path& store) {
  std::string names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(store, ec))
    if (entry.path().extension() == ".so") names += " " + entry.path().filename().string();
  return names.empty() ? " none" : names;
}

}  // namespace

void build_environment(const fs::path& env_dir, const std::vector<Requirement>& requirements,
                       const fs::path& store) {
  // Every requirement is checked before the environment is touched: a failed install
  // leaves the previous environment as it was.
  for (const Requirement& r : requirements)
    if (!fs::exists(store / r.file_name()))
      throw std::runtime_error("module " + r.name + "==" + r.version + " is not in " +
                               store.string() + " (built:" + available(store) + ")");
  fs::create_directories(env_dir);
  for (const auto& entry : fs::directory_iterator(env_dir))
    if (entry.path().extension() == ".so") fs::remove(entry.path());
  // Copies, not links: the environment stays as it was installed, like a venv.
  for (const Requirement& r : requirements)
    fs::copy_file(store / r.file_name(), env_dir / r.file_name(), fs::copy_options::overwrite_existing);
}

}  // namespace slowfast::lab
