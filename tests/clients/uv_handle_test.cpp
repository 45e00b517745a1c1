// The libuv owners every loop in the project uses: a handle is born from its init call
// (a failed init leaves nothing behind), is freed in its close callback after the
// owner's hook, and a loop closes (uv_loop_close() == 0) only once every handle has.
#include "slowfast/uv_handle.h"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "uv_test_loop.h"

namespace slowfast {
namespace {

TEST(UvHandle, IsBornFromItsInitCall) {
  TestLoop loop;
  UvHandle<uv_timer_t> timer(loop.get(), uv_timer_init);
  ASSERT_TRUE(timer);
  EXPECT_EQ(uv_handle_get_type(timer.handle()), UV_TIMER);
  EXPECT_EQ(uv_handle_get_loop(timer.handle()), loop.get());
}

TEST(UvHandle, AFailedInitThrowsWithTheCallsNameAndLeavesNothingOpen) {
  TestLoop loop;
  try {
    UvHandle<uv_poll_t> poll(loop.get(), uv_poll_init, -1);
    FAIL() << "uv_poll_init accepted fd -1";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("uv_poll_init: ", 0), 0u) << e.what();
  }
}

TEST(UvHandle, ClosesOnceAndRunsTheHookInTheCloseCallback) {
  TestLoop loop;
  int hooks = 0;
  {
    UvHandle<uv_timer_t> timer(loop.get(), uv_timer_init);
    timer.get()->data = &hooks;
    timer.close([](uv_timer_t* t) { ++*static_cast<int*>(t->data); });
    EXPECT_FALSE(timer);
    timer.close();  // a second close does nothing
  }
  EXPECT_EQ(hooks, 0) << "libuv calls back from the loop, not from uv_close";
  loop.run();
  EXPECT_EQ(hooks, 1);
}

TEST(UvLoop, IsBusyWhileAHandleIsOpen) {
  UvLoop loop;
  {
    UvHandle<uv_timer_t> timer(loop.get(), uv_timer_init);
    EXPECT_EQ(loop.close(), UV_EBUSY);
  }
  EXPECT_EQ(loop.close(), 0);
}

}  // namespace
}  // namespace slowfast
