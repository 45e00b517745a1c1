// Each kind of bad input gets its clear, bounded answer while a good request running at
// the same time still succeeds.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "raw_client.h"
#include "server_process.h"
#include "stopwatch.h"

namespace slowfast::testing {
namespace {

using nlohmann::json;
class BadInput : public ::testing::Test {
 protected:
  // Short timeouts so that the slow-client cases finish quickly.
  ServerProcess server{{"--idle-timeout", "1", "--header-timeout", "0.5"}};

  // Runs `bad` while a good HTTPS /delay/0.3 request is in flight, then checks the
  // good one got its own page back.
  void alongside_a_good_request(const std::function<void()>& bad) {
    int status = 0;
    std::string page;
    // Made on this thread: see FiftyConcurrentDelaysOverlap on cpp-httplib and TSan.
    httplib::SSLClient c("127.0.0.1", server.https_port());
    c.set_ca_cert_path(lab_ca_file().c_str());
    c.enable_server_certificate_verification(true);
    std::thread good([&] {
      if (auto res = c.Get("/delay/0.3?page=42")) {
        status = res->status;
        page = json::parse(res->body)["args"]["page"];
      }
    });
    bad();
    good.join();
    EXPECT_EQ(status, 200) << "the concurrent good request failed";
    EXPECT_EQ(page, "42");
  }

  // Sends `bytes` and returns everything until the server closes (5 s at most).
  static std::string exchange(RawConnection& conn, const std::string& bytes, bool* closed) {
    EXPECT_TRUE(conn.ok()) << conn.error();
    conn.send(bytes);
    return conn.read_until_close(5, closed);
  }

  size_t open_connections() {
    httplib::Client c("127.0.0.1", server.http_port());
    auto res = c.Get("/health");
    return res ? json::parse(res->body)["connections"].get<size_t>() : 0;
  }

