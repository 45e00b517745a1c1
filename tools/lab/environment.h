// What a result was measured on: written beside every results table.
#pragma once
#include <map>
#include <string>

namespace slowfast::lab {

// compiler, openssl, libuv, cpp-httplib, cpu, cores, kernel, os, date (UTC).
std::map<std::string, std::string> capture_environment();

}  // namespace slowfast::lab
