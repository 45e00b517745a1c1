// Tunables of the delay server, with the defaults a lab run needs.
//
// The timeouts are long on purpose: a serialised client opens its
// connections early and leaves them idle for up to N x delay before it sends anything
// (100 s at N = 100, delay 1 s). Slowloris protection comes from the connection cap plus
// these timeouts, not from a short idle limit.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace slowfast::server {

struct Config {
  std::string bind = "127.0.0.1";
  int https_port = 8443;  // 0 picks a free port; -1 disables the listener
  int http_port = 8080;
  std::string certs_dir;   // empty: the shared default lab directory
  std::string ready_file;  // written with the "listening ..." line once both listen
  bool share_port = false;  // listen beside a server already on the port (SO_REUSEPORT)

  double idle_timeout_s = 300;    // accepted or kept-alive, no request bytes yet
  double header_timeout_s = 300;  // a request has started but its headers are incomplete
  double grace_s = 10;            // SIGINT/SIGTERM: how long in-flight requests may finish
  double handshake_delay_ms = 0;  // fault injection: hold each TLS handshake this long

  int workers = 0;  // loops (threads) sharing the ports; 0: one per CPU
  size_t max_connections = 20000;
  size_t max_header_bytes = 16 * 1024;  // beyond: 431
  size_t max_body_bytes = 1024 * 1024;  // beyond: 413
  int listen_backlog = 4096;            // the kernel's somaxconn on this machine
  bool access_log = false;              // one line per response on stderr
};

}  // namespace slowfast::server
