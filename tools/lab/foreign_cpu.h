// The "foreign CPU" of a lab run: the machine's CPU time that the lab's own processes
// (this one, every thread, and its waited-for children - the delay server) did not use
// while it ran. Near 0 on a quiet machine; a few core-seconds when another job (a build,
// a second test run) competed for the cores and could have stretched the times.
#pragma once
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace slowfast::lab {

struct CpuSample {
  double machine_busy_s = 0;  // /proc/stat's busy time over every core, in core-seconds
  double own_s = 0;           // getrusage: this process + its waited-for children, user + system
  double wall_s = 0;          // a monotonic clock
};

struct ForeignCpu {
  double wall_s = 0;
  double machine_busy_core_s = 0;
  double own_core_s = 0;
  double foreign_core_s = 0;  // machine_busy - own, never below 0 (see foreign_cpu_between)
  double share = 0;           // foreign_core_s / (wall_s x cores): the machine's capacity taken
};

// Busy jiffies from /proc/stat's aggregate "cpu ..." line: user, nice, system, irq,
// softirq and steal (a hypervisor running someone else is competition too); idle and
// iowait are not busy, guest and guest_nice are already inside user and nice. nullopt
// when the line is not one.
std::optional<long long> busy_jiffies(const std::string& proc_stat_cpu_line);

// Now. machine_busy_s is 0 when /proc/stat cannot be read.
CpuSample take_cpu_sample();

ForeignCpu foreign_cpu_between(const CpuSample& before, const CpuSample& after, int cores);

// {"core_s", "share", "wall_s", "machine_busy_core_s", "own_core_s"}, rounded: the
// "foreign_cpu" of a JSON's "environment".
nlohmann::json to_json(const ForeignCpu& f);

}  // namespace slowfast::lab
