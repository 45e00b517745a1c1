#include "slowfast/module/task.h"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace slowfast {
namespace {

Task<int> answer() { co_return 42; }
Task<int> twice() { co_return 2 * (co_await answer()); }
Task<void> fail() {
  throw std::runtime_error("boom");
  co_return;
}
Task<std::string> catches() {
  try {
    co_await fail();
  } catch (const std::exception& e) {
    co_return std::string("caught ") + e.what();
  }
  co_return "nothing";
}

// A chain that completes synchronously must not grow the stack (symmetric transfer).
Task<long> deep(int n) {
  long sum = 0;
  for (int i = 0; i < n; ++i) sum += co_await answer();
  co_return sum;
}

TEST(Task, IsLazyAndReturnsItsValue) {
  Task<int> t = twice();
  EXPECT_FALSE(t.done());
  t.start();
  ASSERT_TRUE(t.done());
  EXPECT_EQ(t.result(), 84);
}

TEST(Task, PropagatesExceptionsToTheAwaiter) {
  Task<std::string> t = catches();
  t.start();
  EXPECT_EQ(t.result(), "caught boom");
  Task<void> top = fail();
  top.start();
  EXPECT_THROW(top.result(), std::runtime_error);
}

TEST(Task, ManySynchronousStepsRun) {
  Task<long> t = deep(1'000'000);
  t.start();
  EXPECT_EQ(t.result(), 42'000'000L);
}

}  // namespace
}  // namespace slowfast
