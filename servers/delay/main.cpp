// slowfast-server: the lab's HTTPS delay server (httpbin-style /delay/{seconds}).
#include <openssl/crypto.h>
#include <uv.h>

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <optional>

#include "background.h"
#include "malloc_name.h"
#include "server.h"

int main(int argc, char** argv) {
  slowfast::server::Config cfg;
  CLI::App app{
      "slowfast-server: an httpbin-style delay server over HTTPS and HTTP (libuv + OpenSSL).\n"
      "Routes: /delay/{s} /get /status/{code} /bytes/{n} /drip?numbytes=&duration=&delay= "
      "/health"};
  app.add_option("--bind", cfg.bind, "Address to listen on")->capture_default_str();
  app.add_flag("--share-port", cfg.share_port,
               "Listen even when another server holds the port (SO_REUSEPORT: the kernel splits "
               "connections between them); without it, a taken port is an error");
  app.add_option("--https-port", cfg.https_port, "HTTPS port (0: a free one, -1: off)")
      ->capture_default_str();
  app.add_option("--http-port", cfg.http_port, "Plain HTTP port (0: a free one, -1: off)")
      ->capture_default_str();
  app.add_option("--certs", cfg.certs_dir,
                 "Lab certificate directory (default: $SLOWFAST_CERTS or build/lab-certs; "
                 "created when missing)");
  app.add_option("--ready-file", cfg.ready_file,
                 "Write the 'listening ...' line to this file once listening");
  app.add_option("--handshake-delay", cfg.handshake_delay_ms,
                 "Hold the server's side of each TLS handshake this many ms (fault injection)")
      ->check(CLI::Range(0.0, 60000.0));
  app.add_option("--idle-timeout", cfg.idle_timeout_s,
                 "Close a connection with no request for this many seconds")
      ->capture_default_str()->check(CLI::Range(0.01, 86400.0));
  app.add_option("--header-timeout", cfg.header_timeout_s,
                 "Answer 408 when a request's headers take longer than this (s)")
      ->capture_default_str()->check(CLI::Range(0.01, 86400.0));
  app.add_option("--grace", cfg.grace_s, "On SIGINT/SIGTERM, let requests finish this long (s)")
      ->capture_default_str()->check(CLI::Range(0.0, 3600.0));
  app.add_option("--max-connections", cfg.max_connections,
                 "Refuse connections beyond this many")
      ->capture_default_str()->check(CLI::Range(1, 1000000));
  app.add_option("--max-header-bytes", cfg.max_header_bytes, "Answer 431 beyond this")
      ->capture_default_str()->check(CLI::Range(256, 1 << 20));
  app.add_option("--workers", cfg.workers,
                 "Event loops (threads) sharing the ports via SO_REUSEPORT (0: one per CPU)")
      ->capture_default_str()->check(CLI::Range(0, 64));
  app.add_flag("--access-log", cfg.access_log, "One line per response on stderr");
  bool background = false;
  std::string log_path;
  app.add_flag("--background", background,
               "Return once listening: print the server's pid on stdout (SERVER=$(slowfast-server "
               "--background); ...; kill $SERVER) and its listening line on stderr");
  app.add_option("--log", log_path,
                 "With --background: append the server's own output here (default: discarded)");
  double start_timeout_s = 30;
  auto* start_timeout =
      app.add_option("--start-timeout", start_timeout_s,
                     "With --background: give up (and stop the server) when it does not "
                     "listen within this many seconds")
          ->capture_default_str()->check(CLI::Range(0.1, 3600.0));
  app.set_version_flag("--version", [] {
    return fmt::format("slowfast-server: {}, libuv {}, malloc: {}", OpenSSL_version(OPENSSL_VERSION),
                       uv_version_string(), slowfast::server::malloc_name());
  }, "Print the versions of OpenSSL, libuv and the malloc this server runs on");
  CLI11_PARSE(app, argc, argv);
  if ((!log_path.empty() || start_timeout->count() > 0) && !background) {
    std::fprintf(stderr, "slowfast-server: error: %s goes with --background\n",
                 log_path.empty() ? "--start-timeout" : "--log");
    return 2;
  }

  // Before the server exists: the fork must not copy a loop, a thread or OpenSSL state.
  std::optional<slowfast::server::Background> detached;
  if (background) detached.emplace(slowfast::server::Background::detach(log_path, start_timeout_s));

  slowfast::server::Server server(cfg);
  try {
    server.start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "slowfast-server: error: %s\n", e.what());
    if (detached) detached->failed(e.what());
    return 2;
  }
  std::printf("%s\n", server.listening_line().c_str());
  std::fflush(stdout);
  if (detached) detached->listening(server.listening_line());
  server.run();
  const auto& c = server.counters();
  server.log(fmt::format("stopped: {} connections, {} requests, {} refused, {} handshake failures",
                         c.accepted.load(), c.requests.load(), c.refused.load(),
                         c.handshake_failures.load()));
  return 0;
}
