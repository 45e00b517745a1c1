// The module entry point: one C symbol returning a versioned description. The loader
// reads abi_version first and touches nothing else when it differs, so a module built
// against another ABI is refused with a clear line instead of crashing.
#pragma once
#include <cstdint>

#include "uv_nonblocking/socket_registry.h"

// Bump on any change to SlowfastModuleInfo, SocketRegistry, SocketArgs, Socket, IoWait or
// Task (task.h): host and module share coroutine frames, so their promise layouts must agree.
#define SLOWFAST_MODULE_ABI 1
#define SLOWFAST_MODULE_ENTRY_NAME "slowfast_module_entry"

extern "C" {

struct SlowfastModuleInfo {
  std::uint32_t abi_version;  // SLOWFAST_MODULE_ABI of the build that made the module
  const char* name;           // "coop_shim"
  const char* version;        // "1.3"
  const char* summary;        // one line for `slowfast modules`: what it changes
  void (*install)(slowfast::SocketRegistry* registry);
};

using SlowfastModuleEntry = const SlowfastModuleInfo* (*)();
}

// In a module's source: SLOWFAST_MODULE(info) exports the entry point for `info`.
#define SLOWFAST_MODULE(info)                                                         \
  extern "C" __attribute__((visibility("default"))) const SlowfastModuleInfo*         \
  slowfast_module_entry() {                                                           \
    return &(info);                                                                   \
  }
