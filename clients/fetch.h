// run_fetch: one run of `slowfast fetch` - the chosen variant over the installed
// modules, summarised (valid/invalid pages, verdict). The CLI and the tests call it.
#pragma once
#include "core/run_types.h"
#include "uv_nonblocking/socket_factory.h"

namespace slowfast {

// Per-request failures land in the records; set-up failures (CA file, host) throw
// std::runtime_error. Modules only matter to uv-nonblocking: the httplib variants
// have their own TLS code, as `requests` without gevent has.
RunResult run_fetch(const RunSpec& spec, const SocketFactory& factory);

}  // namespace slowfast
