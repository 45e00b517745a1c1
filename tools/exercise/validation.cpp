#include "exercise/validation.h"

#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "lab/server_child.h"
#include "slowfast/child_process.h"
#include "slowfast/files.h"
#include "slowfast/lab_certs.h"

namespace slowfast::exercise {
namespace fs = std::filesystem;

std::string secs(double s) { return fmt::format("{:.2f} s", s); }

std::string Fetch::why_not() const {
  if (hung) return "still running at its time limit: killed (a hang?)";
  if (exit_code > 128) return fmt::format("ended by signal {} (a crash?)", exit_code - 128);
  return fmt::format("exit {} without a result", exit_code);
}

Validation::Validation(fs::path build_dir, fs::path attendee_modules)
    : build_dir_(std::move(build_dir)), attendee_modules_(std::move(attendee_modules)) {
  server_ = std::make_unique<lab::ServerChild>(build_dir_ / "bin" / "slowfast-server", default_lab_certs_dir());
}

Validation::~Validation() = default;

fs::path Validation::environment(const std::vector<std::string>& from_store, bool with_attendee) {
  fs::path dir = scratch_ / fmt::format("env-{}", ++runs_);
  fs::create_directories(dir);
  for (const std::string& id : from_store) {
    fs::path file = build_dir_ / "modules" / (id + ".so");
    if (!fs::exists(file)) throw std::runtime_error("missing " + file.string() + ": run make build");
    fs::create_symlink(file, dir / file.filename());
  }
  if (with_attendee)
    for (const fs::directory_entry& e : fs::directory_iterator(attendee_modules_))
      if (e.path().extension() == ".so") fs::create_symlink(fs::absolute(e.path()), dir / e.path().filename());
  return dir;
}

std::string Validation::url(const std::string& path) const {
  return fmt::format("https://127.0.0.1:{}{}", server_->https_port(), path);
}

std::string Validation::url_other_ca(const std::string& path) {
  if (!other_ca_server_)  // its certs directory is empty: the server makes a new lab CA there
    other_ca_server_ =
        std::make_unique<lab::ServerChild>(build_dir_ / "bin" / "slowfast-server", scratch_ / "other-ca");
  return fmt::format("https://127.0.0.1:{}{}", other_ca_server_->https_port(), path);
}

Fetch Validation::fetch(const std::vector<std::string>& args, double limit_s, const std::vector<std::string>& env) {
  const int k = ++runs_;
  fs::path json = scratch_ / fmt::format("run-{}.json", k);
  fs::path out = scratch_ / fmt::format("run-{}.out", k);
  std::vector<std::string> argv = {(build_dir_ / "bin" / "slowfast").string(), "fetch"};
  argv.insert(argv.end(), args.begin(), args.end());
  Fetch f;
  f.command = "slowfast fetch " + fmt::format("{}", fmt::join(args, " "));
  argv.insert(argv.end(), {"--json", json.string()});
  std::optional<std::vector<std::string>> environment;
  if (!env.empty()) {
    environment.emplace();
    for (char** e = environ; *e; ++e) environment->push_back(*e);
    environment->insert(environment->end(), env.begin(), env.end());
    f.command = fmt::format("{} {}", fmt::join(env, " "), f.command);
  }
  ChildProcess child(argv, ChildOptions{out.string(), out.string(), environment});
  std::optional<int> rc = child.wait(ChildProcess::Seconds(limit_s));
  if (!rc) {
    f.hung = true;
    child.kill_and_reap();
  } else {
    f.exit_code = *rc;
  }
  f.output = read_file(out);
  std::string text = read_file(json);
  if (!f.hung && !text.empty()) f.run = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (f.run.is_discarded()) f.run = nullptr;
  return f;
}

void Validation::check(bool ok, const std::string& what, const std::string& figures) {
  (ok ? passed_ : failed_)++;
  std::cout << fmt::format("  {:<4} {}  ({})\n", ok ? "ok" : "FAIL", what, figures) << std::flush;
}

int Validation::finish() {
  int total = passed_ + failed_;
  if (failed_ == 0) {
    std::cout << fmt::format("Validation successful: {} of {} checks\n", passed_, total);
    return 0;
  }
  std::cout << fmt::format("Validation failed: {} of {} checks failed\n", failed_, total);
  return 1;
}

}  // namespace slowfast::exercise
