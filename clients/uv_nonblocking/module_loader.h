// Finds and loads modules: shared libraries named <name>-<version>.so in the
// directories of the module path (--modules DIR or SLOWFAST_PATH, like PYTHONPATH).
// Removing a file removes its effect, with nothing recompiled: "it depends on what is
// installed".
#pragma once
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/run_types.h"

#include "slowfast/module/module.h"

namespace slowfast {

// A module that cannot be used; what() is one line naming the file and the reason.
struct ModuleError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class LoadedModule {
 public:
  LoadedModule(std::filesystem::path file, void* handle, const SlowfastModuleInfo* info);
  LoadedModule(LoadedModule&&) noexcept;
  LoadedModule& operator=(LoadedModule&&) = delete;
  ~LoadedModule();

  const std::filesystem::path& file() const { return file_; }
  const SlowfastModuleInfo& info() const { return *info_; }
  std::string id() const;  // "coop_shim-1.2+recv_into"

 private:
  std::filesystem::path file_;
  void* handle_;  // dlopen handle; dlclose'd last, after every socket it made is gone
  const SlowfastModuleInfo* info_;
};

struct ModuleSet {
  std::vector<LoadedModule> modules;           // in path order
  std::vector<std::filesystem::path> shadowed;  // same name found earlier on the path
};

// Loads one file or throws ModuleError.
LoadedModule load_module(const std::filesystem::path& file);

// Loads every *.so of every directory, in path order (files sorted by name). The first
// module of a given name wins, as on PYTHONPATH; two versions of one module in the
// same directory, a missing directory or a bad file throw ModuleError.
ModuleSet load_module_path(const std::vector<std::filesystem::path>& dirs);

// "a:b:c" -> {a, b, c}, empty parts dropped.
std::vector<std::filesystem::path> split_module_path(const std::string& text);

// Where `slowfast install` and `make install-modules` put the modules of `runtime`: its
// site, as each Python has its own site-packages. $SLOWFAST_SITE/<runtime>, the site
// root defaulting to /usr/local/lib/slowfast ("/usr/local/lib/slowfast/py37").
std::filesystem::path site_root();
std::filesystem::path site_dir(Runtime runtime);

// The module path every command uses for `runtime`: `flag` (--modules) when given, else
// $SLOWFAST_PATH when set (even empty: nothing), else the runtime's site when it exists.
// One rule for fetch, modules and lab: an install changes every program on the machine.
std::vector<std::filesystem::path> module_path_for(const std::string& flag, Runtime runtime);

}  // namespace slowfast
