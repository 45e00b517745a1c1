#include "uv_nonblocking/http_reader.h"

#include <array>

#include "core/response_parser.h"

namespace slowfast {

namespace {
// http.client's and httplib's default read size.
constexpr std::size_t kReadSize = 8192;
}  // namespace

Task<HttpResponse> read_response(Socket& socket, Runtime runtime, std::function<void()> on_first_bytes) {
  ResponseParser parser;
  std::array<char, kReadSize> buffer;  // py37's own buffer (readinto)
  while (!parser.complete()) {
    std::string chunk;  // py27's new buffer per recv
    std::string_view data;
    if (runtime == Runtime::kPy27) {
      chunk = co_await socket.recv(kReadSize);
      data = chunk;
    } else {
      std::size_t n = co_await socket.recv_into(buffer);
      data = std::string_view(buffer.data(), n);
    }
    if (data.empty()) {
      parser.feed_eof();
      break;
    }
    if (on_first_bytes) std::exchange(on_first_bytes, {})();
    parser.feed(data);
  }
  co_return HttpResponse{parser.status(), parser.body()};
}

std::string build_get(const std::string& target, const std::string& host_header) {
  return "GET " + target + " HTTP/1.1\r\n" + "Host: " + host_header + "\r\n" +
         "User-Agent: slowfast/0.1\r\n"
         "Accept: */*\r\n"
         "Connection: close\r\n\r\n";
}

}  // namespace slowfast
