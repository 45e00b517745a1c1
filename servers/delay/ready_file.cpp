#include "ready_file.h"

#include <regex>

#include "slowfast/files.h"

namespace slowfast::server {

std::string listening_line(const std::string& bind, int https_port, int http_port) {
  std::string host = bind.find(':') != std::string::npos ? "[" + bind + "]" : bind;
  std::string line = "listening";
  if (https_port >= 0) line += " https=" + host + ":" + std::to_string(https_port);
  if (http_port >= 0) line += " http=" + host + ":" + std::to_string(http_port);
  return line;
}

void write_ready_file(const std::filesystem::path& path, const std::string& line) {
  write_file_atomically(path, line + "\n");
}

std::optional<ListeningPorts> parse_ready_file(const std::string& text) {
  static const std::regex ports(R"(https=[^ ]*:(\d+) http=[^ ]*:(\d+))");
  std::smatch m;
  if (!std::regex_search(text, m, ports)) return std::nullopt;
  return ListeningPorts{std::stoi(m[1]), std::stoi(m[2])};
}

}  // namespace slowfast::server
