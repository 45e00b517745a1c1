// `slowfast modules [--modules DIR] [--runtime R]`: what each runtime finds on its
// module path and what it changes - the lab's `pip freeze`, with the effect spelled out.
// Without --runtime, both: like two Pythons on one laptop, each has its own site.
#include <iostream>
#include <memory>

#include "commands.h"
#include "uv_nonblocking/socket_factory.h"

namespace slowfast::cli {

namespace {

struct ModulesOptions {
  std::string modules, runtime;
};

// Where the path came from, for the reader who wonders why a module is (not) seen.
std::string origin(const std::string& flag, Runtime rt) {
  if (!flag.empty()) return "--modules";
  if (std::getenv("SLOWFAST_PATH")) return "$SLOWFAST_PATH";
  return "the " + to_string(rt) + " site, " + site_dir(rt).string();
}

// `heading`: "module path (--modules):" or "py27 module path (the py27 site, ...):".
void list_modules(const std::string& heading, const std::vector<std::filesystem::path>& path) {
  std::cout << heading;
  if (path.empty()) std::cout << " (nothing there)";
  for (const auto& dir : path) std::cout << " " << dir.string();
  std::cout << "\n";
  SocketFactory factory(load_module_path(path));
  const ModuleSet& set = factory.modules();
  if (set.modules.empty()) std::cout << "no modules installed\n";
  for (const LoadedModule& m : set.modules)
    std::cout << m.info().name << " " << m.info().version << "  " << m.file().string() << "\n    "
              << (m.info().summary ? m.info().summary : "") << "\n";
  for (const auto& file : set.shadowed) std::cout << "shadowed (an earlier directory wins): " << file.string() << "\n";
  std::cout << "https sockets (uv-nonblocking): " << factory.describe_tls() << "\n";
}

// --modules and SLOWFAST_PATH are one path for every runtime: listed once. The sites
// are each runtime's own: listed per runtime (both, unless --runtime picks one).
void run(const ModulesOptions& o) {
  std::vector<Runtime> runtimes = {Runtime::kPy27, Runtime::kPy37};
  if (!o.runtime.empty()) {
    auto rt = parse_runtime(o.runtime);
    if (!rt) throw CLI::ValidationError("--runtime must be py27 or py37");
    runtimes = {*rt};
  }
  if (!o.modules.empty() || std::getenv("SLOWFAST_PATH"))
    return list_modules("module path (" + origin(o.modules, runtimes[0]) + "):", module_path_for(o.modules, runtimes[0]));
  for (size_t i = 0; i < runtimes.size(); ++i) {
    if (i > 0) std::cout << "\n";
    list_modules(to_string(runtimes[i]) + " module path (" + origin(o.modules, runtimes[i]) + "):",
                 module_path_for(o.modules, runtimes[i]));
  }
}

}  // namespace

void add_modules_command(CLI::App& app) {
  auto o = std::make_shared<ModulesOptions>();
  CLI::App* cmd = app.add_subcommand("modules", "List each runtime's installed modules and what they change");
  cmd->add_option("--modules", o->modules,
                  "Module directories (':'-separated; default $SLOWFAST_PATH, else each runtime's site)");
  cmd->add_option("--runtime", o->runtime, "py27 or py37 (default: both)");
  cmd->callback([o] { run(*o); });
}

}  // namespace slowfast::cli
