// TestLoop: a UvLoop a test ends the way libuv's own tests do (MAKE_VALGRIND_HAPPY).
// Declared first in its scope, it goes last: the close callbacks still pending run,
// then uv_loop_close must return 0, so a handle left open fails the test instead of
// leaking quietly.
#pragma once
#include <gtest/gtest.h>

#include "slowfast/uv_handle.h"

namespace slowfast {

struct TestLoop : UvLoop {
  TestLoop() = default;
  ~TestLoop() {
    int rc = close();
    EXPECT_EQ(rc, 0) << "uv_loop_close: " << uv_strerror(rc);
  }
};

}  // namespace slowfast
