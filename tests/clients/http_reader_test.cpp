// The two runtimes' reader: py27 reads only through recv, py37 only through
// recv_into - checked on a scripted socket - and both parse a real response that
// arrives in pieces over a socketpair through the loop (PlainSocket + PollWait).
#include "uv_nonblocking/http_reader.h"

#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <thread>

#include <gtest/gtest.h>

#include "uv_test_loop.h"

#include "uv_nonblocking/plain_socket.h"
#include "uv_nonblocking/poll_wait.h"
#include "uv_nonblocking/tcp_connection.h"

namespace slowfast {
namespace {

// Hands out scripted chunks and counts which read method was used.
class ScriptedSocket final : public Socket {
 public:
  explicit ScriptedSocket(std::deque<std::string> chunks) : chunks_(std::move(chunks)) {}
  const char* class_name() const override { return "ScriptedSocket"; }
  Task<void> handshake() override { co_return; }
  Task<std::size_t> send(std::span<const char> data) override { co_return data.size(); }
  Task<std::string> recv(std::size_t n) override {
    ++recv_calls;
    co_return next(n);
  }
  Task<std::size_t> recv_into(std::span<char> buffer) override {
    ++recv_into_calls;
    std::string chunk = next(buffer.size());
    std::copy(chunk.begin(), chunk.end(), buffer.begin());
    co_return chunk.size();
  }
  Task<void> shutdown() override { co_return; }

  int recv_calls = 0, recv_into_calls = 0;

 private:
  std::string next(std::size_t n) {
    if (chunks_.empty()) return "";
    std::string c = chunks_.front().substr(0, n);
    chunks_.front().erase(0, n);
    if (chunks_.front().empty()) chunks_.pop_front();
    return c;
  }
  std::deque<std::string> chunks_;
};

const std::deque<std::string> kChunks = {"HTTP/1.1 200 OK\r\nContent-Le", "ngth: 11\r\n\r\n", "hello", " world"};

HttpResponse read_sync(Socket& s, Runtime rt, int* first_bytes_calls) {
  Task<HttpResponse> t = read_response(s, rt, [&] { ++*first_bytes_calls; });
  t.start();
  EXPECT_TRUE(t.done());
  return t.result();
}

TEST(HttpReader, Py27ReadsWithRecvOnly) {
  ScriptedSocket s(kChunks);
  int first = 0;
  HttpResponse r = read_sync(s, Runtime::kPy27, &first);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello world");
  EXPECT_EQ(first, 1);
  EXPECT_EQ(s.recv_calls, 4);
  EXPECT_EQ(s.recv_into_calls, 0);
}

TEST(HttpReader, Py37ReadsWithRecvIntoOnly) {
  ScriptedSocket s(kChunks);
  int first = 0;
  HttpResponse r = read_sync(s, Runtime::kPy37, &first);
  EXPECT_EQ(r.body, "hello world");
  EXPECT_EQ(s.recv_calls, 0);
  EXPECT_EQ(s.recv_into_calls, 4);
}

TEST(HttpReader, EarlyCloseIsAnError) {
  ScriptedSocket s({"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nabc"});
  int first = 0;
  Task<HttpResponse> t = read_response(s, Runtime::kPy37, [&] { ++first; });
  t.start();
  EXPECT_THROW(t.result(), std::runtime_error);
}

TEST(HttpRequest, IsOneGetWithHostAndClose) {
  EXPECT_EQ(build_get("/delay/1?page=3", "127.0.0.1:8443"),
            "GET /delay/1?page=3 HTTP/1.1\r\nHost: 127.0.0.1:8443\r\nUser-Agent: slowfast/0.1\r\n"
            "Accept: */*\r\nConnection: close\r\n\r\n");
}

Task<void> read_into(Socket& s, Runtime rt, HttpResponse& out) { out = co_await read_response(s, rt); }

// A writer thread sends a chunked response in three pieces with pauses; the reader
// waits for each through the loop.
void read_over_socketpair(Runtime rt) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  Fd writer_fd(fds[1]);
  std::thread writer([fd = fds[1]] {
    for (std::string piece : {"HTTP/1.1 200 OK\r\nTransfer-", "Encoding: chunked\r\n\r\n5\r\nhel",
                              "lo\r\n0\r\n\r\n"}) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      ASSERT_EQ(::send(fd, piece.data(), piece.size(), MSG_NOSIGNAL), static_cast<ssize_t>(piece.size()));
    }
  });
  HttpResponse res;
  {
    TestLoop loop;
    TcpConnection conn(loop.get(), fds[0], 5.0);  // owns fds[0]
    PlainSocket socket(conn.fd(), conn.io());
    Task<void> t = read_into(socket, rt, res);
    t.start();
    loop.run();
    ASSERT_TRUE(t.done());
    t.result();
  }
  writer.join();
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "hello");
}

TEST(HttpReader, Py27OverASocketpairThroughTheLoop) { read_over_socketpair(Runtime::kPy27); }
TEST(HttpReader, Py37OverASocketpairThroughTheLoop) { read_over_socketpair(Runtime::kPy37); }

// How a read from a peer that never writes ended.
struct SilentPeerRead {
  std::string error;
  FailureKind kind = FailureKind::kNone;
};

// Reads (py37) through the loop from a socketpair whose peer stays silent, with the
// wait's `timeout_s` and the request's `deadline_ns` (0: none), until the wait gives up.
void read_from_silent_peer(double timeout_s, std::uint64_t deadline_ns, SilentPeerRead& out) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  Fd peer(fds[1]);
  TestLoop loop;
  TcpConnection conn(loop.get(), fds[0], timeout_s, -1, deadline_ns);
  PlainSocket socket(conn.fd(), conn.io());
  HttpResponse res;
  Task<void> t = read_into(socket, Runtime::kPy37, res);
  t.start();
  loop.run();
  ASSERT_TRUE(t.done());
  try {
    t.result();
  } catch (const RequestFailure& e) {
    out.kind = e.kind();
    out.error = e.what();
  } catch (const std::exception& e) {
    out.error = e.what();
  }
}

TEST(PollWait, TimesOutOnASilentPeer) {
  SilentPeerRead read;
  read_from_silent_peer(0.05, 0, read);
  EXPECT_EQ(read.error, "timed out after 0.05 s");
}

// The request's deadline ends a wait before its (longer) timeout, as kind deadline.
TEST(PollWait, EndsAtTheDeadlineBeforeTheTimeout) {
  SilentPeerRead read;
  read_from_silent_peer(30, uv_hrtime() + 50'000'000, read);
  EXPECT_EQ(read.kind, FailureKind::kDeadline);
}

}  // namespace
}  // namespace slowfast
