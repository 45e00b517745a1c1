// `slowfast exercise list` and `slowfast exercise check N [--solution] [--modules DIR]`: the workshop
// exercises (labs/exercises/). check builds the attendee's code (CMake target
// exercise_eN, never part of `make build`), then runs the exercise's validator against
// the lab's own server: "Validation successful" and exit 0, or what is wrong and exit 1.
#include <iostream>

#include <fmt/format.h>

#include "commands.h"
#include "exercise/exercises.h"
#include "slowfast/build_dir.h"
#include "slowfast/child_process.h"
#include "slowfast/files.h"
#include "slowfast/temp_dir.h"

namespace slowfast::cli {
namespace fs = std::filesystem;

namespace {

struct CheckOptions {
  int number = 0;
  bool solution = false;
  bool no_build = false;
  std::string modules;  // check these module files instead of the exercise's build output
};

// cmake --build build --target <target>: its output shown only when it fails (a
// compiler error is the attendee's next step, so it is printed whole).
void build(const exercise::Exercise& e, bool solution) {
  TempDir scratch("exercise-build");
  fs::path log = scratch / "build.log";
  std::string target = e.target(solution);
  std::cout << fmt::format("building {} (cmake --build {} --target {}) ...", e.folder, build_dir().string(), target)
            << std::flush;
  ChildProcess cmake({"/bin/sh", "-c", "exec cmake --build \"$0\" --target \"$1\"", build_dir().string(), target},
                     ChildOptions{log.string(), log.string(), std::nullopt});
  int rc = cmake.wait();
  if (rc != 0) {
    std::cout << " failed\n" << read_file(log);
    std::cout << fmt::format("Validation failed: {} does not build (exit {})\n", e.folder, rc);
    throw Exit{kExitInvalid};
  }
  std::cout << " ok\n";
}

void check(const CheckOptions& o) {
  const exercise::Exercise* e = exercise::find_exercise(o.number);
  if (!e) {
    std::cerr << fmt::format("slowfast: error: there is no exercise {} (`slowfast exercise list` shows them)\n",
                             o.number);
    throw Exit{kExitUsage};
  }
  if (!o.no_build && o.modules.empty()) build(*e, o.solution);
  fs::path modules = o.modules.empty() ? build_dir() / "exercises" / e->build_subdir(o.solution) / "modules"
                                       : fs::path(o.modules);
  // An exercise with nothing to compile (7) has its files, not a modules folder, there.
  if (!fs::is_directory(o.modules.empty() ? modules.parent_path() : modules)) {
    std::cerr << fmt::format("slowfast: error: {} holds nothing: build it first (make check-{})\n", modules.string(),
                             e->id());
    throw Exit{kExitUsage};
  }
  std::cout << fmt::format("exercise {}: {}\nchecking {}{}\n", e->number, e->title,
                           (fs::is_directory(modules) ? modules : modules.parent_path()).string(),
                           o.solution ? " (the reference solution)" : "");
  exercise::Validation v(build_dir(), modules);
  e->validate(v);
  if (int rc = v.finish(); rc != 0) throw Exit{rc};
}

}  // namespace

void add_exercise_round_command(CLI::App& exercise);  // cmd_exercise_round.cpp (exercise 8)

void add_exercise_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("exercise", "The workshop exercises (labs/exercises/): list them, check one");
  cmd->require_subcommand(1);

  CLI::App* list = cmd->add_subcommand("list", "Each exercise: its number, folder and task");
  list->callback([] {
    for (const exercise::Exercise& e : exercise::exercises())
      std::cout << fmt::format("{:>2}  labs/exercises/{:<26} {}   (make check-{})\n", e.number, e.folder, e.title,
                               e.id());
  });

  auto o = std::make_shared<CheckOptions>();
  CLI::App* chk = cmd->add_subcommand(
      "check", "Build exercise N's code (labs/exercises/eN-*/), run it against the lab's server, say whether it passes");
  chk->add_option("number", o->number, "The exercise's number (`slowfast exercise list`)")->required();
  chk->add_flag("--solution", o->solution, "Check the reference solution (labs/exercises/solutions/) instead");
  chk->add_flag("--no-build", o->no_build, "Check what was built last, without building");
  chk->add_option("--modules", o->modules,
                  "Check the module files in this directory (built some other way) instead; implies --no-build")
      ->check(CLI::ExistingDirectory);
  chk->callback([o] { check(*o); });

  add_exercise_round_command(*cmd);
}

}  // namespace slowfast::cli
