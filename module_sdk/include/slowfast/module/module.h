// The module entry point: one C symbol returning a versioned description. The loader
// reads abi_version first and touches nothing else when it differs, so a module built
// against another ABI is refused with a clear line instead of crashing.
#pragma once
#include <cstdint>

#include "slowfast/module/probe.h"
#include "slowfast/module/socket_registry.h"

// Bump on any change to SlowfastModuleInfo, SocketRegistry, SocketArgs, WaitTarget,
// WaitForSocket, Response, ResponseHook, Threadpool, Socket, IoWait, Task (task.h: host
// and module share coroutine frames, so their promise layouts must agree) or the
// probes' Site, Frame and HostApi (slowfast/module/probe.h).
// 2: install() also receives the host's probe entry points.
// 3: SocketArgs carries the request's deadline and the interrupt fd.
// 4: SocketArgs holds its fd and bounds as a WaitTarget plus the patched wait;
//    SocketRegistry gains patch_wait (the last slot).
// 5: SocketRegistry gains on_response (the last slot): a response hook gets the body
//    and the loop's Threadpool (slowfast/module/threadpool.h).
// module_sdk/abi.txt records the layouts of this version; a unit test compares them.
#define SLOWFAST_MODULE_ABI 5
#define SLOWFAST_MODULE_ENTRY_NAME "slowfast_module_entry"

extern "C" {

struct SlowfastModuleInfo {
  std::uint32_t abi_version;  // SLOWFAST_MODULE_ABI of the build that made the module
  const char* name;           // "coop_shim"
  const char* version;        // "1.2", "1.2+recv_into"
  const char* summary;        // one line for `slowfast modules`: what it changes
  // Called once, before any socket is made. A module cannot see host symbols (it links
  // with --no-undefined): `host` is how its probes reach the host's recorder; pass it to
  // slowfast::probe::install.
  void (*install)(slowfast::SocketRegistry* registry, const slowfast::probe::HostApi* host);
};

using SlowfastModuleEntry = const SlowfastModuleInfo* (*)();
}

// In a module's source: SLOWFAST_MODULE(info) exports the entry point for `info`.
#define SLOWFAST_MODULE(info)                                                         \
  extern "C" __attribute__((visibility("default"))) const SlowfastModuleInfo*         \
  slowfast_module_entry() {                                                           \
    return &(info);                                                                   \
  }
