// The trace, profile and watchdog texts, from hand-made records.
#include <sstream>

#include <gtest/gtest.h>

#include "observe/profile_table.h"
#include "observe/trace.h"
#include "observe/watchdog_report.h"

namespace slowfast {
namespace {

// Events as a run tells them: page 0 sends, the loop blocks (told twice), page 0's
// answer arrives, page 1 fails.
TEST(Trace, EachEventIsALineTheMomentItIsTold) {
  std::string why;
  Url url = *parse_url("https://127.0.0.1:8443/delay/1", &why);
  std::ostringstream out;
  LiveTrace trace(out, url);
  RequestRecord r0, r1;
  r0.page = 0;
  r1.page = 1;
  r0.events = r1.events = &trace;
  r0.mark(Point::kStart, 0.0);
  r1.mark(Point::kStart, 0.0);
  r0.mark(Point::kConnected, 0.01);
  EXPECT_EQ(out.str(), "   0.000 s  page 0    started\n   0.000 s  page 1    started\n   0.010 s  page 0    connected\n");
  r0.mark(Point::kTlsDone, 0.02);
  r0.mark(Point::kSent, 0.02);
  EXPECT_NE(out.str().find("   0.020 s  page 0    request sent  GET /delay/1?page=0\n"), std::string::npos) << out.str();
  // The first telling carries the innermost frames of the sampled stack.
  trace.on_stall(0.02, 0.12, 0, "blocking_tls: X::recv_into -> poll",
                 {"poll [libc]", "wait_for_socket [blocking_tls]", "X::recv_into [blocking_tls]", "uv_run [libuv]"});
  trace.on_stall(0.02, 0.62, 0, "blocking_tls: X::recv_into -> poll", {});
  EXPECT_NE(out.str().find("   0.120 s  page 0    LOOP BLOCKED  blocking_tls: X::recv_into -> poll (0.10 s so far)"
                           "  at poll [libc] <- wait_for_socket [blocking_tls] <- X::recv_into [blocking_tls] <- ...\n"
                           "   0.620 s  page 0    still blocked  blocking_tls: X::recv_into -> poll (0.60 s so far)\n"),
            std::string::npos)
      << out.str();
  r0.mark(Point::kFirstByte, 1.02);
  r0.status = 200;
  r0.bytes = 309;
  r0.mark(Point::kDone, 1.03);
  EXPECT_NE(out.str().find("   1.030 s  page 0    response done  GET /delay/1?page=0 200 309 bytes\n"), std::string::npos)
      << out.str();
  r1.fail(FailureKind::kPage, "page mismatch");
  r1.mark(Point::kDone, 1.04);
  EXPECT_NE(out.str().find("   1.040 s  page 1    error  page mismatch\n"), std::string::npos) << out.str();
  // A new stall is a new LOOP BLOCKED line.
  trace.on_stall(1.04, 1.15, 1, "blocking_tls: X::recv -> poll", {});
  EXPECT_NE(out.str().find("page 1    LOOP BLOCKED  blocking_tls: X::recv -> poll (0.11 s so far)\n"), std::string::npos)
      << out.str();
}

TEST(ProfileTable, CProfileColumnsAndPaths) {
  std::vector<ProfileRow> rows = {{{"uv_run"}, "slowfast", 1, 0.001, 2.0},
                                  {{"uv_run", "X::recv_into", "poll"}, "blocking_tls", 8, 1.9, 1.9}};
  std::string t = render_profile(rows, 2.0, 1);
  EXPECT_NE(t.find("  ncalls  tottime  percall  cumtime  percall  caller -> callee"), std::string::npos) << t;
  EXPECT_NE(t.find("       1    0.001    0.001    2.000    2.000  uv_run  [slowfast]"), std::string::npos) << t;
  EXPECT_EQ(t.find("poll"), std::string::npos) << "cut at max_rows";
  EXPECT_NE(t.find("(1 more paths"), std::string::npos) << t;
  EXPECT_EQ(path_text(rows[1]), "uv_run -> X::recv_into -> poll");
}

TEST(WatchdogReport, StallsThenSummary) {
  RunResult r;
  r.watchdog = WatchdogReport{true, 0.1, {Stall{0.02, 0.12, 1.0, "blocking_tls: X::recv_into -> poll", 0, {}}}};
  std::string t = render_watchdog(r.watchdog, 2.0);
  EXPECT_NE(t.find("threshold 100 ms): 1 stall\n"), std::string::npos) << t;
  EXPECT_NE(t.find("1.000 s blocked from 0.020 s, page 0, in blocking_tls: X::recv_into -> poll"), std::string::npos)
      << t;
  EXPECT_NE(t.find("Summary: 1 stall, 1.000 s blocked in all, longest 1.000 s, loop blocked 50.0 %"),
            std::string::npos)
      << t;
  EXPECT_EQ(stall_summary(r.watchdog, 2.0), "1 stall, 1.00 s blocked (50 %), longest 1.000 s, in blocking_tls: "
                                            "X::recv_into -> poll");
  EXPECT_EQ(stall_summary(WatchdogReport{true, 0.1, {}}, 1), "no stall");
  EXPECT_NE(render_watchdog(WatchdogReport{true, 0.1, {}}, 1).find("no stall"), std::string::npos);
}

// Under each stall, its stack: the first frames, then "same as stall N" when repeated.
TEST(WatchdogReport, EachStallShowsItsStackOnce) {
  std::vector<std::string> deep = {"poll [libc]", "wait_for_socket [blocking_tls]", "X::recv_into [blocking_tls]"};
  for (int i = 0; i < 7; ++i) deep.push_back("f" + std::to_string(i) + " [slowfast]");
  WatchdogReport w{true, 0.1, {Stall{0.0, 0.1, 0.5, "c", 0, deep}, Stall{0.5, 0.6, 0.5, "c", 1, deep},
                               Stall{1.0, 1.1, 0.5, "c", 2, {"nanosleep [libc]"}}, Stall{1.5, 1.6, 0.5, "c", 3, {}}}};
  std::string t = render_watchdog(w, 2.0);
  EXPECT_NE(t.find("page 0, in c\n             stack: poll [libc] <- wait_for_socket [blocking_tls] <- X::recv_into "
                   "[blocking_tls] <- f0 [slowfast] <- f1 [slowfast] <- f2 [slowfast] <- f3 [slowfast] <- f4 "
                   "[slowfast] <- ... (2 more)\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("page 1, in c\n             stack: same as stall 1\n"), std::string::npos) << t;
  EXPECT_NE(t.find("page 2, in c\n             stack: nanosleep [libc]\n"), std::string::npos) << t;
  EXPECT_NE(t.find("page 3, in c\n             stack: not sampled"), std::string::npos) << t;
}

}  // namespace
}  // namespace slowfast

namespace slowfast {
namespace {

// A stripped library's nameless frames fold into its next named frame, so the line
// reaches the module that called into it (cert_guard's verify callback, here).
TEST(WatchdogReport, NamelessLibraryFramesFoldIntoTheNextNamedOne) {
  std::vector<std::string> stack = {"read [libc]",          "? [libcrypto]",   "? [libcrypto]",
                                    "? [libcrypto]",        "BIO_read [libcrypto]", "? [libssl]",
                                    "? [libssl]",           "SSL_read [libssl]",    "verify_certificate [cert_guard]",
                                    "? [libcrypto]",        "? [libuv]",            "? [libuv]"};
  WatchdogReport w{true, 0.1, {Stall{0.0, 0.1, 0.5, "c", 0, stack}}};
  std::string t = render_watchdog(w, 1.0);
  EXPECT_NE(t.find("stack: read [libc] <- BIO_read [libcrypto] (+3) <- SSL_read [libssl] (+2) <- verify_certificate "
                   "[cert_guard] <- ? [libcrypto] <- ? [libuv] (x2)\n"),
            std::string::npos)
      << t;
}

}  // namespace
}  // namespace slowfast
