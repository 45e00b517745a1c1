// The client's cache of verified certificates (core/verified_certs.h), over real TLS 1.3
// handshakes between the client's context and a server with the lab certificate, in
// memory BIOs: a repeat of a verified certificate and name skips the chain check, and
// anything else - another name, another CA, a connection's own verify callback - is
// still checked in full.
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <string>

#include <gtest/gtest.h>

#include "core/tls_client_context.h"
#include "core/verified_certs.h"
#include "slowfast/lab_certs.h"
#include "slowfast/temp_dir.h"

namespace slowfast::testing {
namespace {

SslCtxPtr server_context(const LabCertPaths& certs) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  EXPECT_EQ(SSL_CTX_use_certificate_chain_file(ctx.get(), certs.server_pem().c_str()), 1);
  EXPECT_EQ(SSL_CTX_use_PrivateKey_file(ctx.get(), certs.server_key().c_str(), SSL_FILETYPE_PEM), 1);
  return ctx;
}

SslPtr in_memory(SSL_CTX* ctx) {
  SslPtr ssl(SSL_new(ctx));
  SSL_set_bio(ssl.get(), BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  return ssl;
}

void move_bytes(SSL* from, SSL* to) {
  char buf[16384];
  int n;
  while ((n = BIO_read(SSL_get_wbio(from), buf, sizeof buf)) > 0) BIO_write(SSL_get_rbio(to), buf, n);
}

// One full handshake checking `name` (an IP address, or else a DNS name); the client's
// verify result, or -1 when the handshake failed for another reason.
long handshake(SSL_CTX* client_ctx, SSL_CTX* server_ctx, const std::string& name,
               SSL_verify_cb own_callback = nullptr) {
  SslPtr client = in_memory(client_ctx), server = in_memory(server_ctx);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());
  if (!X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(client.get()), name.c_str()))
    SSL_set1_host(client.get(), name.c_str());
  if (own_callback) SSL_set_verify(client.get(), SSL_VERIFY_PEER, own_callback);
  int c = 0, s = 0;
  for (int round = 0; round < 6 && (c != 1 || s != 1); ++round) {
    c = SSL_do_handshake(client.get());
    move_bytes(client.get(), server.get());
    s = SSL_do_handshake(server.get());
    move_bytes(server.get(), client.get());
  }
  ERR_clear_error();
  if (c == 1) return SSL_get_verify_result(client.get());
  long result = SSL_get_verify_result(client.get());
  return result != X509_V_OK ? result : -1;
}

class VerifiedCerts : public ::testing::Test {
 protected:
  void SetUp() override {
    ensure_lab_certs(certs_.dir);
    client_ = make_client_tls_context(certs_.ca_pem(), false);
    server_ = server_context(certs_);
  }

  TempDir dir_{"verified-certs"};
  LabCertPaths certs_{dir_.path() / "certs"};
  SslCtxPtr client_, server_;
};

TEST_F(VerifiedCerts, TheFirstHandshakeVerifiesAndTheRestReuseIt) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(handshake(client_.get(), server_.get(), "127.0.0.1"), X509_V_OK) << i;
  EXPECT_EQ(verified_cert_cache_hits(client_.get()), 4U);
  // Each name the certificate holds is verified once for itself.
  EXPECT_EQ(handshake(client_.get(), server_.get(), "localhost"), X509_V_OK);
  EXPECT_EQ(handshake(client_.get(), server_.get(), "localhost"), X509_V_OK);
  EXPECT_EQ(verified_cert_cache_hits(client_.get()), 5U);
}

TEST_F(VerifiedCerts, ANameTheCertificateDoesNotHoldStillFails) {
  ASSERT_EQ(handshake(client_.get(), server_.get(), "127.0.0.1"), X509_V_OK);
  EXPECT_EQ(handshake(client_.get(), server_.get(), "127.0.0.2"), X509_V_ERR_IP_ADDRESS_MISMATCH);
  EXPECT_EQ(handshake(client_.get(), server_.get(), "example.com"), X509_V_ERR_HOSTNAME_MISMATCH);
  EXPECT_EQ(verified_cert_cache_hits(client_.get()), 0U);
}

TEST_F(VerifiedCerts, ACertificateFromAnotherCaStillFails) {
  ASSERT_EQ(handshake(client_.get(), server_.get(), "127.0.0.1"), X509_V_OK);
  LabCertPaths other{dir_.path() / "other"};
  ensure_lab_certs(other.dir);
  SslCtxPtr impostor = server_context(other);
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(handshake(client_.get(), impostor.get(), "127.0.0.1"), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  EXPECT_EQ(verified_cert_cache_hits(client_.get()), 0U);
}

int g_callback_calls = 0;
int count_calls(int preverify_ok, X509_STORE_CTX*) {
  ++g_callback_calls;
  return preverify_ok;
}

// A module's verify callback (exercise 4's cert_guard asks a revocation responder from
// one) must see every handshake: the cache stands aside for it.
TEST_F(VerifiedCerts, AConnectionsOwnVerifyCallbackSeesEveryHandshake) {
  ASSERT_EQ(handshake(client_.get(), server_.get(), "127.0.0.1"), X509_V_OK);
  g_callback_calls = 0;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(handshake(client_.get(), server_.get(), "127.0.0.1", &count_calls), X509_V_OK);
  EXPECT_EQ(g_callback_calls, 3 * 2);  // called for the CA and the leaf, each time
  EXPECT_EQ(verified_cert_cache_hits(client_.get()), 0U);
}

}  // namespace
}  // namespace slowfast::testing
