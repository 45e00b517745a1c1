// `slowfast`: the lab's command line. Subcommands are in cmd_*.cpp.
#include <exception>
#include <iostream>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace slowfast::cli;
  CLI::App app{"slowfast: concurrent HTTPS requests that silently run one at a time"};
  app.require_subcommand(1);
  add_certs_command(app);
  add_fetch_command(app);
  add_modules_command(app);
  add_lab_command(app);
  add_install_commands(app);
  add_exercise_command(app);
  try {
    app.parse(argc, argv);
  } catch (const Exit& e) {
    return e.code;
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);  // prints help or the parse error
    return rc == 0 ? kExitOk : kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "slowfast: error: " << e.what() << "\n";
    return kExitUsage;
  }
  return kExitOk;
}
