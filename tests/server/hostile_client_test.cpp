// The hostile-client suite: what a client may send and the server must survive. After
// every case a good HTTPS request is still answered, and the server still exits 0 on
// SIGTERM (ServerProcess checks that when it goes).
#include <sys/resource.h>

#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "raw_client.h"
#include "server_process.h"
#include "stopwatch.h"

namespace slowfast::testing {
namespace {

using nlohmann::json;

using namespace std::string_literals;

class HostileClient : public ::testing::Test {
 protected:
  explicit HostileClient(std::vector<std::string> server_args = {}) : server(std::move(server_args)) {}
  ServerProcess server;

  void TearDown() override {
    RawConnection conn(server.https_port(), true);
    ASSERT_TRUE(conn.ok()) << conn.error();
    conn.send("GET /get?page=good HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = conn.read_response(5);
    ASSERT_EQ(status_of(r), 200) << "a good request after the case was not answered";
    EXPECT_EQ(json::parse(body_of(r))["args"]["page"], "good");
  }

  // One request on its own connection; everything until the server closes (or 5 s).
  std::string exchange(const std::string& request, bool tls = false, bool* closed = nullptr) {
    RawConnection conn(tls ? server.https_port() : server.http_port(), tls);
    EXPECT_TRUE(conn.ok()) << conn.error();
    conn.send(request);
    bool c = false;
    std::string r = conn.read_until_close(5, &c);
    if (closed) *closed = c;
    return r;
  }
};

// Bytes that are not UTF-8, echoed into JSON, used to abort the whole process.
TEST_F(HostileClient, InvalidUtf8IsEchoedReplacedNeverFatal) {
  // Requests in flight beside the bad ones must all be answered.
  std::vector<std::future<std::string>> beside;
  for (int i = 0; i < 5; ++i)
    beside.push_back(std::async(std::launch::async, [this, i] {
      RawConnection conn(server.https_port(), true);
      conn.send("GET /delay/0.5?page=" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
      return conn.read_response(10);
    }));
  for (std::string target : {"/get?a=%ff", "/delay/0?a=%C3%28", "/no/\xff\xfe", "/get?\xc3"}) {
    for (bool tls : {false, true}) {
      std::string r = exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\nX-Echo: \xff\r\nConnection: close\r\n\r\n", tls);
      int status = status_of(r);
      EXPECT_TRUE(status == 200 || status == 404) << target << ": " << r;
      json body = json::parse(body_of(r));  // valid JSON, hence valid UTF-8
      EXPECT_NE(body.dump().find("\xef\xbf\xbd"), std::string::npos) << "no U+FFFD in " << body.dump();
    }
  }
  for (int i = 0; i < 5; ++i) {
    std::string r = beside[static_cast<size_t>(i)].get();
    ASSERT_EQ(status_of(r), 200) << "request beside the bad ones, page " << i;
    EXPECT_EQ(json::parse(body_of(r))["args"]["page"], std::to_string(i));
  }
}

TEST_F(HostileClient, Tls12RenegotiationIsRefusedWithAnAlert) {
  RawConnection conn(server.https_port(), true, {.max_version = TLS1_2_VERSION});
  ASSERT_TRUE(conn.ok()) << conn.error();
  auto t0 = Clock::now();
  std::string refused = conn.renegotiate();
  EXPECT_NE(refused.find("no renegotiation"), std::string::npos) << "'" << refused << "'";
  EXPECT_LT(since(t0), 5) << "the refusal must come at once, not after a timeout";
}

// Each shape could make a proxy in front and this server disagree on where a request
// ends (request smuggling): all are refused with 400 and a close, and whatever was
// hidden behind them is never answered.
TEST_F(HostileClient, RequestSmugglingShapesAre400AndClosed) {
  const std::string tail = "\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /get?page=smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const std::string& headers : std::vector<std::string>{
           "Transfer-Encoding : chunked",
           "Content-Length: 3\r\nTransfer-Encoding: chunked",
           "Transfer-Encoding: chunked\r\nContent-Length: 3",
           "Content-Length: 3\r\nContent-Length: 4",
           "Content-Length: +3",
           "Content-Length: 3, 4",
           "Transfer-Encoding: chunked, identity",
           "Transfer-Encoding: xchunked",
           "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity",
           "X-Nul: a\0b"s,
           "NoColonHere",
           "Bad Name: 1",
       }) {
    for (bool tls : {false, true}) {
      bool closed = false;
      std::string r = exchange("POST /delay/0 HTTP/1.1\r\nHost: x\r\n" + headers + tail, tls, &closed);
      EXPECT_EQ(status_of(r), 400) << headers << "\n" << r;
      EXPECT_TRUE(closed) << headers;
      EXPECT_EQ(r.find("smuggled"), std::string::npos) << headers;
    }
  }
}

TEST_F(HostileClient, ChunkedBodiesThatLieAre400) {
  for (std::string body : {"ffffffffffffffffff\r\nabc\r\n0\r\n\r\n", "zz\r\nabc\r\n0\r\n\r\n",
                                  "3\r\nabcdef\r\n0\r\n\r\n", "-3\r\nabc\r\n0\r\n\r\n"}) {
    bool closed = false;
    std::string r = exchange("POST /delay/0 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body,
                             false, &closed);
    EXPECT_EQ(status_of(r), 400) << body;
    EXPECT_TRUE(closed) << body;
  }
}

TEST_F(HostileClient, AbsoluteFormTargetIsServedAsItsPath) {
  std::string r = exchange("GET https://lab.example:8443/get?page=7 HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n", true);
  ASSERT_EQ(status_of(r), 200) << r;
  json body = json::parse(body_of(r));
  EXPECT_EQ(body["args"]["page"], "7");
  EXPECT_EQ(body["url"], "https://lab.example:8443/get?page=7");  // the target's authority wins
}

TEST_F(HostileClient, HostIsRequiredOnceInHttp11) {
  EXPECT_EQ(status_of(exchange("GET /get HTTP/1.1\r\n\r\n")), 400);
  EXPECT_EQ(status_of(exchange("GET /get HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")), 400);
  std::string r = exchange("GET /get HTTP/1.0\r\n\r\n");  // HTTP/1.0 had no Host
  EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 200") << r;
}

TEST_F(HostileClient, MethodNotAllowedSaysWhatIs) {
  std::string r = exchange("DELETE /get HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(r), 405);
  EXPECT_NE(r.find("\r\nAllow: GET, HEAD\r\n"), std::string::npos) << r;
}

TEST_F(HostileClient, ExpectContinueGetsAnInterimResponse) {
  for (bool tls : {false, true}) {
    RawConnection conn(tls ? server.https_port() : server.http_port(), tls);
    conn.send("POST /delay/0?page=3 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    auto t0 = Clock::now();
    std::string interim = conn.read_response(3);
    EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    EXPECT_LT(since(t0), 1) << "the client should not have to wait out its Expect timeout";
    conn.send("hello");
    std::string r = conn.read_response(3);
    EXPECT_EQ(status_of(r), 200) << r;
  }
}

TEST_F(HostileClient, HalfClosedClientIsStillAnswered) {
  for (bool tls : {false, true}) {
    RawConnection conn(tls ? server.https_port() : server.http_port(), tls);
    conn.send("GET /delay/0.3?page=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /get?page=2 HTTP/1.1\r\nHost: x\r\n\r\n");
    conn.half_close();
    bool closed = false;
    std::string r = conn.read_until_close(5, &closed);
    EXPECT_TRUE(closed) << "the server closes once it has answered everything";
    EXPECT_NE(r.find("\"page\": \"1\""), std::string::npos) << (tls ? "https" : "http") << ": " << r;
    EXPECT_NE(r.find("\"page\": \"2\""), std::string::npos) << (tls ? "https" : "http") << ": " << r;
  }
}

TEST_F(HostileClient, AThousandPipelinedRequestsAreAnsweredInOrder) {
  RawConnection conn(server.https_port(), true);
  std::string all;
  for (int i = 0; i < 1000; ++i) all += "GET /get?page=" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
  conn.send(all);
  for (int i = 0; i < 1000; ++i) {
    std::string r = conn.read_response(10);
    ASSERT_EQ(status_of(r), 200) << "response " << i;
    ASSERT_EQ(json::parse(body_of(r))["args"]["page"], std::to_string(i));
  }
}

TEST_F(HostileClient, ThreeThousandHeldConnectionsDoNotStopService) {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  ASSERT_GE(lim.rlim_cur, 3200u) << "this machine allows too few open files for the case";
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3000; ++i) {
    held.push_back(std::make_unique<RawConnection>(server.http_port(), false));
    ASSERT_TRUE(held.back()->ok()) << "connection " << i;
  }
  // The two workers accept from their own queues: wait (10 s at most) until both have.
  RawConnection probe(server.http_port(), false);
  int open = 0;
  for (int i = 0; i < 100 && open < 3001; ++i) {
    probe.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = probe.read_response(10);
    ASSERT_EQ(status_of(r), 200);
    open = json::parse(body_of(r))["connections"].get<int>();
    if (open < 3001) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(open, 3001) << "the server does not hold all 3000 connections";
}

TEST_F(HostileClient, ClientHelloInOneByteWritesCompletes) {
  RawConnection conn(server.https_port(), true, {.hello_bytewise = true});
  ASSERT_TRUE(conn.ok()) << conn.error();
  conn.send("GET /get?page=slow-hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_of(conn.read_response(5)), 200);
}

class LargeHeaderLimit : public HostileClient {
 protected:
  LargeHeaderLimit() : HostileClient({"--max-header-bytes", "200000"}) {}
};

// http-parser's own ceiling (80 KiB) must not silently override the configured one.
TEST_F(LargeHeaderLimit, AConfiguredLimitAbove80KiBApplies) {
  auto request = [](size_t n) { return "GET /get HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(n, 'b') + "\r\nConnection: close\r\n\r\n"; };
  EXPECT_EQ(status_of(exchange(request(150000))), 200);
  EXPECT_EQ(status_of(exchange(request(250000))), 431);
}

}  // namespace
}  // namespace slowfast::testing
