// `slowfast-server --background`, as a README line uses it: SERVER=$(slowfast-server
// --background); use the server at once; kill $SERVER. A second one on a taken port
// says why and exits 2.
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "server_process.h"
#include "shell.h"
#include "slowfast/temp_dir.h"

namespace slowfast::testing {
namespace {

std::string server_bin() { return bin_dir() + "/slowfast-server"; }
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
bool matches(const std::string& text, const std::string& re) { return std::regex_search(text, std::regex(re)); }

TEST(ServerBackground, ReturnsOnceListeningPrintsThePidAndStopsOnKill) {
  TempDir dir("background");
  const std::string err = (dir / "err").string();
  const std::string health =
      "curl -sS --max-time 5 --cacert " + lab_ca_file() + " https://127.0.0.1:$port/health";
  // The request right after the start must not race it (after `&` it would meet
  // "connection refused" whenever the server is slower than the shell). The port comes
  // from the listening line on stderr, the pid alone from stdout.
  ShellResult r = run_shell(
      "pid=$(" + server_bin() + " --background --https-port 0 --http-port 0 2>" + err + ") || exit 3; " +
      "cat " + err + "; port=$(sed -n 's/.*https=127.0.0.1:\\([0-9]*\\).*/\\1/p' " + err + "); " +
      health + " && echo && echo \"pid=$pid\" && kill $pid || exit 4; " +
      "for i in $(seq 50); do " + health + " 2>/dev/null || { echo stopped; exit 0; }; sleep 0.1; done; exit 5");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(matches(r.output, "slowfast-server: listening https=127.0.0.1:[0-9]+ http=127.0.0.1:[0-9]+, "
                                "pid [0-9]+ \\(stop it with: kill [0-9]+\\)")) << r.output;
  EXPECT_TRUE(has(r.output, "\"status\": \"ok\"")) << r.output;
  EXPECT_TRUE(matches(r.output, "pid=[0-9]+\n")) << r.output;
  EXPECT_TRUE(has(r.output, "stopped")) << r.output;
}

TEST(ServerBackground, ATakenPortIsAnErrorFromTheFirstProcess) {
  ServerProcess first;  // holds a port; the background one must not start beside it
  ShellResult r = run_shell(server_bin() + " --background --http-port -1 --https-port " +
                            std::to_string(first.https_port()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(has(r.output, "is in use")) << r.output;
  EXPECT_FALSE(has(r.output, "pid ")) << r.output;
}

TEST(ServerBackground, AServerThatNeverListensIsStoppedAndReported) {
  // Another process holds the certificate directory's lock (as one creating the lab
  // certificates would), so the server waits before it can listen. The first process
  // must give up after --start-timeout, stop the server and say so; `timeout` only
  // keeps a broken build from hanging the suite.
  TempDir dir("background-stuck");
  const std::string certs = dir.path().string();
  ShellResult r = run_shell(
      "flock -x " + certs + "/.lock timeout 20 " + server_bin() +
      " --background --https-port 0 --http-port -1 --start-timeout 1 --certs " + certs +
      "; echo \"exit=$?\"");
  EXPECT_TRUE(has(r.output, "exit=2")) << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex(
      "slowfast-server: error: the server did not listen within 1 s; stopped it \\(pid ([0-9]+)\\)")))
      << r.output;
  EXPECT_NE(run_shell("kill -0 " + m[1].str()).exit_code, 0) << "the stuck server still runs";
}

TEST(ServerBackground, LogNeedsBackground) {
  ShellResult r = run_shell(server_bin() + " --log /tmp/never-written");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.output, "--log goes with --background")) << r.output;
  r = run_shell(server_bin() + " --start-timeout 5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.output, "--start-timeout goes with --background")) << r.output;
}

}  // namespace
}  // namespace slowfast::testing
