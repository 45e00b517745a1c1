// The waterfall's phases, text and SVG, from hand-made timelines.
#include <cstdio>

#include <gtest/gtest.h>

#include "observe/waterfall.h"
#include "slowfast/temp_dir.h"
#include "svg_bars.h"

namespace slowfast {
namespace {

RequestRecord record(int page, Timeline t, std::string error = "") {
  RequestRecord r;
  r.page = page;
  r.status = error.empty() ? 200 : 0;
  r.error = std::move(error);
  r.t = t;
  return r;
}

// A slow run's staircase: every request connects at once, then each waits its turn.
RunResult staircase(int n) {
  RunResult r;
  r.n = n;
  r.delay_s = 1;
  for (int i = 0; i < n; ++i)
    r.requests.push_back(record(i, {0.0, 0.01, 0.02, 0.02 + i, 1.02 + i, 1.03 + i}));
  r.total_s = 1.03 + (n - 1);
  summarize(r);
  return r;
}

TEST(Waterfall, SegmentsFollowTheTimeline) {
  auto s = segments({0.0, 0.1, 0.3, 0.35, 1.35, 1.4});
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].phase, Phase::kConnect);
  EXPECT_DOUBLE_EQ(s[1].from_s, 0.1);
  EXPECT_DOUBLE_EQ(s[1].to_s, 0.3);
  EXPECT_EQ(s[3].phase, Phase::kWait);
  EXPECT_DOUBLE_EQ(s[4].to_s, 1.4);
}

TEST(Waterfall, HiddenStepsFoldIntoTheNextSeenPhase) {
  // cpp-httplib shows only start, first byte and done.
  Timeline t;
  t.start = 0.5;
  t.first_byte = 1.6;
  t.done = 1.7;
  auto s = segments(t);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].phase, Phase::kWait);
  EXPECT_DOUBLE_EQ(s[0].from_s, 0.5);
  EXPECT_EQ(s[1].phase, Phase::kReceive);
  EXPECT_TRUE(segments(Timeline{}).empty());
}

TEST(Waterfall, TextHasOneLinePerRequestAndShowsTheStaircase) {
  RunResult r = staircase(4);
  std::string text = render_waterfall_text(r, 40);
  EXPECT_NE(text.find("page   0 |"), std::string::npos) << text;
  EXPECT_NE(text.find("page   3 |"), std::string::npos) << text;
  // Page 3 connected at once but could only send three delays later: its bar starts
  // at the left edge and its wait ('.') only in the last quarter.
  size_t line = text.find("page   3 |");
  std::string bar = text.substr(line + 10, 40);
  EXPECT_NE(bar[0], ' ') << bar;
  EXPECT_NE(bar.find('.'), std::string::npos) << bar;
  EXPECT_GT(bar.find('.'), 28u) << bar;
  EXPECT_NE(bar.find('>'), std::string::npos) << bar;
}

TEST(Waterfall, SvgIsWellFormedWithOneBarPerRequestMatchingTheTimeline) {
  RunResult r = staircase(5);
  r.requests[2].error = "timed out";
  std::string svg = render_waterfall_svg(r, waterfall_caption(r, "stage 2 <test>"));
  EXPECT_NE(svg.find("stage 2 &lt;test&gt;"), std::string::npos);
  // Checked with a parser nobody here wrote: Python's xml.etree.
  TempDir dir("slowfast-waterfall");
  FILE* p = popen(testing::svg_bars_command(dir.write("waterfall.svg", svg).string()).c_str(), "r");
  ASSERT_NE(p, nullptr);
  int bars = 0;
  ASSERT_EQ(fscanf(p, "%d", &bars), 1);
  EXPECT_EQ(bars, 5);
  for (int i = 0; i < bars; ++i) {
    int page;
    double from, to;
    ASSERT_EQ(fscanf(p, "%d %lf %lf", &page, &from, &to), 3);
    EXPECT_NEAR(from, *r.requests[page].t.start, 1e-6);
    EXPECT_NEAR(to, *r.requests[page].t.done, 1e-6);
  }
  EXPECT_EQ(pclose(p), 0);
}

// Stage 2's shape: page 1 connected at once, but page 0's blocking recv held the loop
// from 0.01 s to 1.02 s, so page 1's handshake only finished at 1.03 s.
RunResult stage2_pair() {
  RunResult r;
  r.n = 2;
  r.delay_s = 1;
  r.requests.push_back(record(0, {0.0, 0.005, 0.008, 0.01, 1.01, 1.02}));
  r.requests.push_back(record(1, {0.0, 0.004, 1.03, 1.031, 2.03, 2.04}));
  r.watchdog.enabled = true;
  r.watchdog.stalls.push_back({0.01, 0.11, 1.01, "blocking_tls: BlockingTlsSocket::recv_into -> poll", 0, {}});
  r.total_s = 2.04;
  summarize(r);
  return r;
}

TEST(Waterfall, AnotherPagesStallIsLoopUnavailableNotOwnWork) {
  RunResult r = stage2_pair();
  auto s = segments(r.requests[1].t, 1, r.watchdog.stalls);
  // tls 0.004-1.03 becomes: own 0.004-0.01, unavailable 0.01-1.02, own 1.02-1.03.
  ASSERT_EQ(s.size(), 7u);
  EXPECT_EQ(s[1].phase, Phase::kTls);
  EXPECT_FALSE(s[1].loop_unavailable);
  EXPECT_DOUBLE_EQ(s[1].to_s, 0.01);
  EXPECT_EQ(s[2].phase, Phase::kTls);
  EXPECT_TRUE(s[2].loop_unavailable);
  EXPECT_DOUBLE_EQ(s[2].from_s, 0.01);
  EXPECT_DOUBLE_EQ(s[2].to_s, 1.02);
  EXPECT_FALSE(s[3].loop_unavailable);
  EXPECT_DOUBLE_EQ(s[3].to_s, 1.03);
  double own = 0;
  for (const Segment& seg : s)
    if (!seg.loop_unavailable) own += seg.to_s - seg.from_s;
  EXPECT_NEAR(own, 2.04 - 1.01, 1e-9);
  // The culprit's own stall stays its own work.
  for (const Segment& seg : segments(r.requests[0].t, 0, r.watchdog.stalls)) EXPECT_FALSE(seg.loop_unavailable);
  // Without stalls nothing changes.
  EXPECT_EQ(segments(r.requests[1].t, 1, {}).size(), segments(r.requests[1].t).size());
}

TEST(Waterfall, TextAndSvgShowTheStallAndNameTheCulprit) {
  RunResult r = stage2_pair();
  std::string text = render_waterfall_text(r, 40);
  size_t line0 = text.find("page   0 |"), line1 = text.find("page   1 |");
  ASSERT_NE(line1, std::string::npos) << text;
  EXPECT_NE(text.substr(line1, 60).find("~~~~"), std::string::npos) << text;
  EXPECT_EQ(text.substr(line0, 60).find('~'), std::string::npos) << text;
  EXPECT_NE(text.find("blocks the loop"), std::string::npos) << text;
  EXPECT_LT(text.find("blocks the loop"), line1) << "page 0 is the culprit, not page 1: " << text;
  std::string svg = render_waterfall_svg(r, "stage 2");
  EXPECT_NE(svg.find("<rect class=\"stall\""), std::string::npos);
  EXPECT_NE(svg.find("data-loop=\"unavailable\""), std::string::npos);
  EXPECT_NE(svg.find("recv_into -&gt; poll"), std::string::npos);
}

}  // namespace
}  // namespace slowfast
