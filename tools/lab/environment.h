// What a result was measured on: written beside every results table (stages.md's
// header, environment.md, stages.json). The machine's environment - not a stage's
// module environment, which is stage_env.h.
#pragma once
#include <filesystem>
#include <map>
#include <string>

namespace slowfast::lab {

// compiler (from its macros, at build time), openssl (OpenSSL_version), libuv
// (uv_version_string), cpp-httplib (CPPHTTPLIB_VERSION), cpu, cores, kernel (uname),
// os, date (UTC, ISO 8601) and git_commit: the checkout `source_dir` is in, asked at
// run time (a build-time commit goes stale with every commit made without
// reconfiguring), "+dirty" when it has uncommitted changes, "unknown" without git.
std::map<std::string, std::string> capture_environment(const std::filesystem::path& source_dir);

// The short form for a table's header: "AMD EPYC, 2 cores, Linux 6.1 x86_64, g++ 12.2.0,
// OpenSSL 3.0.19, libuv 1.44.2, cpp-httplib 0.11.4, commit 266ec76".
std::string environment_line(const std::map<std::string, std::string>& environment);

}  // namespace slowfast::lab
