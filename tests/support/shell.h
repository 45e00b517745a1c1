// A shell command line for tests that need one (pipes, quoting, VAR=value prefixes):
// run by /bin/sh as a ChildProcess, so it dies with the test, with stdout and stderr
// together as a terminal would show them.
#pragma once
#include <string>

namespace slowfast::testing {

struct ShellResult {
  int exit_code = -1;  // as the shell reports it: 128 + N when signal N ended it
  std::string output;
};

// Runs `command` to its end.
ShellResult run_shell(const std::string& command);

}  // namespace slowfast::testing
