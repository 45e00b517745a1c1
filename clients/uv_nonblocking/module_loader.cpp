#include "uv_nonblocking/module_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <sstream>

namespace slowfast {
namespace fs = std::filesystem;

LoadedModule::LoadedModule(fs::path file, void* handle, const SlowfastModuleInfo* info)
    : file_(std::move(file)), handle_(handle), info_(info) {}

LoadedModule::LoadedModule(LoadedModule&& other) noexcept
    : file_(std::move(other.file_)), handle_(std::exchange(other.handle_, nullptr)), info_(other.info_) {}

LoadedModule::~LoadedModule() {
  if (handle_) dlclose(handle_);
}

std::string LoadedModule::id() const { return std::string(info_->name) + "-" + info_->version; }

namespace {

[[noreturn]] void fail(const fs::path& file, const std::string& why) {
  throw ModuleError("bad module " + file.string() + ": " + why);
}

// dlerror() repeats the path; keep only the reason after the last ": ".
std::string dl_reason() {
  const char* e = dlerror();
  std::string s = e ? e : "unknown dlopen error";
  size_t colon = s.rfind(": ");
  return colon == std::string::npos ? s : s.substr(colon + 2);
}

}  // namespace

LoadedModule load_module(const fs::path& file) {
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) fail(file, "not a loadable shared library (" + dl_reason() + ")");
  auto entry = reinterpret_cast<SlowfastModuleEntry>(dlsym(handle, SLOWFAST_MODULE_ENTRY_NAME));
  const SlowfastModuleInfo* info = entry ? entry() : nullptr;
  std::string why;
  if (!entry)
    why = std::string("no entry point ") + SLOWFAST_MODULE_ENTRY_NAME + "()";
  else if (!info)
    why = "entry point returned nothing";
  else if (info->abi_version != SLOWFAST_MODULE_ABI)
    why = "module ABI version " + std::to_string(info->abi_version) + ", this slowfast needs " +
          std::to_string(SLOWFAST_MODULE_ABI) + " (rebuild the module)";
  else if (!info->name || !info->version || !info->install)
    why = "incomplete module description";
  if (!why.empty()) {
    dlclose(handle);
    fail(file, why);
  }
  return LoadedModule(file, handle, info);
}

namespace {
std::vector<fs::path> module_files(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw ModuleError("module directory " + dir.string() + " does not exist");
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".so") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}
}  // namespace

ModuleSet load_module_path(const std::vector<fs::path>& dirs) {
  ModuleSet set;
  std::map<std::string, fs::path> seen;  // module name -> file that provides it
  for (const fs::path& dir : dirs) {
    for (const fs::path& file : module_files(dir)) {
      LoadedModule m = load_module(file);
      auto [it, fresh] = seen.emplace(m.info().name, file);
      if (fresh) {
        set.modules.push_back(std::move(m));
      } else if (it->second.parent_path() == file.parent_path()) {
        throw ModuleError("conflicting modules in " + dir.string() + ": " + it->second.filename().string() +
                          " and " + file.filename().string() + " (keep one version)");
      } else {
        set.shadowed.push_back(file);
      }
    }
  }
  return set;
}

std::vector<fs::path> split_module_path(const std::string& text) {
  std::vector<fs::path> dirs;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ':');)
    if (!part.empty()) dirs.emplace_back(part);
  return dirs;
}

fs::path site_root() {
  const char* env = std::getenv("SLOWFAST_SITE");
  return env && *env ? fs::path(env) : fs::path("/usr/local/lib/slowfast");
}

fs::path site_dir(Runtime runtime) { return site_root() / to_string(runtime); }

std::vector<fs::path> module_path_for(const std::string& flag, Runtime runtime) {
  if (!flag.empty()) return split_module_path(flag);
  if (const char* env = std::getenv("SLOWFAST_PATH")) return split_module_path(env);
  std::error_code ec;
  if (fs::is_directory(site_dir(runtime), ec)) return {site_dir(runtime)};
  return {};
}

}  // namespace slowfast
