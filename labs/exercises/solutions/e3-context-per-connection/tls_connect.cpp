// tls_connect 1.0, the module you fix: urllib3's ssl_wrap_socket before 1.25. For every
// connection it built a new SSLContext and loaded the CA bundle into it (certifi's
// cacert.pem, ~150 certificates parsed from PEM) - then used the context for one
// handshake and threw it away. Here: every TLS connection becomes a TlsConnect, which
// builds a fresh SSL_CTX, loads the system bundle (/etc/ssl/certs/ca-certificates.crt,
// Debian's ca-certificates) and the lab CA the host trusts, and makes its own SSL on the
// connection's socket with verification on. Its waits are the loop's (wait_on_loop):
// the requests stay concurrent, but each one pays for a whole trust store.
//
// The reference solution of exercise 3: one context for the module's life, built on the
// first connection, verification as before. (The starter is
// labs/exercises/e3-context-per-connection/tls_connect.cpp.)
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "slowfast/module/module.h"
#include "slowfast/module/tls_socket.h"

namespace slowfast {
namespace {

// certifi's cacert.pem on a Debian machine.
constexpr const char* kCaBundle = "/etc/ssl/certs/ca-certificates.crt";

// What the profile and the watchdog call each step, and which module owns it. Building
// a context has its own site: the profile shows what it costs.
constexpr probe::Site kLoadVerifyLocations{"tls_connect", "TlsConnect::load_verify_locations"};
constexpr probe::Site kHandshake{"tls_connect", "TlsConnect::handshake"};
constexpr probe::Site kSend{"tls_connect", "TlsConnect::send"};
constexpr probe::Site kRecv{"tls_connect", "TlsConnect::recv"};
constexpr probe::Site kRecvInto{"tls_connect", "TlsConnect::recv_into"};
constexpr probe::Site kShutdown{"tls_connect", "TlsConnect::shutdown"};

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const noexcept { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

[[noreturn]] void fail(const std::string& what) {
  char buf[256] = "";
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  ERR_clear_error();
  throw std::runtime_error("tls_connect: " + what + ": " + buf);
}

// ssl.create_default_context() + load_verify_locations(certifi.where()): a new context
// with the host's TLS policy (versions, modes, options), the whole CA bundle, the lab CA
// the host trusts (taken from the host's own context), and verification on.
SslCtxPtr make_context(SSL* host) {
  probe::Scope scope(kLoadVerifyLocations);
  SSL_CTX* host_ctx = SSL_get_SSL_CTX(host);
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) fail("SSL_CTX_new");
  SSL_CTX_set_min_proto_version(ctx.get(), SSL_CTX_get_min_proto_version(host_ctx));
  SSL_CTX_set_options(ctx.get(), SSL_CTX_get_options(host_ctx));
  SSL_CTX_set_mode(ctx.get(), SSL_CTX_get_mode(host_ctx));
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_CTX_get_session_cache_mode(host_ctx));
  if (SSL_CTX_load_verify_locations(ctx.get(), kCaBundle, nullptr) != 1) fail(std::string("loading ") + kCaBundle);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
  STACK_OF(X509_OBJECT)* host_objects = X509_STORE_get0_objects(SSL_CTX_get_cert_store(host_ctx));
  for (int i = 0; i < sk_X509_OBJECT_num(host_objects); ++i)
    if (X509* cert = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(host_objects, i)))
      if (X509_STORE_add_cert(store, cert) != 1) fail("adding the lab CA");
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  return ctx;
}

// A client SSL on the host's socket, checking the name (or IP address) the host's SSL
// checks (clients/core/tls_client_context.cpp: new_client_ssl).
module::SslPtr new_ssl(SSL* host, SSL_CTX* ctx) {
  module::SslPtr ssl(SSL_new(ctx));  // holds a reference to ctx: it lives while the SSL does
  if (!ssl || SSL_set_fd(ssl.get(), SSL_get_fd(host)) != 1) fail("a TLS connection");
  SSL_set_connect_state(ssl.get());
  X509_VERIFY_PARAM* from = SSL_get0_param(host);
  if (char* ip = X509_VERIFY_PARAM_get1_ip_asc(from)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), ip);
    OPENSSL_free(ip);
  } else if (const char* name = X509_VERIFY_PARAM_get0_host(from, 0)) {
    SSL_set_tlsext_host_name(ssl.get(), name);
    SSL_set1_host(ssl.get(), name);
  }
  return ssl;
}

// The fix: build the context once, on the first connection, and give every SSL a
// reference to it (SSL_new counts them). The lab CA comes from the host's context, one
// per process, so the first connection's is everybody's. Thread safety: uv-nonblocking
// makes every socket on its one loop thread; a function-local static is initialized
// once even if threads raced (C++11), and an SSL_CTX may be shared by SSLs on many
// threads once nobody changes it - nothing does after make_context.
module::SslPtr connect(module::SslPtr host) {
  static const SslCtxPtr ctx = make_context(host.get());
  return new_ssl(host.get(), ctx.get());
}

class TlsConnect final : public TlsSocket {
 public:
  explicit TlsConnect(SocketArgs&& args) : TlsSocket(connect(std::move(args.ssl)), args.on) {}
  static std::unique_ptr<Socket> make(SocketArgs&& args) { return std::make_unique<TlsConnect>(std::move(args)); }

  const char* class_name() const override { return "TlsConnect"; }

  // Every method waits through the loop, as NativeTlsSocket does: not the bug here.
  Task<void> handshake() override { return drive_handshake(kHandshake, &wait_on_loop); }
  Task<std::size_t> send(std::span<const char> data) override { return drive_send(data, kSend, &wait_on_loop); }
  Task<std::string> recv(std::size_t n) override { return drive_recv(n, kRecv, &wait_on_loop); }
  Task<std::size_t> recv_into(std::span<char> buffer) override {
    return drive_recv_into(buffer, kRecvInto, &wait_on_loop);
  }
  Task<void> shutdown() override { return drive_shutdown(kShutdown, &wait_on_loop); }
};

void install(SocketRegistry* registry, const probe::HostApi* host) {
  probe::install(host);
  registry->inject("TlsConnect", &TlsConnect::make);
}

const SlowfastModuleInfo kInfo{SLOWFAST_MODULE_ABI, "tls_connect", "1.0+e3",
                               "every TLS connection becomes a TlsConnect; one context, built once, verifies them all",
                               &install};

}  // namespace
}  // namespace slowfast

SLOWFAST_MODULE(slowfast::kInfo)
