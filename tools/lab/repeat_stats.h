// A cell run R times: the median of its total times, their min and max, and whether
// their spread is too wide to trust (pyperf's "unstable" warning, for the lab's table).
//
// The median, not core/run_stats' nearest-rank p50: with an even count the median is
// the mean of the two middle values ({1,2,3,4} -> 2.5), the figure a reader expects
// under that name; nearest-rank would give 2. With R odd (make labs: 3) the two agree
// and the median is a time that was measured.
#pragma once
#include <vector>

namespace slowfast::lab {

// Relative spread above which a cell is flagged unstable: (max - min) / median > 10 %.
// Relative, because a fast cell is ~1 x delay and a slow one ~N x delay: the same
// absolute jitter means a different thing in each. 10 %, because runs on an idle
// machine differ by 1-3 % (1.01-1.04 x delay in results/stages.md), while a verdict
// would only move at +100 % (fast < 2 x delay) - so the flag says "something else was
// competing" long before a verdict could be wrong.
inline constexpr double kUnstableSpread = 0.10;

struct RepeatStats {
  int count = 0;  // 0: no values (every other field 0)
  double median = 0, min = 0, max = 0;
  double spread = 0;  // (max - min) / median; 0 when the median is 0
  bool unstable = false;  // spread > the bar it was computed with
};

// Throws std::invalid_argument on no values.
double median_of(std::vector<double> values);

RepeatStats repeat_stats(const std::vector<double>& values, double unstable_bar = kUnstableSpread);

}  // namespace slowfast::lab
