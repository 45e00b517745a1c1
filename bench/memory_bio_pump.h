// Carries a TLS conversation between an OpenSSL client with memory BIOs and the
// server's TlsSession, in process: the handshake benchmarks' network.
#pragma once
#include <openssl/ssl.h>

#include <string>

#include "tls_server.h"

namespace slowfast::bench {

// Moves every pending byte of the client's output to the server.
inline void pump(SSL* client, server::TlsSession& server) {
  char buf[16384];
  BIO* out = SSL_get_wbio(client);
  int n;
  while ((n = BIO_read(out, buf, sizeof buf)) > 0) server.feed(buf, static_cast<size_t>(n));
}

// Moves every pending byte of the server's output to the client.
inline void pump(server::TlsSession& server, SSL* client, std::string& scratch) {
  scratch.clear();
  if (server.take_output(scratch)) BIO_write(SSL_get_rbio(client), scratch.data(), static_cast<int>(scratch.size()));
}

}  // namespace slowfast::bench
