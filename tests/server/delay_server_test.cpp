// The delay server end to end over loopback: delays, concurrency, keep-alive,
// pipelining, drip, handshake delay and graceful shutdown. Timing checks are shapes
// with wide margins, never tight bounds.
#include <algorithm>
#include <chrono>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "raw_client.h"
#include "server_process.h"
#include "stopwatch.h"

namespace slowfast::testing {
namespace {

using nlohmann::json;
std::unique_ptr<httplib::SSLClient> tls_client(const ServerProcess& s) {
  auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", s.https_port());
  c->set_ca_cert_path(lab_ca_file().c_str());
  c->enable_server_certificate_verification(true);
  c->set_read_timeout(10, 0);
  return c;
}

TEST(DelayServer, DelayTakesTheDelayAndEchoesArgs) {
  ServerProcess server;
  auto client = tls_client(server);
  auto t0 = Clock::now();
  auto res = client->Get("/delay/0.2?page=7");
  double took = since(t0);
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["args"]["page"], "7");
  EXPECT_GE(took, 0.2);
  EXPECT_LT(took, 3 * 0.2);
}

TEST(DelayServer, FramingCloseEndsTheBodyWithTheConnection) {
  // HTTP/1.0 framing: no Content-Length, the body is everything up to the close, even
  // when the client asked for keep-alive.
  ServerProcess server;
  RawConnection c(server.https_port(), /*tls=*/true);
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_TRUE(c.send("GET /bytes/5000?framing=close&seed=1 HTTP/1.1\r\nHost: x\r\n\r\n"));
  bool closed = false;
  std::string got = c.read_until_close(5, &closed);
  EXPECT_TRUE(closed);
  size_t head_end = got.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << got;
  std::string head = got.substr(0, head_end);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  EXPECT_NE(head.find("Connection: close"), std::string::npos) << head;
  EXPECT_EQ(got.size() - head_end - 4, 5000u);
}

TEST(DelayServer, FiftyConcurrentDelaysOverlap) {
  ServerProcess server;
  constexpr int kN = 50;
  constexpr double kDelay = 0.3;
  std::vector<int> status(kN, 0);
  std::vector<std::string> page(kN);
  std::vector<Clock::time_point> sent(kN), done(kN);
  // Every client connects and finishes its TLS handshake first (a keep-alive /get), then
  // all ask for their delay at once: the figure is the delays' overlap, not handshake
  // CPU, which a sanitizer build multiplies.
  // The clients are made here, not in the threads: cpp-httplib's constructor fills
  // function-local static regexes inside its uninstrumented library, which TSan would
  // report as a race between the first two threads.
  std::vector<std::unique_ptr<httplib::SSLClient>> clients;
  for (int i = 0; i < kN; ++i) clients.push_back(tls_client(server));
  std::latch connected(kN);
  std::vector<std::thread> threads;
  for (int i = 0; i < kN; ++i) {
    threads.emplace_back([&, i] {
      httplib::SSLClient* client = clients[i].get();
      client->set_keep_alive(true);
      bool warm = static_cast<bool>(client->Get("/get"));
      connected.arrive_and_wait();
      if (!warm) return;
      sent[i] = Clock::now();
      if (auto res = client->Get("/delay/0.3?page=" + std::to_string(i))) {
        status[i] = res->status;
        page[i] = json::parse(res->body)["args"]["page"];
      }
      done[i] = Clock::now();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kN; ++i) {
    EXPECT_EQ(status[i], 200) << "page " << i;
    EXPECT_EQ(page[i], std::to_string(i));
  }
  double took = std::chrono::duration<double>(*std::max_element(done.begin(), done.end()) -
                                              *std::min_element(sent.begin(), sent.end()))
                    .count();
  EXPECT_GE(took, kDelay);
  EXPECT_LT(took, 2 * kDelay) << "50 delays of 0.3 s ran one after another";
}

TEST(DelayServer, PlainHttpListenerServesTheSameRoutes) {
  ServerProcess server;
  httplib::Client client("127.0.0.1", server.http_port());
  auto res = client.Get("/get?page=3");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  json body = json::parse(res->body);
  EXPECT_EQ(body["args"]["page"], "3");
  EXPECT_EQ(body["url"], server.http_url("/get?page=3"));
}

TEST(DelayServer, KeepAliveServesManyRequestsOnOneConnection) {
  ServerProcess server;
  auto client = tls_client(server);
  client->set_keep_alive(true);
  for (int i = 0; i < 5; ++i) {
    auto res = client->Get("/health");
    ASSERT_TRUE(res);
    EXPECT_EQ(json::parse(res->body)["connections"], 1) << "request " << i;
  }
}

TEST(DelayServer, PipelinedRequestsAreAnsweredInOrder) {
  ServerProcess server;
  RawConnection conn(server.https_port(), true);
  ASSERT_TRUE(conn.ok()) << conn.error();
  conn.send("GET /delay/0.1?page=1 HTTP/1.1\r\nHost: x\r\n\r\n"
            "GET /get?page=2 HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string first = conn.read_response(5), second = conn.read_response(5);
  EXPECT_EQ(json::parse(body_of(first))["args"]["page"], "1");
  EXPECT_EQ(json::parse(body_of(second))["args"]["page"], "2");
}

TEST(DelayServer, DripTricklesTheBodyInPieces) {
  ServerProcess server;
  RawConnection conn(server.http_port(), false);
  auto t0 = Clock::now();
  conn.send("GET /drip?numbytes=10&duration=0.5&delay=0 HTTP/1.1\r\nHost: x\r\n"
            "Connection: close\r\n\r\n");
  bool closed = false;
  std::string response = conn.read_until_close(5, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(status_of(response), 200);
  EXPECT_EQ(body_of(response), std::string(10, '*'));
  EXPECT_GE(since(t0), 0.4);
}

// A thousand pieces over half a second end after about half a second. With a relative
// timer per piece (each at least 1 ms, fired a loop turn late) they took twice as long.
// Shape, wide margin.
TEST(DelayServer, DripOfAThousandPiecesKeepsToItsDuration) {
  ServerProcess server;
  RawConnection conn(server.http_port(), false);
  auto t0 = Clock::now();
  conn.send("GET /drip?numbytes=1000&duration=0.5&delay=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  bool closed = false;
  std::string response = conn.read_until_close(10, &closed);
  double took = since(t0);
  EXPECT_TRUE(closed);
  EXPECT_EQ(body_of(response), std::string(1000, '*'));
  EXPECT_GE(took, 0.45);
  EXPECT_LT(took, 0.8) << "the drip fell behind its schedule";
}

TEST(DelayServer, HandshakeDelayHoldsTheTlsHandshake) {
  ServerProcess server({"--handshake-delay", "300"});
  auto client = tls_client(server);
  auto t0 = Clock::now();
  auto res = client->Get("/get");
  ASSERT_TRUE(res);
  EXPECT_GE(since(t0), 0.3);
  // The plain listener has no handshake to hold.
  httplib::Client plain("127.0.0.1", server.http_port());
  t0 = Clock::now();
  ASSERT_TRUE(plain.Get("/get"));
  EXPECT_LT(since(t0), 0.3);
}

TEST(DelayServer, SigtermLetsInFlightRequestsFinishThenExitsZero) {
  ServerProcess server;
  RawConnection idle(server.http_port(), false);  // a kept-alive connection with nothing to do
  ASSERT_TRUE(idle.ok());
  int status = 0;
  std::string page;
  auto client = tls_client(server);  // made on this thread, see above
  std::thread request([&] {
    if (auto res = client->Get("/delay/0.5?page=9")) {
      status = res->status;
      page = json::parse(res->body)["args"]["page"];
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the request is in flight
  auto t0 = Clock::now();
  int rc = server.terminate_and_wait(10);
  double took = since(t0);
  request.join();
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(page, "9");
  EXPECT_LT(took, 5.0) << "shutdown waited for the grace period instead of the request";
  bool closed = false;
  idle.read_until_close(1, &closed);
  EXPECT_TRUE(closed);
  RawConnection late(server.http_port(), false);
  EXPECT_FALSE(late.ok()) << "still accepting after SIGTERM";
}

}  // namespace
}  // namespace slowfast::testing