  // Waits (3 s at most) until only the /health request itself is open.
  ::testing::AssertionResult only_the_probe_is_open() {
    size_t open = 0;
    for (int i = 0; i < 150 && (open = open_connections()) != 1; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (open == 1) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << open << " connections open after 3 s";
  }
};

TEST_F(BadInput, MalformedRequestIs400AndClosed) {
  alongside_a_good_request([&] {
    for (bool tls : {false, true}) {
      RawConnection conn(tls ? server.https_port() : server.http_port(), tls);
      bool closed = false;
      std::string r = exchange(conn, "GARBAGE\x01\x02 / HTTP/9.9\r\n\r\n", &closed);
      EXPECT_EQ(status_of(r), 400) << (tls ? "https" : "http");
      EXPECT_NE(r.find("Connection: close"), std::string::npos);
      EXPECT_TRUE(json::parse(body_of(r)).contains("error"));
      EXPECT_TRUE(closed);
    }
  });
}

TEST_F(BadInput, HeadersOverTheLimitAre431) {
  alongside_a_good_request([&] {
    RawConnection conn(server.https_port(), true);
    bool closed = false;
    std::string r = exchange(
        conn, "GET /get HTTP/1.1\r\nX-Huge: " + std::string(20000, 'h') + "\r\n\r\n", &closed);
    EXPECT_EQ(status_of(r), 431);
    EXPECT_TRUE(closed);
  });
}

TEST_F(BadInput, SlowHeadersGet408AfterTheHeaderTimeout) {
  alongside_a_good_request([&] {
    RawConnection conn(server.http_port(), false);
    auto t0 = Clock::now();
    bool closed = false;
    std::string r = exchange(conn, "GET /get HTTP/1.1\r\nHost: slowloris\r\n", &closed);
    EXPECT_EQ(status_of(r), 408);
    EXPECT_TRUE(closed);
    EXPECT_GE(since(t0), 0.4);
  });
}

TEST_F(BadInput, IdleConnectionIsClosedAfterTheIdleTimeout) {
  alongside_a_good_request([&] {
    RawConnection conn(server.https_port(), true);
    ASSERT_TRUE(conn.ok());
    auto t0 = Clock::now();
    bool closed = false;
    std::string r = conn.read_until_close(5, &closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(r, "");
    EXPECT_GE(since(t0), 0.9);
  });
}

TEST_F(BadInput, PlainHttpOnTheTlsPortIsLoggedOnceAndClosed) {
  alongside_a_good_request([&] {
    RawConnection conn(server.https_port(), false);
    bool closed = false;
    std::string r = exchange(conn, "GET /get HTTP/1.1\r\nHost: x\r\n\r\n", &closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(r.find("HTTP/1.1"), std::string::npos);
  });
  std::string log = server.stderr_text();
  size_t first = log.find("tls handshake failed");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("tls handshake failed", first + 1), std::string::npos) << log;
}

TEST_F(BadInput, ClientLeavingBeforeItsDelayFiresLeavesNothingBehind) {
  alongside_a_good_request([&] {
    for (int i = 0; i < 5; ++i) {
      RawConnection conn(server.https_port(), true);
      conn.send("GET /delay/5 HTTP/1.1\r\nHost: x\r\n\r\n");
      conn.reset();  // gone for good: a reset, long before its 5 s delay
    }
  });
  EXPECT_TRUE(only_the_probe_is_open()) << "a reset connection kept its timer";
}

// A FIN only says the client is done sending: the server answers when the delay fires
// (into the void, here), and then the connection goes.
TEST_F(BadInput, ClientClosingBeforeItsDelayFiresIsGoneAfterTheDelay) {
  for (int i = 0; i < 5; ++i) {
    RawConnection conn(server.https_port(), true);
    conn.send("GET /delay/0.5 HTTP/1.1\r\nHost: x\r\n\r\n");
  }  // each closes here
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(only_the_probe_is_open());
}

TEST_F(BadInput, BadDelayValuesAre400WithAJsonError) {
  alongside_a_good_request([&] {
    httplib::Client c("127.0.0.1", server.http_port());
    for (const char* bad : {"-1", "abc", "1e309", "nan"}) {
      auto res = c.Get(std::string("/delay/") + bad);
      ASSERT_TRUE(res) << bad;
      EXPECT_EQ(res->status, 400) << bad;
      EXPECT_TRUE(json::parse(res->body).contains("error")) << bad;
    }
  });
}

TEST(ConnectionCap, ConnectionsBeyondTheCapAreRefusedAndServiceResumes) {
  ServerProcess server({"--max-connections", "3"});
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<RawConnection>(server.http_port(), false));
  // The first three are served, each: with a worker per core, one that was only
  // connected may still wait in another worker's backlog when the fourth arrives.
  for (auto& conn : held) {
    conn->send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_EQ(status_of(conn->read_response(5)), 200);
  }

  RawConnection extra(server.http_port(), false);
  bool closed = false;
  std::string r = extra.read_until_close(5, &closed);
  EXPECT_TRUE(closed) << "the fourth connection was not refused";
  EXPECT_EQ(r, "");

  held.pop_back();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  httplib::Client c("127.0.0.1", server.http_port());
  auto res = c.Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(server.stderr_text().find("connection limit 3 reached"), std::string::npos);
}

// SO_REUSEPORT would let a second server share the port and take half the connections
// without a word: it is refused unless asked for.
TEST(PortInUse, ASecondServerOnATakenPortIsRefusedUnlessAskedToShare) {
  ServerProcess first;
  const std::string port = std::to_string(first.https_port());
  // A second server on the same port, stopped by `timeout` after `seconds` if it runs.
  auto second = [&](int seconds, const std::string& extra) {
    return "timeout " + std::to_string(seconds) + " " + bin_dir() +
           "/slowfast-server --http-port -1 --https-port " + port + " " + extra;
  };
  FILE* p = popen(second(10, "2>&1").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  int status = pclose(p);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << status << " " << out;
  EXPECT_NE(out.find("127.0.0.1:" + port + " is in use, perhaps by another slowfast-server"), std::string::npos)
      << out;

  // Asked to share, it starts: its ready file names the same port; timeout stops it (124).
  const std::string ready = "/tmp/slowfast-share-port-" + std::to_string(getpid());
  std::remove(ready.c_str());
  int shared = std::system(second(2, "--share-port --ready-file " + ready + " 2>/dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(shared), 124) << "it did not keep running until stopped";
  std::ifstream in(ready);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "listening https=127.0.0.1:" + port);
  std::remove(ready.c_str());
}

}  // namespace
}  // namespace slowfast::testing
