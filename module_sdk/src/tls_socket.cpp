#include "slowfast/module/tls_socket.h"

#include <optional>

namespace slowfast {

namespace {

// Awaits one wait inside the method's probe, closing the probe only if the wait really
// suspends: the probe stack belongs to the thread, and while this coroutine sleeps the
// loop runs the others on it. A wait that finishes inline (the blocking poll) never
// leaves the thread, so it stays inside.
struct WaitInsideProbe {
  Task<void> wait;
  std::optional<probe::Scope>& scope;
  const probe::Site& site;

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> self) {
    if (!wait.await_suspend(self)) return false;  // finished inline: carry on
    scope.reset();
    return true;
  }
  void await_resume() {
    wait.await_resume();  // a failed wait does not reopen the probe
    if (!scope) scope.emplace(site);
  }
};

}  // namespace

template <typename Op>
Task<tls::Step> TlsSocket::drive(const probe::Site& site, WaitForSocket wait, Op op) {
  std::optional<probe::Scope> scope(std::in_place, site);
  for (;;) {
    tls::Step s = op();
    if (!s.want) co_return s;
    // A named awaiter: with a temporary one, gcc 12 builds crashed in ~Task after a
    // real suspension.
    WaitInsideProbe waiting{wait(on_, *s.want), scope, site};
    co_await waiting;
  }
}

Task<void> TlsSocket::drive_handshake(const probe::Site& site, WaitForSocket wait) {
  co_await drive(site, wait, [this] { return connection_.handshake(); });
}

Task<std::size_t> TlsSocket::drive_send(std::span<const char> data, const probe::Site& site, WaitForSocket wait) {
  co_return (co_await drive(site, wait, [&] { return connection_.send(data); })).n;
}

Task<std::string> TlsSocket::drive_recv(std::size_t n, const probe::Site& site, WaitForSocket wait) {
  std::string buffer(n, '\0');
  co_await drive(site, wait, [&] { return connection_.recv(buffer); });
  co_return buffer;
}

Task<std::size_t> TlsSocket::drive_recv_into(std::span<char> buffer, const probe::Site& site, WaitForSocket wait) {
  co_return (co_await drive(site, wait, [&] { return connection_.recv_into(buffer); })).n;
}

Task<void> TlsSocket::drive_shutdown(const probe::Site& site, WaitForSocket wait) {
  co_await drive(site, wait, [this] { return connection_.shutdown(); });
}

}  // namespace slowfast
