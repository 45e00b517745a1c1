// `slowfast install -r FILE` and `slowfast uninstall`: pip for the runtimes' sites. Each
// requirement's module file is copied from the build's store (build/modules) into the
// site of every runtime its line applies to ($SLOWFAST_SITE/py27, .../py37), and each
// site then holds exactly those modules. Every command that finds modules reads these
// sites by default (module_path_for), so an install changes every program on the
// machine: stage 0's point.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.h"
#include "lab/requirements.h"
#include "lab/stage_env.h"
#include "slowfast/build_dir.h"
#include "uv_nonblocking/module_loader.h"

namespace slowfast::cli {
namespace fs = std::filesystem;

namespace {

struct InstallOptions {
  std::string requirements, runtime;
};

std::vector<Runtime> runtimes(const std::string& flag) {
  if (flag.empty()) return {Runtime::kPy27, Runtime::kPy37};
  auto rt = parse_runtime(flag);
  if (!rt) throw CLI::ValidationError("--runtime must be py27 or py37");
  return {*rt};
}

void install(const InstallOptions& o) {
  std::vector<lab::Requirement> requirements = lab::read_requirements(o.requirements);
  for (Runtime rt : runtimes(o.runtime)) {
    std::vector<lab::Requirement> mine = lab::for_runtime(requirements, rt);
    lab::build_environment(site_dir(rt), mine, build_dir() / "modules");
    std::vector<std::string> ids;
    for (const lab::Requirement& r : mine) ids.push_back(r.id());
    std::cout << fmt::format("{}: {} -> {}\n", to_string(rt), ids.empty() ? "no modules" : fmt::format("{}", fmt::join(ids, " ")),
                             site_dir(rt).string());
  }
}

void uninstall(const InstallOptions& o) {
  for (Runtime rt : runtimes(o.runtime)) {
    std::error_code ec;
    fs::remove_all(site_dir(rt), ec);
    if (ec) throw std::runtime_error("cannot remove " + site_dir(rt).string() + ": " + ec.message());
    std::cout << fmt::format("{}: removed {}\n", to_string(rt), site_dir(rt).string());
  }
}

}  // namespace

void add_install_commands(CLI::App& app) {
  auto o = std::make_shared<InstallOptions>();
  CLI::App* in = app.add_subcommand(
      "install", "Install the modules a requirements file names into each runtime's site (like pip install -r)");
  in->add_option("-r,--requirements", o->requirements,
                 "Requirements file: 'name==version' lines, optionally '; runtime == \"py27\"' "
                 "(e.g. labs/stage2/requirements.txt, labs/stage0/laptop.txt)")
      ->required()
      ->check(CLI::ExistingFile);
  in->add_option("--runtime", o->runtime, "Only this runtime's site (default: both)");
  in->footer("Sites: $SLOWFAST_SITE/RUNTIME (SLOWFAST_SITE defaults to /usr/local/lib/slowfast).");
  in->callback([o] { install(*o); });

  CLI::App* un = app.add_subcommand("uninstall", "Remove every module from each runtime's site");
  un->add_option("--runtime", o->runtime, "Only this runtime's site (default: both)");
  un->callback([o] { uninstall(*o); });
}

}  // namespace slowfast::cli
