#include "environment.h"

#include <sys/utsname.h>

#include <ctime>
#include <fstream>
#include <thread>

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

}  // namespace

std::map<std::string, std::string> capture_environment() {
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
      {"kernel", std::string(u.sysname) + " " + u.release},
      {"os", field("/etc/os-release", "PRETTY_NAME", '=')},
      {"date", date},
  };
}

}  // namespace slowfast::lab
