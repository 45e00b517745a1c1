#include "uv_nonblocking/resolve.h"

#include <netdb.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace slowfast {

sockaddr_storage resolve(const Url& url) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(url.port);
  int rc = getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) throw std::runtime_error("cannot resolve host '" + url.host + "': " + gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(found, &freeaddrinfo);
  sockaddr_storage addr{};
  std::memcpy(&addr, found->ai_addr, found->ai_addrlen);
  return addr;
}

}  // namespace slowfast
