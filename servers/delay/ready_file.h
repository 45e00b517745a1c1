// The ready file: once both listeners are open, slowfast-server writes one line,
// "listening https=HOST:PORT http=HOST:PORT", to the path given by --ready-file (and
// prints it). Whoever started the server with port 0 learns the real ports from it.
// The writer and the reader live here together so that the format has one home.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace slowfast::server {

struct ListeningPorts {
  int https = -1;
  int http = -1;
};

// The line for a server bound to `bind` (an IPv6 address is bracketed); a port < 0
// (that listener is off) is left out.
std::string listening_line(const std::string& bind, int https_port, int http_port);

// Writes `line` atomically: a reader polling the file never sees half of it.
void write_ready_file(const std::filesystem::path& path, const std::string& line);

// Both ports from the file's text; nullopt until the line naming both is there.
std::optional<ListeningPorts> parse_ready_file(const std::string& text);

}  // namespace slowfast::server
