#include "repeat_stats.h"

#include <algorithm>
#include <stdexcept>

namespace slowfast::lab {

double median_of(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("median of no values");
  std::sort(values.begin(), values.end());
  size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

RepeatStats repeat_stats(const std::vector<double>& values, double unstable_bar) {
  RepeatStats s;
  if (values.empty()) return s;
  s.count = static_cast<int>(values.size());
  s.median = median_of(values);
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  s.min = *lo;
  s.max = *hi;
  s.spread = s.median > 0 ? (s.max - s.min) / s.median : 0;
  s.unstable = s.spread > unstable_bar;
  return s;
}

}  // namespace slowfast::lab
