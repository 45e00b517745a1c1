// Each `slowfast` subcommand lives in its own file and adds itself to the app here.
#pragma once
#include <CLI/CLI.hpp>

namespace slowfast::cli {

// Exit codes shared by every subcommand (the CLI contract).
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;  // the run finished, some results were invalid
inline constexpr int kExitUsage = 2;    // bad flag, bad input, set-up error

// Thrown by a subcommand, after its output, to end with `code`.
struct Exit {
  int code;
};

void add_certs_command(CLI::App& app);
void add_fetch_command(CLI::App& app);
void add_modules_command(CLI::App& app);
void add_lab_command(CLI::App& app);
void add_install_commands(CLI::App& app);
void add_exercise_command(CLI::App& app);


}  // namespace slowfast::cli
