#include "profile_table.h"

#include <fmt/format.h>

namespace slowfast {

std::string path_text(const ProfileRow& row) { return fmt::format("{}", fmt::join(row.path, " -> ")); }

std::string render_profile(const std::vector<ProfileRow>& rows, double wall_s, size_t max_rows) {
  std::string out = fmt::format(
      "Profile of the loop thread: {} call paths, {:.3f} s wall; ordered by: cumulative time\n\n"
      "{:>8} {:>8} {:>8} {:>8} {:>8}  {}\n",
      rows.size(), wall_s, "ncalls", "tottime", "percall", "cumtime", "percall", "caller -> callee  [module]");
  size_t shown = std::min(rows.size(), max_rows);
  for (size_t i = 0; i < shown; ++i) {
    const ProfileRow& r = rows[i];
    double n = r.ncalls > 0 ? static_cast<double>(r.ncalls) : 1;
    out += fmt::format("{:>8} {:>8.3f} {:>8.3f} {:>8.3f} {:>8.3f}  {}  [{}]\n", r.ncalls, r.tottime_s,
                       r.tottime_s / n, r.cumtime_s, r.cumtime_s / n, path_text(r), r.module);
  }
  if (rows.size() > shown) out += fmt::format("({} more paths with less cumulative time)\n", rows.size() - shown);
  return out;
}

}  // namespace slowfast
