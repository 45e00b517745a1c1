// Listening sockets that several worker loops can share a port through: each worker
// gets its own socket bound with SO_REUSEPORT, and the kernel spreads new connections
// (and the accept backlog) across them. libuv 1.44 has no UV_TCP_REUSEPORT, so the
// socket is made here and handed to uv_tcp_open.
#pragma once
#include <string>

namespace slowfast::server {

// Throws, saying how to stop it, when something already listens on address:port. Two
// servers bound with SO_REUSEPORT would split the connections between them silently.
void refuse_if_listening(const std::string& address, int port);

// A bound, not yet listening, non-blocking TCP socket with SO_REUSEADDR and
// SO_REUSEPORT. `port` 0 picks a free port; *bound_port tells which.
// Throws std::runtime_error with one readable line.
int open_reuseport_socket(const std::string& address, int port, int* bound_port);

}  // namespace slowfast::server
