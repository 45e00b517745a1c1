// A wrong fix for exercise 3: cheap because it checks nothing - one context, no CA
// bundle, SSL_VERIFY_NONE (requests' verify=False). Fast and every page valid, but a
// server whose certificate comes from another CA is accepted: the validator's
// "verification stays on" check must fail.
#include <openssl/ssl.h>

#include <memory>
#include <stdexcept>

#include "slowfast/module/module.h"
#include "slowfast/module/tls_socket.h"

namespace slowfast {
namespace {

constexpr probe::Site kSite{"tls_connect", "TlsConnect"};

SSL_CTX* context(SSL* host) {
  static SSL_CTX* ctx = [&] {
    SSL_CTX* c = SSL_CTX_new(TLS_client_method());
    if (!c) throw std::runtime_error("SSL_CTX_new failed");
    SSL_CTX_set_mode(c, SSL_CTX_get_mode(SSL_get_SSL_CTX(host)));
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);  // the wrong fix
    return c;
  }();
  return ctx;
}

module::SslPtr connect(module::SslPtr host) {
  module::SslPtr ssl(SSL_new(context(host.get())));
  if (!ssl || SSL_set_fd(ssl.get(), SSL_get_fd(host.get())) != 1) throw std::runtime_error("SSL_new failed");
  SSL_set_connect_state(ssl.get());
  return ssl;
}

class TlsConnect final : public TlsSocket {
 public:
  explicit TlsConnect(SocketArgs&& args) : TlsSocket(connect(std::move(args.ssl)), args.on) {}
  static std::unique_ptr<Socket> make(SocketArgs&& args) { return std::make_unique<TlsConnect>(std::move(args)); }
  const char* class_name() const override { return "TlsConnect"; }
  Task<void> handshake() override { return drive_handshake(kSite, &wait_on_loop); }
  Task<std::size_t> send(std::span<const char> data) override { return drive_send(data, kSite, &wait_on_loop); }
  Task<std::string> recv(std::size_t n) override { return drive_recv(n, kSite, &wait_on_loop); }
  Task<std::size_t> recv_into(std::span<char> buffer) override {
    return drive_recv_into(buffer, kSite, &wait_on_loop);
  }
  Task<void> shutdown() override { return drive_shutdown(kSite, &wait_on_loop); }
};

void install(SocketRegistry* registry, const probe::HostApi* host) {
  probe::install(host);
  registry->inject("TlsConnect", &TlsConnect::make);
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "tls_connect", "1.0+verify_none",
                               "a wrong fix for exercise 3: no verification", &install};

}  // namespace
}  // namespace slowfast

SLOWFAST_MODULE(slowfast::kInfo)
