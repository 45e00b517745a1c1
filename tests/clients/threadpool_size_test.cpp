// uv_threadpool_size() must report the threads libuv really starts: libuv 1.44 reads
// UV_THREADPOOL_SIZE with atoi() into an unsigned count (0 -> 1, above 1024 -> 1024).
#include <cstdlib>

#include <gtest/gtest.h>

#include "uv_threadpool/uv_threadpool_client.h"

namespace slowfast {
namespace {

int size_with(const char* value) {
  if (value) setenv("UV_THREADPOOL_SIZE", value, 1);
  else unsetenv("UV_THREADPOOL_SIZE");
  int n = uv_threadpool_size();
  unsetenv("UV_THREADPOOL_SIZE");
  return n;
}

TEST(ThreadpoolSize, ReadAsLibuvReadsIt) {
  EXPECT_EQ(size_with(nullptr), 4);
  EXPECT_EQ(size_with("8"), 8);
  EXPECT_EQ(size_with(""), 1);       // atoi("") is 0, and 0 threads become 1
  EXPECT_EQ(size_with("abc"), 1);
  EXPECT_EQ(size_with("-1"), 1024);  // -1 as an unsigned is above the cap
  EXPECT_EQ(size_with("5000"), 1024);
}

}  // namespace
}  // namespace slowfast
