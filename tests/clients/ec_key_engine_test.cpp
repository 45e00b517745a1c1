// The EC key engine (slowfast/ec_key_engine.h): with it, a certificate's EC key is decoded
// by OpenSSL's legacy EC method instead of a provider's decoder chain, and that key still
// checks signatures: the server key's signature verifies, a changed one does not. A key
// loaded by a provider (the server's, from its PEM file) signs through the engine's
// method. The handshakes through it are every client test's (make_client_tls_context
// installs it) against a slowfast-server (make_server_tls_context installs it).
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "slowfast/ec_key_engine.h"
#include "slowfast/lab_certs.h"
#include "slowfast/openssl_ptr.h"
#include "slowfast/temp_dir.h"

namespace slowfast::testing {
namespace {

using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;

X509Ptr read_cert(const std::filesystem::path& pem) {
  BioPtr in(BIO_new_file(pem.c_str(), "r"));
  return X509Ptr(in ? PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr) : nullptr);
}

EvpPkeyPtr read_key(const std::filesystem::path& pem) {
  BioPtr in(BIO_new_file(pem.c_str(), "r"));
  return EvpPkeyPtr(in ? PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr) : nullptr);
}

std::vector<unsigned char> sign(EVP_PKEY* key, const std::string& message) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = 0;
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key), 1);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &len,
                           reinterpret_cast<const unsigned char*>(message.data()), message.size()), 1);
  std::vector<unsigned char> sig(len);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), sig.data(), &len,
                           reinterpret_cast<const unsigned char*>(message.data()), message.size()), 1);
  sig.resize(len);
  return sig;
}

// Whether a signing context for this key runs a provider's code (false: a legacy method,
// the engine's).
bool signs_in_a_provider(EVP_PKEY* key) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key), 1);
  return pctx != nullptr && EVP_PKEY_CTX_get0_provider(pctx) != nullptr;
}

bool verifies(EVP_PKEY* key, const std::vector<unsigned char>& sig, const std::string& message) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), sig.data(), sig.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

TEST(EcKeyEngine, CertificateKeysTakeTheLegacyDecodeAndStillCheckSignatures) {
  TempDir dir("ec-key-engine");
  LabCertPaths certs{dir.path() / "certs"};
  ensure_lab_certs(certs.dir);
  ASSERT_TRUE(use_ec_key_engine());
  ASSERT_TRUE(use_ec_key_engine()) << "a second call reports the same engine";

  X509Ptr cert = read_cert(certs.server_pem());
  ASSERT_TRUE(cert);
  EVP_PKEY* public_key = X509_get0_pubkey(cert.get());
  ASSERT_NE(public_key, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(public_key), EVP_PKEY_EC);
  // A provider's decoder would have made a provider key; the legacy method makes none.
  EXPECT_EQ(EVP_PKEY_get0_provider(public_key), nullptr);

  EvpPkeyPtr private_key = read_key(certs.server_key());
  ASSERT_TRUE(private_key);
  const std::string message = "GET /delay/1 HTTP/1.1";
  std::vector<unsigned char> sig = sign(private_key.get(), message);
  EXPECT_TRUE(verifies(public_key, sig, message));
  EXPECT_FALSE(verifies(public_key, sig, message + "!"));
  sig[sig.size() / 2] ^= 0x01;
  EXPECT_FALSE(verifies(public_key, sig, message));
}

TEST(EcKeyEngine, AProviderLoadedKeySignsThroughTheEngine) {
  TempDir dir("ec-key-engine-sign");
  LabCertPaths certs{dir.path() / "certs"};
  ensure_lab_certs(certs.dir);
  ASSERT_TRUE(use_ec_key_engine());

  // A private key file is read by a provider's decoder, engine or not (as the server's is).
  EvpPkeyPtr private_key = read_key(certs.server_key());
  ASSERT_TRUE(private_key);
  EXPECT_NE(EVP_PKEY_get0_provider(private_key.get()), nullptr);

  EXPECT_FALSE(signs_in_a_provider(private_key.get()));

  const std::string message = "HTTP/1.1 200 OK";
  std::vector<unsigned char> sig = sign(private_key.get(), message);
  X509Ptr cert = read_cert(certs.server_pem());
  ASSERT_TRUE(cert);
  EXPECT_TRUE(verifies(X509_get0_pubkey(cert.get()), sig, message));
  EXPECT_FALSE(verifies(X509_get0_pubkey(cert.get()), sig, message + "!"));
}

}  // namespace
}  // namespace slowfast::testing
