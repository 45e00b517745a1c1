// Exercise 5: the pool is a loop too. The attendee predicts, before running anything,
// the total time of a few runs of the uv-threadpool client (and one of uv-nonblocking
// for contrast) in predictions.txt; the validator runs each one against the lab's server
// and compares. Each measurement is first held against the model, ceil(n / threads) x
// delay: when the two disagree the machine, not the prediction, is what failed.
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "exercise/exercises.h"

namespace slowfast::exercise {
namespace {

struct Case {
  std::string variant;
  int n;
  int threads;
  double delay;

  // The model the exercise teaches: a pool of `threads` runs its blocking calls
  // `threads` at a time; a loop that never blocks runs them all at once.
  double model() const {
    if (variant != "uv-threadpool") return delay;
    return std::ceil(static_cast<double>(n) / threads) * delay;
  }
  std::string model_text() const {
    if (variant != "uv-threadpool") return fmt::format("one delay, {}", secs(model()));
    return fmt::format("ceil({}/{}) x {:g} = {}", n, threads, delay, secs(model()));
  }
  std::string what() const {
    return fmt::format("{}, {} x /delay/{:g}, UV_THREADPOOL_SIZE={}: the total time", variant, n, delay, threads);
  }
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"uv-threadpool", 3, 4, 0.5},   // fewer requests than threads
      {"uv-threadpool", 8, 4, 0.5},   // exactly two rounds
      {"uv-threadpool", 9, 4, 0.5},   // one more than a multiple: a whole extra round
      {"uv-threadpool", 20, 8, 0.3},  // a bigger pool, still smaller than n
      {"uv-nonblocking", 12, 4, 0.5}, // no pool in the way
  };
  return all;
}

// A prediction, and a measurement against the model, pass within 20 % or 0.15 s,
// whichever is wider. A run's overhead over its delays (process start, TLS handshakes)
// measured 10-20 ms on a 2-core machine shared with a CI run: 0.15 s absorbs more load
// and is half of 0.3 s, the smallest step between two different answers here.
double band(double seconds) { return std::max(0.2 * seconds, 0.15); }

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// One line's `key=value` words. A line that is not all key=value has no "variant".
std::map<std::string, std::string> fields_of(const std::string& line) {
  std::map<std::string, std::string> f;
  std::istringstream words(line);
  for (std::string w; words >> w;) {
    auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0) return {};
    f[w.substr(0, eq)] = w.substr(eq + 1);
  }
  return f;
}

std::optional<double> number(const std::string& text) {
  std::string t = text;
  if (!t.empty() && t.back() == 's') t.pop_back();
  try {
    size_t used = 0;
    double d = std::stod(t, &used);
    if (used == t.size() && std::isfinite(d) && d >= 0) return d;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

bool same_case(const std::map<std::string, std::string>& f, const Case& c) {
  auto get = [&](const char* k) { return f.count(k) ? f.at(k) : std::string(); };
  std::optional<double> n = number(get("n")), threads = number(get("threads")), delay = number(get("delay"));
  return get("variant") == c.variant && n && *n == c.n && threads && *threads == c.threads && delay &&
         std::abs(*delay - c.delay) < 1e-9;
}

}  // namespace

// predictions.txt: one line per case, `variant=V n=N threads=T delay=D total=S`; #
// starts a comment. Read from the directory given with --modules when it holds one
// (a test's wrong answers), else from what `make check-e5` copied.
void validate_pool(Validation& v) {
  std::filesystem::path file = v.attendee_dir() / "predictions.txt";
  if (!std::filesystem::exists(file)) file = v.built() / "predictions.txt";
  std::ifstream in(file);
  if (!in) {
    v.check(false, "the predictions file", "cannot read " + file.string());
    return;
  }
  std::vector<std::map<std::string, std::string>> lines;
  for (std::string line; std::getline(in, line);) {
    line = trim(line.substr(0, line.find('#')));
    if (!line.empty()) lines.push_back(fields_of(line));
  }
  // The uv-nonblocking run gets an empty module path: a host's installed blocking_tls
  // must not make the contrast slow.
  const std::string empty_env = v.environment({}, /*with_attendee=*/false).string();
  for (const Case& c : cases()) {
    const std::map<std::string, std::string>* given = nullptr;
    for (const auto& f : lines)
      if (same_case(f, c)) given = &f;
    if (!given) {
      v.check(false, c.what(),
              fmt::format("no line `variant={} n={} threads={} delay={:g} total=...` in predictions.txt", c.variant,
                          c.n, c.threads, c.delay));
      continue;
    }
    std::string total = given->count("total") ? given->at("total") : "";
    if (total.empty() || total == "?") {
      v.check(false, c.what(), "no prediction yet: replace the ? with your total in seconds");
      continue;
    }
    std::optional<double> predicted = number(total);
    if (!predicted) {
      v.check(false, c.what(), fmt::format("total={} is not a number of seconds", total));
      continue;
    }
    Fetch f = v.fetch({"--variant", c.variant, "--url", v.url(fmt::format("/delay/{:g}", c.delay)), "-n",
                       std::to_string(c.n), "--modules", empty_env},
                      20, {fmt::format("UV_THREADPOOL_SIZE={}", c.threads)});
    if (!ran(v, f, c.what())) continue;
    const double measured = f.run.value("total_s", 0.0);
    const int valid = f.run.value("valid", 0);
    if (valid != c.n) {
      v.check(false, c.what(),
              fmt::format("only {} of {} requests valid in the run, measured {}: the lab's server or this machine "
                          "is in trouble, not your prediction; ran: {}",
                          valid, c.n, secs(measured), f.command));
    } else if (std::abs(measured - c.model()) > band(c.model())) {
      v.check(false, c.what(),
              fmt::format("predicted {}, measured {}, but the model says {}: this machine is too loaded to "
                          "measure the pool, not a verdict on your prediction - run the check again when it is "
                          "quieter",
                          secs(*predicted), secs(measured), c.model_text()));
    } else {
      v.check(std::abs(*predicted - measured) <= band(measured), c.what(),
              fmt::format("predicted {}, measured {}; the bar is within {}; the model: {}", secs(*predicted),
                          secs(measured), secs(band(measured)), c.model_text()));
    }
  }
}

}  // namespace slowfast::exercise
