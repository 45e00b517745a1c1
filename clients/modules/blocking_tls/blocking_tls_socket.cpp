#include "blocking_tls/blocking_tls_socket.h"

#include "blocking_tls/util_wait.h"

namespace slowfast {

namespace {
// Owned by blocking_tls (coop_shim carries this code too, as gevent_openssl's wrapper
// carried pyOpenSSL's): the culprit is named after where the code comes from.
constexpr probe::Site kHandshake{"blocking_tls", "BlockingTlsSocket::handshake"};
constexpr probe::Site kSend{"blocking_tls", "BlockingTlsSocket::send"};
constexpr probe::Site kRecv{"blocking_tls", "BlockingTlsSocket::recv"};
constexpr probe::Site kRecvInto{"blocking_tls", "BlockingTlsSocket::recv_into"};
constexpr probe::Site kShutdown{"blocking_tls", "BlockingTlsSocket::shutdown"};
}  // namespace

BlockingTlsSocket::BlockingTlsSocket(SocketArgs&& args)
    : TlsSocket(std::move(args.ssl), args.on),
      util_wait_(args.patched_wait ? args.patched_wait : &blocking_tls::wait_for_socket) {}

std::unique_ptr<Socket> BlockingTlsSocket::make(SocketArgs&& args) {
  return std::make_unique<BlockingTlsSocket>(std::move(args));
}

// Every method: on WANT_READ util.wait_for_read(sock, timeout), on WANT_WRITE
// util.wait_for_write - a poll() that blocks the loop unless it was patched.
Task<void> BlockingTlsSocket::handshake() { return drive_handshake(kHandshake, util_wait_); }

Task<std::size_t> BlockingTlsSocket::send(std::span<const char> data) { return drive_send(data, kSend, util_wait_); }

Task<std::string> BlockingTlsSocket::recv(std::size_t n) { return drive_recv(n, kRecv, util_wait_); }

// The method of the story: what a py37 reader calls, and what coop_shim 1.2 leaves to
// this class - so its reads wait in urllib3's wait_for_read, the blocking poll().
Task<std::size_t> BlockingTlsSocket::recv_into(std::span<char> buffer) {
  return drive_recv_into(buffer, kRecvInto, util_wait_);
}

Task<void> BlockingTlsSocket::shutdown() { return drive_shutdown(kShutdown, util_wait_); }

}  // namespace slowfast
