// `slowfast exercise round start|answer|status`: exercise 8, a timed round over one of
// exercise 7's mysteries picked at random. start copies its module file into
// build/exercises/round/modules/ (a path that does not name it) and records the pick and
// the time in build/exercises/round/state.json; answer checks "method=... trigger=..."
// by hash (exercise/mysteries.h) and says "correct after 3 min 12 s" (exit 0) or
// "not yet (N tries)" (exit 1); status says how long the round has run.
#include <chrono>
#include <fstream>
#include <iostream>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "exercise/mysteries.h"
#include "slowfast/build_dir.h"
#include "slowfast/files.h"

namespace slowfast::cli {
namespace fs = std::filesystem;

namespace {

struct RoundOptions {
  std::string dir;  // default build/exercises/round
  std::optional<unsigned> seed;
  std::string answer;
};

fs::path round_dir(const RoundOptions& o) { return o.dir.empty() ? build_dir() / "exercises" / "round" : fs::path(o.dir); }

double now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string elapsed(double s) {
  auto total = static_cast<long>(s);
  return total >= 60 ? fmt::format("{} min {} s", total / 60, total % 60) : fmt::format("{} s", total);
}

nlohmann::json load(const RoundOptions& o) {
  fs::path file = round_dir(o) / "state.json";
  std::string text = fs::exists(file) ? read_file(file) : "";
  nlohmann::json state = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (text.empty() || !state.is_object() || !exercise::find_mystery(state.value("mystery", ""))) {
    std::cerr << "slowfast: error: no round under way in " << round_dir(o).string()
              << " (start one: slowfast exercise round start)\n";
    throw Exit{kExitUsage};
  }
  return state;
}

void save(const RoundOptions& o, const nlohmann::json& state) {
  std::ofstream(round_dir(o) / "state.json") << state.dump(2) << "\n";
}

void start(const RoundOptions& o) {
  const auto& all = exercise::mysteries();
  std::mt19937 rng(o.seed ? *o.seed : std::random_device{}());
  const exercise::Mystery& m = all[std::uniform_int_distribution<std::size_t>(0, all.size() - 1)(rng)];
  fs::path file = exercise::mystery_dir(build_dir(), m) / fmt::format("{}-{}.so", m.name, m.version);
  if (!fs::exists(file)) {
    std::cerr << "slowfast: error: missing " << file.string() << ": run make build\n";
    throw Exit{kExitUsage};
  }
  fs::path modules = round_dir(o) / "modules";
  fs::remove_all(modules);
  fs::create_directories(modules);
  fs::copy_file(file, modules / file.filename());  // a copy: a symlink would show where it came from
  save(o, {{"mystery", m.name}, {"started", now_s()}, {"tries", 0}, {"solved_after", nullptr}});
  std::cout << fmt::format(
      "round started: one mystery module is in {}\n"
      "find the method that blocks the loop and its trigger, with --modules {} and the tools, then:\n"
      "  slowfast exercise round answer \"method=WORD trigger=WORD\"\n",
      modules.string(), modules.string());
}

void answer(const RoundOptions& o) {
  nlohmann::json state = load(o);
  const exercise::Mystery& m = *exercise::find_mystery(state["mystery"].get<std::string>());
  std::string why;
  std::optional<exercise::Answer> a = exercise::parse_answer(o.answer, &why);
  if (!a || a->method == "?" || a->trigger == "?") {
    std::cerr << "slowfast: error: " << (a ? "answer both method and trigger" : why) << "\n";
    throw Exit{kExitUsage};
  }
  if (!state["solved_after"].is_null()) {
    std::cout << "already solved, after " << elapsed(state["solved_after"].get<double>()) << "\n";
    if (!exercise::answer_is_right(m, *a)) throw Exit{kExitInvalid};
    return;
  }
  int tries = state.value("tries", 0) + 1;
  state["tries"] = tries;
  if (exercise::answer_is_right(m, *a)) {
    double after = now_s() - state.value("started", now_s());
    state["solved_after"] = after;
    save(o, state);
    std::cout << fmt::format("correct after {} ({} {})\n", elapsed(after), tries, tries == 1 ? "try" : "tries");
    return;
  }
  save(o, state);
  std::cout << fmt::format("not yet ({} {})\n", tries, tries == 1 ? "try" : "tries");
  throw Exit{kExitInvalid};
}

void status(const RoundOptions& o) {
  nlohmann::json state = load(o);
  int tries = state.value("tries", 0);
  if (!state["solved_after"].is_null())
    std::cout << fmt::format("solved after {} ({} tries)\n", elapsed(state["solved_after"].get<double>()), tries);
  else
    std::cout << fmt::format("running for {}, {} tries; the module is in {}\n",
                             elapsed(now_s() - state.value("started", now_s())), tries,
                             (round_dir(o) / "modules").string());
}

}  // namespace

void add_exercise_round_command(CLI::App& exercise) {
  auto o = std::make_shared<RoundOptions>();
  CLI::App* round = exercise.add_subcommand(
      "round", "Exercise 8: a timed round - find which method of a random mystery module blocks, and when");
  round->require_subcommand(1);
  round->add_option("--dir", o->dir, "Where the round keeps its module and state (default build/exercises/round)");

  CLI::App* st = round->add_subcommand("start", "Pick a mystery at random, put it in DIR/modules, start the clock");
  st->add_option("--seed", o->seed, "Seed of the pick (the tests use it)");
  st->callback([o] { start(*o); });

  CLI::App* an = round->add_subcommand("answer", "Check an answer: \"method=WORD trigger=WORD\" (exit 0 when right)");
  an->add_option("answer", o->answer, "method=WORD trigger=WORD (the words of labs/exercises/e7-mysteries/README.md)")
      ->required();
  an->callback([o] { answer(*o); });

  round->add_subcommand("status", "How long the round has run, and how many tries")->callback([o] { status(*o); });
}

}  // namespace slowfast::cli
