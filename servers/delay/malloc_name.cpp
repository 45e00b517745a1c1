#include "malloc_name.h"

#include <cstdlib>

#include <fmt/format.h>

#ifdef SLOWFAST_WITH_MIMALLOC
#include <mimalloc.h>
#endif

namespace slowfast::server {

std::string malloc_name() {
#ifdef SLOWFAST_WITH_MIMALLOC
  // Linked is not the same as serving malloc: ask mimalloc whether the C library's
  // allocation functions hand out its memory.
  void* probe = std::calloc(1, 64);  // calloc: GCC reads a const void* as a read of it
  const bool served = mi_is_in_heap_region(probe);
  std::free(probe);
  const int v = mi_version();  // 209 for 2.0.9
  if (served) return fmt::format("mimalloc {}.{}.{}", v / 100, v / 10 % 10, v % 10);
  return "not mimalloc (it is linked, but another malloc was found first)";
#else
  return "the default (the C library's, or a sanitizer's)";
#endif
}

}  // namespace slowfast::server
