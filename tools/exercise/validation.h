// What every exercise validator does: start the lab's delay server, build a module
// path from the attendee's module files and modules of build/modules, run
// `slowfast fetch --json` against the server as a child process (so that a crash or a
// hang in the attendee's code is a failed check, not a dead validator), and print one
// line per check, then "Validation successful" or "Validation failed".
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "slowfast/temp_dir.h"

namespace slowfast::lab {
class ServerChild;
}

namespace slowfast::exercise {

// One `slowfast fetch` run.
struct Fetch {
  std::string command;  // as a shell would show it, for the failure lines
  int exit_code = -1;   // 128 + N when signal N ended it; -1 when it was killed as hung
  bool hung = false;    // still running at the limit: killed
  nlohmann::json run;   // the --json document; null when none was written
  std::string output;   // its stdout and stderr

  bool finished() const { return !hung && run.is_object(); }
  // "killed after 20 s", "exit 139 (signal 11)" ... for a run that wrote no JSON.
  std::string why_not() const;
};

class Validation {
 public:
  // `attendee_modules`: the directory the attendee's build wrote (every *.so in it).
  Validation(std::filesystem::path build_dir, std::filesystem::path attendee_modules);
  ~Validation();
  Validation(const Validation&) = delete;
  Validation& operator=(const Validation&) = delete;

  // A module path holding `from_store` (ids of build/modules files, "blocking_tls-1.0")
  // and, when `with_attendee`, every module file the attendee built.
  std::filesystem::path environment(const std::vector<std::string>& from_store, bool with_attendee = true);
  // What the exercise's target wrote: build/exercises/eN[-solution] (the modules folder's
  // parent), for an exercise whose answer is files, not a module (exercise 7).
  std::filesystem::path built() const { return attendee_modules_.parent_path(); }
  // The attendee's directory itself: build/exercises/eN[-solution]/modules, or --modules DIR.
  const std::filesystem::path& attendee_dir() const { return attendee_modules_; }
  // https://127.0.0.1:<port><path> on the lab's server.
  std::string url(const std::string& path) const;
  // The same path on a second server whose certificate comes from another CA (a fresh
  // lab CA in the scratch directory), started on first use: verification must refuse it.
  std::string url_other_ca(const std::string& path);
  // `slowfast fetch <args> --json F`, killed after `limit_s`; `env` ("K=V") added to
  // this process's environment.
  Fetch fetch(const std::vector<std::string>& args, double limit_s, const std::vector<std::string>& env = {});

  // One line: "  ok   what  (figures)" or "  FAIL what  (figures)".
  void check(bool ok, const std::string& what, const std::string& figures);
  // "Validation successful: ..." or "Validation failed: ..."; the exit code (0 or 1).
  int finish();

 private:
  std::filesystem::path build_dir_;
  std::filesystem::path attendee_modules_;
  TempDir scratch_{"exercise"};
  std::unique_ptr<lab::ServerChild> server_;
  std::unique_ptr<lab::ServerChild> other_ca_server_;
  int runs_ = 0, passed_ = 0, failed_ = 0;
};

// Seconds as "0.52 s".
std::string secs(double s);

}  // namespace slowfast::exercise
