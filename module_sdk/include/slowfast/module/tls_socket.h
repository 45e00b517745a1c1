// TlsSocket: the one driver of the TLS core - "step; on WANT_* call the wait; again" -
// like urllib3's WrappedSocket around pyOpenSSL's Connection. Every TLS socket class
// (NativeTlsSocket, BlockingTlsSocket, CoopShim) is a TlsSocket whose methods say
// only which wait they call and which probe names them; nothing else differs.
#pragma once
#include "slowfast/module/probe.h"
#include "slowfast/module/socket_registry.h"
#include "slowfast/module/tls_connection.h"
#include "slowfast/module/wait.h"

namespace slowfast {

class TlsSocket : public Socket {
 protected:
  TlsSocket(module::SslPtr ssl, const WaitTarget& on) : connection_(std::move(ssl)), on_(on) {}

  // The Socket operations, driven to completion. Each step is timed as `site`, and so
  // is a wait that finishes inline (poll shows under the method that called it); a
  // wait that suspends leaves the probe while it sleeps (slowfast/module/probe.h).
  Task<void> drive_handshake(const probe::Site& site, WaitForSocket wait);
  Task<std::size_t> drive_send(std::span<const char> data, const probe::Site& site, WaitForSocket wait);
  Task<std::string> drive_recv(std::size_t n, const probe::Site& site, WaitForSocket wait);
  Task<std::size_t> drive_recv_into(std::span<char> buffer, const probe::Site& site, WaitForSocket wait);
  Task<void> drive_shutdown(const probe::Site& site, WaitForSocket wait);

 private:
  template <typename Op>
  Task<tls::Step> drive(const probe::Site& site, WaitForSocket wait, Op op);

  tls::Connection connection_;
  WaitTarget on_;
};

}  // namespace slowfast
