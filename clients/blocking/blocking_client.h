// The `requests` analogue: one request after another through cpp-httplib, a new
// connection each time. Slow by construction: about N x delay.
#pragma once
#include "core/run_types.h"

namespace slowfast {

RunResult run_blocking(const RunSpec& spec);

}  // namespace slowfast
