// The ready file's writer and reader agree, and a reader polling a half-written or
// one-listener file waits rather than guessing.
#include "ready_file.h"

#include <gtest/gtest.h>

#include "slowfast/files.h"
#include "slowfast/temp_dir.h"

namespace slowfast::server {
namespace {

TEST(ReadyFile, WhatTheServerWritesIsWhatTheStarterReads) {
  TempDir dir("slowfast-ready");
  write_ready_file(dir / "ready", listening_line("127.0.0.1", 4443, 8080));
  EXPECT_EQ(read_file(dir / "ready"), "listening https=127.0.0.1:4443 http=127.0.0.1:8080\n");
  auto ports = parse_ready_file(read_file(dir / "ready"));
  ASSERT_TRUE(ports);
  EXPECT_EQ(ports->https, 4443);
  EXPECT_EQ(ports->http, 8080);
  EXPECT_FALSE(std::filesystem::exists(dir / "ready.tmp"));
}

TEST(ReadyFile, Ipv6HostsAreBracketed) {
  std::string line = listening_line("::1", 1, 2);
  EXPECT_EQ(line, "listening https=[::1]:1 http=[::1]:2");
  auto ports = parse_ready_file(line);
  ASSERT_TRUE(ports);
  EXPECT_EQ(ports->https, 1);
  EXPECT_EQ(ports->http, 2);
}

TEST(ReadyFile, NothingUntilBothPortsAreThere) {
  EXPECT_FALSE(parse_ready_file(""));
  EXPECT_FALSE(parse_ready_file("listening https=127.0.0.1:4443"));
  EXPECT_EQ(listening_line("0.0.0.0", -1, 80), "listening http=0.0.0.0:80");
}

}  // namespace
}  // namespace slowfast::server
