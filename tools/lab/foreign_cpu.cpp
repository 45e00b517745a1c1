#include "foreign_cpu.h"

#include <cmath>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

namespace slowfast::lab {
namespace {

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; }

double rusage_s(int who) {
  rusage u{};
  getrusage(who, &u);
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

}  // namespace

std::optional<long long> busy_jiffies(const std::string& line) {
  std::istringstream in(line);
  std::string label;
  long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (!(in >> label) || label != "cpu" || !(in >> user >> nice >> system >> idle)) return std::nullopt;
  in >> iowait >> irq >> softirq >> steal;  // older kernels stop earlier: the rest stay 0
  return user + nice + system + irq + softirq + steal;
}

CpuSample take_cpu_sample() {
  CpuSample s;
  std::ifstream stat("/proc/stat");
  std::string line;
  static const long ticks = sysconf(_SC_CLK_TCK);
  if (std::getline(stat, line) && ticks > 0)
    if (auto busy = busy_jiffies(line)) s.machine_busy_s = static_cast<double>(*busy) / ticks;
  s.own_s = rusage_s(RUSAGE_SELF) + rusage_s(RUSAGE_CHILDREN);
  s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  return s;
}

ForeignCpu foreign_cpu_between(const CpuSample& before, const CpuSample& after, int cores) {
  ForeignCpu f;
  f.wall_s = after.wall_s - before.wall_s;
  f.machine_busy_core_s = after.machine_busy_s - before.machine_busy_s;
  f.own_core_s = after.own_s - before.own_s;
  // /proc/stat counts in ticks (10 ms) sampled per core, getrusage in microseconds: on
  // a quiet machine the difference can come out a few ticks below zero, which means none.
  f.foreign_core_s = std::max(0.0, f.machine_busy_core_s - f.own_core_s);
  f.share = f.wall_s > 0 && cores > 0 ? f.foreign_core_s / (f.wall_s * cores) : 0;
  return f;
}

nlohmann::json to_json(const ForeignCpu& f) {
  return {{"core_s", std::round(f.foreign_core_s * 100) / 100},
          {"share", std::round(f.share * 10000) / 10000},
          {"wall_s", std::round(f.wall_s * 10) / 10},
          {"machine_busy_core_s", std::round(f.machine_busy_core_s * 100) / 100},
          {"own_core_s", std::round(f.own_core_s * 100) / 100}};
}

}  // namespace slowfast::lab
