// The stack sampler and its names: the short names of objects and functions, the
// symbols of hidden and static functions (which dladdr cannot name), and a sample of a
// thread sleeping in a function of this test.
#include "uv_nonblocking/stack_sampler.h"

#include <poll.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "uv_nonblocking/stack_symbols.h"

namespace slowfast {
namespace {

#if defined(__SANITIZE_THREAD__)
constexpr bool kTsan = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr bool kTsan = true;
#else
constexpr bool kTsan = false;
#endif
#else
constexpr bool kTsan = false;
#endif

TEST(StackSymbols, ShortObjectNames) {
  EXPECT_EQ(short_object_name("/tmp/env/blocking_tls-1.0.so"), "blocking_tls");
  EXPECT_EQ(short_object_name("build/modules/coop_shim-1.2+recv_into.so"), "coop_shim");
  EXPECT_EQ(short_object_name("/lib/x86_64-linux-gnu/libc.so.6"), "libc");
  EXPECT_EQ(short_object_name("/lib/x86_64-linux-gnu/libssl.so.3"), "libssl");
  EXPECT_EQ(short_object_name("/lib/x86_64-linux-gnu/libuv.so.1"), "libuv");
  EXPECT_EQ(short_object_name("/lib64/ld-linux-x86-64.so.2"), "ld-linux-x86-64");
  EXPECT_EQ(short_object_name("/work/build/bin/slowfast"), "slowfast");
}

TEST(StackSymbols, ShortFunctionNames) {
  EXPECT_EQ(short_function_name("poll"), "poll");
  EXPECT_EQ(short_function_name("slowfast::BlockingTlsSocket::recv_into(std::span<char, 18446744073709551615ul>)"),
            "BlockingTlsSocket::recv_into");
  EXPECT_EQ(short_function_name("slowfast::blocking_tls::wait_for_socket(slowfast::WaitTarget const&, "
                                "slowfast::Want) [clone .actor]"),
            "blocking_tls::wait_for_socket");
  EXPECT_EQ(short_function_name("slowfast::(anonymous namespace)::Blocker::fire(uv_timer_s*)"), "Blocker::fire");
  EXPECT_EQ(short_function_name("void slowfast::Task<void>::resume<int>(int) (.resume)"), "Task<void>::resume<int>");
  EXPECT_EQ(short_function_name("std::function<void ()>::operator()() const"), "function<void ()>::operator()");
}

// A static function (hidden from dladdr) and an exported one.
[[gnu::noinline]] int a_function_only_this_test_has(int x) { return x * 3 + 1; }

TEST(StackSymbols, NamesStaticFunctionsFromTheSymbolTable) {
  StackSymbols symbols;
  auto* fn = reinterpret_cast<const char*>(&a_function_only_this_test_has);
  EXPECT_EQ(symbols.name(fn + 1, true), "a_function_only_this_test_has [test_probes]");
  // libc's, or a sanitizer's interceptor of the same name.
  EXPECT_EQ(symbols.name(reinterpret_cast<const void*>(&::poll), true).substr(0, 6), "poll [");
}

[[gnu::noinline]] void sleeps_until_told(const std::atomic<bool>& stop) {
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

TEST(StackSampler, SamplesAnotherThreadsStack) {
  std::atomic<bool> stop{false};
  std::optional<StackSampler> sampler;
  std::atomic<bool> ready{false};
  std::thread sleeper([&] {
    sampler.emplace();  // made on the thread it samples
    ready.store(true);
    sleeps_until_told(stop);
  });
  while (!ready.load()) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::vector<std::string> stack = sampler->sample(std::chrono::milliseconds(200));
  stop.store(true);
  sleeper.join();
  if (kTsan && stack.empty()) GTEST_SKIP() << "TSan did not deliver the signal in time";
  ASSERT_FALSE(stack.empty());
  EXPECT_LE(stack.size(), static_cast<size_t>(StackSampler::kMaxFrames));
  bool found = false;
  for (const std::string& f : stack) found |= f == "sleeps_until_told [test_probes]";
  std::string all;
  for (const std::string& f : stack) all += f + "\n";
  EXPECT_TRUE(found) << all;
  EXPECT_NE(stack[0].find("[libc]"), std::string::npos) << "innermost first: the sleep itself\n" << all;
  EXPECT_EQ(all.find("on_sample_signal"), std::string::npos) << "the handler's frames are dropped\n" << all;
}

}  // namespace
}  // namespace slowfast
