// The `grequests` analogue: one libuv loop, one coroutine per request, each with its
// own connection. Concurrent as long as every wait goes through the loop - which the
// installed modules may quietly change.
#pragma once
#include "core/run_types.h"
#include "uv_nonblocking/socket_factory.h"

namespace slowfast {

// Runs spec.n requests; `factory` decides the TLS socket class. Per-request failures
// land in the records; set-up failures (address, CA file) throw std::runtime_error.
RunResult run_uv_nonblocking(const RunSpec& spec, const SocketFactory& factory);

}  // namespace slowfast
