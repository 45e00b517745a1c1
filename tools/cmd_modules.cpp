// `slowfast modules [--modules DIR]`: what is installed on the module path and what
// it changes - the lab's `pip freeze`, with the effect spelled out.
#include <iostream>
#include <memory>

#include "commands.h"
#include "uv_nonblocking/socket_factory.h"

namespace slowfast::cli {

namespace {

void list_modules(const std::string& flag) {
  std::vector<std::filesystem::path> path = module_path_from(flag);
  std::cout << "module path:";
  if (path.empty()) std::cout << " (empty: no --modules, SLOWFAST_PATH unset)";
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

}  // namespace

void add_modules_command(CLI::App& app) {
  auto flag = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("modules", "List the installed modules and what they change");
  cmd->add_option("--modules", *flag, "Module directory (':'-separated path; default $SLOWFAST_PATH)");
  cmd->callback([flag] { list_modules(*flag); });
}

}  // namespace slowfast::cli
