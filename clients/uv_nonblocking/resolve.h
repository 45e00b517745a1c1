// Resolves the URL's host once per run, before the clock starts: every request goes
// to the same address, and a bad host is a set-up error, not N request errors.
#pragma once
#include <sys/socket.h>

#include "core/url.h"

namespace slowfast {

// Throws std::runtime_error("cannot resolve host 'x': ...").
sockaddr_storage resolve(const Url& url);

}  // namespace slowfast
