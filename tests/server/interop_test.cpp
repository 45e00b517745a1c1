// Clients nobody here wrote: curl, and Python's standard ssl + http.client, over both
// listeners, verifying the server against the lab CA.
#include <filesystem>

#include <gtest/gtest.h>

#include "slowfast/lab_certs.h"
#include "slowfast/temp_dir.h"
#include "server_process.h"
#include "shell.h"

namespace slowfast::testing {
namespace {

struct Output {
  int exit_code = -1;
  std::string text;
};

Output run(const std::string& command) {
  ShellResult r = run_shell(command);
  return {r.exit_code, r.output};
}

bool have(const char* tool) { return run(std::string("command -v ") + tool).exit_code == 0; }

class Interop : public ::testing::Test {
 protected:
  ServerProcess server;
};

TEST_F(Interop, CurlOverHttpsAndHttp) {
  if (!have("curl")) GTEST_SKIP() << "curl not installed (scripts/setup installs it)";
  for (const std::string& url :
       {server.https_url("/delay/0.2?page=5"),
        "https://localhost:" + std::to_string(server.https_port()) + "/delay/0.2?page=5",
        server.http_url("/delay/0.2?page=5")}) {
    Output o = run("curl -sS --max-time 10 --cacert " + lab_ca_file() + " '" + url + "'");
    EXPECT_EQ(o.exit_code, 0) << url << ": " << o.text;
    EXPECT_NE(o.text.find("\"page\": \"5\""), std::string::npos) << o.text;
  }
}

TEST_F(Interop, CurlNegotiatesTls12And13WithAlpnHttp11) {
  if (!have("curl")) GTEST_SKIP() << "curl not installed";
  for (const char* version : {"--tlsv1.2 --tls-max 1.2", "--tlsv1.3"}) {
    Output o = run(std::string("curl -v -sS --max-time 10 ") + version + " --cacert " +
                   lab_ca_file() + " '" + server.https_url("/get?page=1") + "'");
    EXPECT_EQ(o.exit_code, 0) << o.text;
    std::string expected = std::string(version).find("1.3") != std::string::npos
                               ? "SSL connection using TLSv1.3"
                               : "SSL connection using TLSv1.2";
    EXPECT_NE(o.text.find(expected), std::string::npos) << o.text;
    EXPECT_NE(o.text.find("ALPN: server accepted http/1.1"), std::string::npos) << o.text;
  }
}

TEST_F(Interop, CurlRejectsTheServerWithAnotherCa) {
  if (!have("curl")) GTEST_SKIP() << "curl not installed";
  TempDir other_ca("slowfast-otherca");
  ensure_lab_certs(other_ca.path());
  Output o = run("curl -sS --max-time 10 --cacert " + (other_ca / "ca.pem").string() + " '" +
                 server.https_url("/get") + "'");
  EXPECT_EQ(o.exit_code, 60) << o.text;  // curl: peer certificate cannot be authenticated
}

TEST_F(Interop, PythonSslAndHttpClient) {
  if (!have("python3")) GTEST_SKIP() << "python3 not installed";
  std::string script =
      "import http.client, json, ssl, sys\n"
      "ctx = ssl.create_default_context(cafile=sys.argv[1])\n"
      "for conn in (http.client.HTTPSConnection('127.0.0.1', int(sys.argv[2]), context=ctx),\n"
      "             http.client.HTTPConnection('127.0.0.1', int(sys.argv[3]))):\n"
      "    for page in range(3):\n"
      "        conn.request('GET', '/delay/0.1?page=%d' % page)\n"
      "        r = conn.getresponse()\n"
      "        body = json.loads(r.read())\n"
      "        assert r.status == 200 and body['args']['page'] == str(page), body\n"
      "    print('ok', type(conn).__name__)\n";
  TempDir dir("slowfast-interop");
  Output o = run("python3 " + dir.write("client.py", script).string() + " " + lab_ca_file() + " " +
                 std::to_string(server.https_port()) + " " + std::to_string(server.http_port()));
  EXPECT_EQ(o.exit_code, 0) << o.text;
  EXPECT_NE(o.text.find("ok HTTPSConnection"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("ok HTTPConnection"), std::string::npos) << o.text;
}

}  // namespace
}  // namespace slowfast::testing
