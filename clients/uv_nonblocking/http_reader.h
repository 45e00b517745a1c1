// The HTTP response reader of the two runtimes. The only difference between them is
// the call that reads: py27 (Python 2.7's httplib) calls recv(n) and gets a new buffer;
// py37 (Python 3.7's http.client, socket.readinto) calls recv_into(its own buffer).
// Which of the socket's methods is cooperative then decides fast or slow.
#pragma once
#include <functional>
#include <string>

#include "core/run_types.h"
#include "slowfast/module/socket.h"

namespace slowfast {

struct HttpResponse {
  int status = 0;
  std::string body;
};

// Reads one response from `socket`. `on_first_bytes` runs once, when the first bytes
// arrive. Throws std::runtime_error on a malformed or truncated response.
Task<HttpResponse> read_response(Socket& socket, Runtime runtime, std::function<void()> on_first_bytes = {});

// "GET {target} HTTP/1.1" with Host, and Connection: close (one request per connection,
// like every request of the story's clients).
std::string build_get(const std::string& target, const std::string& host_header);

}  // namespace slowfast
