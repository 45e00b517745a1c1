// This image's probe dispatch. Compiled into the host and, separately, into every
// module (slowfast_probe is a PIC static library; modules hide its symbols), so each
// image keeps its own pointer to the host's entry points.
#include "slowfast/module/probe.h"

namespace slowfast::probe {

namespace detail {
namespace {
// Never set: the flag a probe reads before install(), so the fast path needs no null check.
constinit const std::atomic<unsigned> kNeverActive{0};
}  // namespace

constinit const std::atomic<unsigned>* g_active = &kNeverActive;
constinit const HostApi* g_api = nullptr;
}  // namespace detail

void install(const HostApi* api) noexcept {
  if (!api || api->size < sizeof(HostApi)) return;
  detail::g_api = api;
  detail::g_active = api->active;
}

}  // namespace slowfast::probe
