// The toolkit that starts the server, the CLI and the lab's children: exit statuses
// as a shell reports them, killing by PID, output files, environment, and scratch
// directories that go with their owner.
#include "slowfast/child_process.h"

#include <signal.h>

#include <thread>

#include <gtest/gtest.h>

#include "slowfast/files.h"
#include "slowfast/temp_dir.h"

namespace slowfast {
namespace {

using Seconds = ChildProcess::Seconds;

TEST(ChildProcess, ReportsTheExitCode) {
  ChildProcess child({"/bin/sh", "-c", "exit 3"});
  EXPECT_EQ(child.wait(Seconds(10)), 3);
  EXPECT_FALSE(child.running());
  EXPECT_EQ(child.pid(), -1);
}

TEST(ChildProcess, TerminateAndKillReportTheSignal) {
  ChildProcess polite({"/bin/sleep", "30"});
  EXPECT_EQ(polite.poll(), std::nullopt);
  EXPECT_EQ(polite.terminate(Seconds(10)), 128 + SIGTERM);
  // Ignores SIGTERM (a disposition exec keeps) and says so through a file.
  TempDir dir("slowfast-child");
  ChildProcess stubborn(
      {"/bin/sh", "-c", "trap '' TERM; : > " + (dir / "deaf").string() + "; exec sleep 30"});
  for (int i = 0; i < 1000 && !std::filesystem::exists(dir / "deaf"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(stubborn.terminate(Seconds(0.2)), std::nullopt);
  EXPECT_TRUE(stubborn.running());
  EXPECT_EQ(stubborn.kill_and_reap(), 128 + SIGKILL);
}

TEST(ChildProcess, WritesItsOutputWhereToldWithTheEnvironmentGiven) {
  TempDir dir("slowfast-child");
  ChildOptions options;
  options.stdout_file = (dir / "out").string();
  options.stderr_file = (dir / "err").string();
  options.environment = std::vector<std::string>{"GREETING=hello"};
  ChildProcess child({"/bin/sh", "-c", "echo $GREETING; echo oops >&2"}, options);
  EXPECT_EQ(child.wait(Seconds(10)), 0);
  EXPECT_EQ(read_file(dir / "out"), "hello\n");
  EXPECT_EQ(read_file(dir / "err"), "oops\n");
}

TEST(ChildProcess, OneFileForBothStreamsKeepsTheirOrder) {
  TempDir dir("slowfast-child");
  ChildOptions options;
  options.stdout_file = options.stderr_file = (dir / "both").string();
  ChildProcess child({"/bin/sh", "-c", "echo one; echo two >&2; echo three"}, options);
  EXPECT_EQ(child.wait(), 0);
  EXPECT_EQ(read_file(dir / "both"), "one\ntwo\nthree\n");
}

TEST(ChildProcess, AMissingProgramThrowsNamingIt) {
  try {
    ChildProcess child({"/nonexistent/program"});
    FAIL() << "started a program that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/program"), std::string::npos) << e.what();
  }
}

TEST(TempDir, IsRemovedWithEverythingInIt) {
  std::filesystem::path path;
  {
    TempDir dir("slowfast-tempdir");
    path = dir.path();
    dir.write("a.txt", "x");
    std::filesystem::create_directories(dir / "sub");
    EXPECT_EQ(read_file(dir / "a.txt"), "x");
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace slowfast
