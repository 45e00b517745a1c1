// The probes' recorder: call paths, times, the thread it records, the culprit text.
#include "core/probe_recorder.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace slowfast::probe {
namespace {

constexpr Site kOuter{"test", "Outer::call"};
constexpr Site kInner{"test_module", "inner"};

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

const ProfileRow* find(const std::vector<ProfileRow>& rows, std::vector<std::string> path) {
  for (const ProfileRow& r : rows)
    if (r.path == path) return &r;
  return nullptr;
}

TEST(ProbeRecorder, ProbesAreOffUntilARecorderStarts) {
  EXPECT_FALSE(active());
  {
    Recorder r;
    r.start();
    EXPECT_TRUE(active());
    r.stop();
  }
  EXPECT_FALSE(active());
}

TEST(ProbeRecorder, NestedScopesGiveCallPathsWithCumulativeAndOwnTime) {
  Recorder rec;
  rec.start();
  for (int i = 0; i < 2; ++i) {
    Scope outer(kOuter);
    sleep_ms(5);
    Scope inner(kInner);
    sleep_ms(20);
  }
  rec.stop();
  auto rows = rec.rows();
  ASSERT_EQ(rows.size(), 2u);
  const ProfileRow* outer = find(rows, {"Outer::call"});
  const ProfileRow* inner = find(rows, {"Outer::call", "inner"});
  ASSERT_TRUE(outer && inner);
  EXPECT_EQ(&rows[0], outer) << "sorted by cumulative time";
  EXPECT_EQ(outer->ncalls, 2);
  EXPECT_EQ(inner->ncalls, 2);
  EXPECT_EQ(inner->module, "test_module");
  EXPECT_GE(inner->cumtime_s, 0.040);
  EXPECT_DOUBLE_EQ(inner->tottime_s, inner->cumtime_s);  // a leaf
  EXPECT_GE(outer->cumtime_s, inner->cumtime_s + 0.010);
  EXPECT_NEAR(outer->tottime_s, outer->cumtime_s - inner->cumtime_s, 1e-9);
}

TEST(ProbeRecorder, OnlyTheRecordingThreadIsRecorded) {
  Recorder rec;
  rec.start();
  std::thread other([] { Scope s(kOuter); });
  other.join();
  rec.stop();
  EXPECT_TRUE(rec.rows().empty());
}

TEST(ProbeRecorder, PublishesTheInnermostProbeAndPageAsTheCulprit) {
  Recorder rec;
  rec.start();
  rec.dispatch(6);
  std::int32_t seen = 0;
  {
    Scope outer(kOuter);
    Scope inner(kInner);
    seen = rec.current_node();
  }
  EXPECT_EQ(rec.current_node(), 0) << "back at the root";
  EXPECT_EQ(rec.current_page(), 6);
  rec.stop();
  EXPECT_EQ(rec.culprit(seen), "test_module: Outer::call -> inner");
  EXPECT_EQ(rec.culprit(0), "(no probe active)");
}

TEST(ProbeRecorder, ChildTimeIsBookedUnderItsParent) {
  Recorder rec;
  rec.start();
  {
    Scope outer(kOuter);
    sleep_ms(10);
  }
  rec.stop();
  rec.add_child_time(kOuter, kInner, 3, 4'000'000);
  auto rows = rec.rows();
  const ProfileRow* inner = find(rows, {"Outer::call", "inner"});
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->ncalls, 3);
  EXPECT_NEAR(inner->cumtime_s, 0.004, 1e-9);
}

}  // namespace
}  // namespace slowfast::probe
