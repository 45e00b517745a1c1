#include "environment.h"

#include <sys/utsname.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include <httplib.h>  // for CPPHTTPLIB_VERSION only
#include <openssl/crypto.h>
#include <uv.h>

namespace slowfast::lab {
namespace {

// The value after "key:" or "key=" on the first matching line of a file.
std::string field(const char* file, const std::string& key, char sep) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    size_t at = line.find(sep);
    if (at == std::string::npos) continue;
    std::string v = line.substr(at + 1);
    v.erase(0, v.find_first_not_of(" \t\""));
    while (!v.empty() && (v.back() == '"' || v.back() == ' ')) v.pop_back();
    return v;
  }
  return "unknown";
}

std::string compiler() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("g++ ") + __VERSION__;
#else
  return "unknown";
#endif
}

// The first line `command` prints, "" when it fails or prints nothing.
std::string first_line_of(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return "";
  char buf[256] = {};
  std::string line = fgets(buf, sizeof buf, pipe) ? buf : "";
  if (pclose(pipe) != 0) return "";
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

std::string git_commit(const std::filesystem::path& dir) {
  std::string git = "git -C '" + dir.string() + "' ";
  std::string commit = first_line_of(git + "rev-parse HEAD 2>/dev/null");
  if (commit.empty()) return "unknown";
  // A run from a tree with uncommitted changes is not quite that commit: say so. Not
  // results/, which every `make labs` rewrites: that would make each second run "dirty".
  if (!first_line_of(git + "status --porcelain --untracked-files=no -- ':(top)' ':(top,exclude)results' 2>/dev/null")
           .empty())
    commit += "+dirty";
  return commit;
}

std::string get(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? "unknown" : it->second;
}

}  // namespace

std::string environment_line(const std::map<std::string, std::string>& e) {
  std::string commit = get(e, "git_commit");
  size_t hex = commit.find_first_not_of("0123456789abcdef");  // "+dirty" or the end
  if (hex == std::string::npos) hex = commit.size();
  if (hex > 12) commit = commit.substr(0, 12) + commit.substr(hex);
  return fmt::format("{}, {} cores, {}, {}, {}, libuv {}, cpp-httplib {}, commit {}", get(e, "cpu"),
                     get(e, "cores"), get(e, "kernel"), get(e, "compiler"), get(e, "openssl"),
                     get(e, "libuv"), get(e, "cpp-httplib"), commit);
}

std::map<std::string, std::string> capture_environment(const std::filesystem::path& source_dir) {
  utsname u{};
  uname(&u);
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return {
      {"compiler", compiler()},
      {"openssl", OpenSSL_version(OPENSSL_VERSION)},
      {"libuv", uv_version_string()},
      {"cpp-httplib", CPPHTTPLIB_VERSION},
      {"cpu", field("/proc/cpuinfo", "model name", ':')},
      {"cores", std::to_string(std::thread::hardware_concurrency())},
      {"kernel", std::string(u.sysname) + " " + u.release + " " + u.machine},
      {"os", field("/etc/os-release", "PRETTY_NAME", '=')},
      {"date", date},
      {"git_commit", git_commit(source_dir)},
  };
}

}  // namespace slowfast::lab
