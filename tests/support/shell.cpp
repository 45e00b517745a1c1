#include "shell.h"

#include "slowfast/child_process.h"
#include "slowfast/files.h"
#include "slowfast/temp_dir.h"

namespace slowfast::testing {

ShellResult run_shell(const std::string& command) {
  TempDir dir("slowfast-shell");
  ChildOptions options;
  options.stdout_file = options.stderr_file = (dir / "output").string();
  ChildProcess shell({"/bin/sh", "-c", command}, options);
  ShellResult result;
  result.exit_code = shell.wait();
  result.output = read_file(dir / "output");
  return result;
}

}  // namespace slowfast::testing
