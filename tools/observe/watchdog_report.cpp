#include "watchdog_report.h"

#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace slowfast {
namespace {

double share(const WatchdogReport& w, double wall_s) { return wall_s > 0 ? 100 * w.total_blocked_s() / wall_s : 0; }

std::string most_common_culprit(const WatchdogReport& w) {
  std::map<std::string, int> count;
  for (const Stall& s : w.stalls) ++count[s.culprit];
  std::string best;
  int most = 0;
  for (const auto& [culprit, k] : count)
    if (k > most) best = culprit, most = k;
  return best;
}

// The frames a report line shows; the JSON has them all.
constexpr std::size_t kShownFrames = 8;

// A library's nameless frames ("? [libcrypto]": static functions of a stripped library)
// are folded into the named frame of the same library that follows them, which says
// how many it stands for: "BIO_read [libcrypto] (+3)". So the line's frames reach the
// code that called into the library - the module, the attendee's function.
std::vector<std::string> folded(const std::vector<std::string>& stack) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < stack.size()) {
    const std::string& frame = stack[i];
    if (frame.rfind("? ", 0) != 0) {
      out.push_back(frame);
      ++i;
      continue;
    }
    const std::string object = frame.substr(2);  // "[libcrypto]"
    std::size_t j = i;
    while (j < stack.size() && stack[j] == frame) ++j;
    const std::size_t nameless = j - i;
    bool named_follows = j < stack.size() && stack[j].size() > object.size() &&
                         stack[j].compare(stack[j].size() - object.size(), object.size(), object) == 0;
    if (named_follows) {
      out.push_back(fmt::format("{} (+{})", stack[j], nameless));
      i = j + 1;
    } else {
      out.push_back(nameless == 1 ? frame : fmt::format("{} (x{})", frame, nameless));
      i = j;
    }
  }
  return out;
}

// "stack: poll [libc] <- wait_for_socket [blocking_tls] <- ... (12 more)", or "stack: same
// as stall 1" when an earlier stall's was the same, so that a run of one repeated stall
// reads as a list again after the first.
std::string stack_line(const WatchdogReport& w, std::size_t i) {
  const std::vector<std::string>& stack = w.stalls[i].stack;
  if (stack.empty()) return "stack: not sampled (the loop thread did not answer in time)";
  for (std::size_t j = 0; j < i; ++j)
    if (w.stalls[j].stack == stack) return fmt::format("stack: same as stall {}", j + 1);
  const std::vector<std::string> frames = folded(stack);
  std::string out = "stack: " + frames[0];
  for (std::size_t k = 1; k < frames.size() && k < kShownFrames; ++k) out += " <- " + frames[k];
  if (frames.size() > kShownFrames) out += fmt::format(" <- ... ({} more)", frames.size() - kShownFrames);
  return out;
}

}  // namespace

std::string render_watchdog(const WatchdogReport& w, double wall_s) {
  std::string out = fmt::format("Loop-stall watchdog (threshold {:g} ms): ", w.threshold_s * 1000);
  if (w.stalls.empty())
    return out + fmt::format("no stall; the loop never went {:g} ms without progress\n", w.threshold_s * 1000);
  out += fmt::format("{} stall{}\n", w.stalls.size(), w.stalls.size() == 1 ? "" : "s");
  for (size_t i = 0; i < w.stalls.size(); ++i) {
    const Stall& s = w.stalls[i];
    std::string page = s.page >= 0 ? fmt::format("page {}", s.page) : "no page";
    out += fmt::format("  stall {:>3}: {:.3f} s blocked from {:.3f} s, {}, in {}\n", i + 1, s.length_s,
                       s.start_s, page, s.culprit);
    out += fmt::format("{:13}{}\n", "", stack_line(w, i));
  }
  out += fmt::format("Summary: {} stall{}, {:.3f} s blocked in all, longest {:.3f} s, loop blocked {:.1f} % of the "
                     "run's {:.3f} s\n",
                     w.stalls.size(), w.stalls.size() == 1 ? "" : "s", w.total_blocked_s(), w.longest_s(), share(w, wall_s), wall_s);
  return out;
}

std::string stall_summary(const WatchdogReport& w, double wall_s) {
  if (!w.enabled) return "-";
  if (w.stalls.empty()) return "no stall";
  return fmt::format("{} stall{}, {:.2f} s blocked ({:.0f} %), longest {:.3f} s, in {}", w.stalls.size(),
                     w.stalls.size() == 1 ? "" : "s", w.total_blocked_s(), share(w, wall_s), w.longest_s(),
                     most_common_culprit(w));
}

}  // namespace slowfast
