// The lab's figures on known inputs: the median, min-max and the unstable flag of a
// repeated cell, the foreign CPU of a run, and how a cell of several runs reads.
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lab/foreign_cpu.h"
#include "lab/lab_report.h"
#include "lab/repeat_stats.h"

namespace slowfast::lab {
namespace {

TEST(Median, OddCountIsTheMiddleValue) {
  EXPECT_DOUBLE_EQ(median_of({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median_of({10.05, 1.02, 1.03}), 1.03);
  EXPECT_DOUBLE_EQ(median_of({7}), 7);
}

TEST(Median, EvenCountIsTheMeanOfTheTwoMiddleValues) {
  EXPECT_DOUBLE_EQ(median_of({1, 2, 3, 4}), 2.5);
  EXPECT_DOUBLE_EQ(median_of({4, 1}), 2.5);
}

TEST(Median, OfNothingIsAnError) { EXPECT_THROW(median_of({}), std::invalid_argument); }

TEST(RepeatStats, MinMaxAndRelativeSpread) {
  RepeatStats s = repeat_stats({1.010, 1.001, 1.003});
  EXPECT_EQ(s.count, 3);
  EXPECT_DOUBLE_EQ(s.median, 1.003);
  EXPECT_DOUBLE_EQ(s.min, 1.001);
  EXPECT_DOUBLE_EQ(s.max, 1.010);
  EXPECT_NEAR(s.spread, 0.009 / 1.003, 1e-12);
  EXPECT_FALSE(s.unstable);
}

TEST(RepeatStats, TheSameAbsoluteJitterIsUnstableOnAFastCellOnly) {
  // 0.2 s of jitter: 20 % of a 1 s cell, 2 % of a 10 s one.
  EXPECT_TRUE(repeat_stats({1.0, 1.1, 1.2}).unstable);
  EXPECT_FALSE(repeat_stats({10.0, 10.1, 10.2}).unstable);
}

TEST(RepeatStats, TheFlagTurnsOnJustAboveTheBar) {
  // median 1, spread exactly at, just under and just over 10 % (binary-exact values).
  EXPECT_FALSE(repeat_stats({0.5, 1, 1.5}, 1.0).unstable) << "at the bar: not over it";
  EXPECT_TRUE(repeat_stats({0.5, 1, 1.5}, 0.999).unstable);
  EXPECT_DOUBLE_EQ(kUnstableSpread, 0.10);
  EXPECT_FALSE(repeat_stats({0.96, 1.0, 1.05}).unstable);  // 9 %
  EXPECT_TRUE(repeat_stats({0.95, 1.0, 1.06}).unstable);   // 11 %
}

TEST(RepeatStats, OneRunHasNoSpreadAndNoValuesNothing) {
  RepeatStats one = repeat_stats({2.5});
  EXPECT_EQ(one.count, 1);
  EXPECT_DOUBLE_EQ(one.median, 2.5);
  EXPECT_DOUBLE_EQ(one.spread, 0);
  EXPECT_FALSE(one.unstable);
  EXPECT_EQ(repeat_stats({}).count, 0);
}

TEST(ForeignCpu, BusyJiffiesLeaveOutIdleIowaitAndGuest) {
  // user nice system idle iowait irq softirq steal guest guest_nice
  EXPECT_EQ(busy_jiffies("cpu  100 2 30 5000 40 5 6 7 50 1"), 100 + 2 + 30 + 5 + 6 + 7);
  EXPECT_EQ(busy_jiffies("cpu 1 2 3 4"), 6) << "an old kernel's four fields";
  EXPECT_FALSE(busy_jiffies("cpu0 1 2 3 4 5 6 7 8 9 10")) << "a single core's line";
  EXPECT_FALSE(busy_jiffies("intr 12345"));
}

TEST(ForeignCpu, IsTheMachinesBusyTimeLessTheLabsOwn) {
  CpuSample before{100.0, 2.0, 1000.0}, after{130.0, 12.0, 1010.0};  // 10 s on 4 cores
  ForeignCpu f = foreign_cpu_between(before, after, 4);
  EXPECT_DOUBLE_EQ(f.wall_s, 10);
  EXPECT_DOUBLE_EQ(f.machine_busy_core_s, 30);
  EXPECT_DOUBLE_EQ(f.own_core_s, 10);
  EXPECT_DOUBLE_EQ(f.foreign_core_s, 20);
  EXPECT_DOUBLE_EQ(f.share, 0.5);
}

TEST(ForeignCpu, TickRoundingBelowTheLabsOwnIsNone) {
  ForeignCpu f = foreign_cpu_between({100.0, 2.0, 0.0}, {109.98, 12.0, 10.0}, 2);
  EXPECT_DOUBLE_EQ(f.foreign_core_s, 0);
  EXPECT_DOUBLE_EQ(f.share, 0);
}

TEST(ForeignCpu, ASampleNowCountsThisProcess) {
  CpuSample before = take_cpu_sample();
  volatile double x = 0;
  for (int i = 0; i < 20'000'000; ++i) x = x + i * 0.5;  // some CPU of our own
  CpuSample after = take_cpu_sample();
  EXPECT_GT(after.own_s, before.own_s);
  EXPECT_GT(after.machine_busy_s, 0) << "/proc/stat read";
  EXPECT_GE(after.wall_s, before.wall_s);
}

Cell cell_of(const std::vector<double>& totals, Verdict verdict) {
  Cell c;
  c.result.delay_s = 1;
  c.totals = totals;
  c.stats = repeat_stats(totals);
  c.verdict = c.expected = verdict;
  return c;
}

TEST(CellText, OneRunReadsAsItAlwaysDid) {
  EXPECT_EQ(cell_text(cell_of({1.004}, Verdict::kFast)), "1.004 s  1.00x  fast ✓");
}

TEST(CellText, SeveralRunsShowTheMedianWithItsMinMaxAndTheUnstableMarker) {
  EXPECT_EQ(cell_text(cell_of({1.010, 1.001, 1.003}, Verdict::kFast)), "1.003 s (1.001-1.010)  1.00x  fast ✓");
  EXPECT_EQ(cell_text(cell_of({1.0, 1.3, 1.1}, Verdict::kFast)), "1.100 s (1.000-1.300) ⚠  1.10x  fast ✓");
}

TEST(Tables, AnUnstableCellGetsAWarningLineNamingItsFigures) {
  LabResult r;
  r.n = 10;
  r.delay_s = 1;
  r.repeat = 3;
  Cell fast = cell_of({1.0, 1.3, 1.1}, Verdict::kFast);
  fast.stage = 1;
  fast.runtime = Runtime::kPy27;
  Cell slow = cell_of({10.0, 10.1, 10.2}, Verdict::kSlow);
  slow.stage = 1;
  slow.runtime = Runtime::kPy37;
  r.cells = {fast, slow};
  std::string out = render_tables(r);
  EXPECT_NE(out.find("the median total of 3 runs"), std::string::npos) << out;
  EXPECT_NE(out.find("⚠ unstable: stage 1 uv-nonblocking py27: median 1.100 s, runs 1.000-1.300 s, "
                     "spread 27.3 % > 10 %"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("⚠ unstable: stage 1 uv-nonblocking py37"), std::string::npos) << out;
}

}  // namespace
}  // namespace slowfast::lab
