// The EC key engine (slowfast/ec_key_engine.h): with it, a certificate's EC key is decoded
// by OpenSSL's legacy EC method instead of a provider's decoder chain, and that key still
// checks signatures: the server key's signature verifies, a changed one does not. A key
// loaded by a provider (the server's, from its PEM file) signs through the engine's
// method. The handshakes through it are every client test's (make_client_tls_context
// installs it) against a slowfast-server (make_server_tls_context installs it). The
// engine's public-key functions, written again around a kept group per curve, encode,
// compare, print and size keys as OpenSSL's own do, named curves and explicit ones.
#define OPENSSL_SUPPRESS_DEPRECATED  // EC_KEY and ENGINE: the legacy keys the engine makes
#include <openssl/ec.h>
#include <openssl/engine.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

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

// A public key's SubjectPublicKeyInfo, encoded by the key's ASN.1 method (pub_encode).
std::vector<unsigned char> spki_der(EVP_PKEY* key) {
  int len = i2d_PUBKEY(key, nullptr);
  if (len <= 0) return {};
  std::vector<unsigned char> der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  EXPECT_EQ(i2d_PUBKEY(key, &p), len);
  return der;
}

EvpPkeyPtr from_spki_der(const std::vector<unsigned char>& der) {
  const unsigned char* p = der.data();
  return EvpPkeyPtr(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
}

std::string printed_public(EVP_PKEY* key) {
  BioPtr out(BIO_new(BIO_s_mem()));
  EXPECT_EQ(EVP_PKEY_print_public(out.get(), key, 0, nullptr), 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

// A legacy EC key with a fresh key pair on `group`.
EvpPkeyPtr legacy_key(const EC_GROUP* group) {
  EC_KEY* ec = EC_KEY_new();
  EvpPkeyPtr key(EVP_PKEY_new());
  if (ec == nullptr || !key || EC_KEY_set_group(ec, group) != 1 || EC_KEY_generate_key(ec) != 1 ||
      EVP_PKEY_assign_EC_KEY(key.get(), ec) != 1) {
    EC_KEY_free(ec);
    return nullptr;
  }
  return key;
}

TEST(EcKeyEngine, ItsPublicKeyMethodEncodesComparesPrintsAndSizesAsOpenSsl) {
  TempDir dir("ec-key-engine-asn1");
  LabCertPaths certs{dir.path() / "certs"};
  ensure_lab_certs(certs.dir);
  ASSERT_TRUE(use_ec_key_engine());
  ENGINE* engine = nullptr;
  ASSERT_NE(EVP_PKEY_asn1_find(&engine, EVP_PKEY_EC), nullptr);
  ASSERT_NE(engine, nullptr) << "EC keys' ASN.1 method comes from the engine";
  EXPECT_STREQ(ENGINE_get_id(engine), "slowfast-ec");
  ENGINE_finish(engine);

  X509Ptr cert = read_cert(certs.server_pem());
  X509Ptr ca = read_cert(certs.ca_pem());
  ASSERT_TRUE(cert && ca);
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  ASSERT_NE(key, nullptr);

  // Encoded again, the key is the certificate's SubjectPublicKeyInfo to the byte.
  int cert_spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), nullptr);
  std::vector<unsigned char> cert_spki(static_cast<std::size_t>(cert_spki_len));
  unsigned char* p = cert_spki.data();
  ASSERT_EQ(i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), &p), cert_spki_len);
  EXPECT_EQ(spki_der(key), cert_spki);

  // Decoded again (the kept group), it is the same key; the CA's is another.
  EvpPkeyPtr again = from_spki_der(cert_spki);
  ASSERT_TRUE(again);
  EXPECT_EQ(EVP_PKEY_eq(key, again.get()), 1);
  EXPECT_EQ(EVP_PKEY_eq(key, X509_get0_pubkey(ca.get())), 0);
  EvpPkeyPtr private_key = read_key(certs.server_key());
  ASSERT_TRUE(private_key);
  EXPECT_EQ(X509_check_private_key(cert.get(), private_key.get()), 1);

  EXPECT_EQ(EVP_PKEY_get_bits(key), 256);
  EXPECT_EQ(EVP_PKEY_get_size(key), 72);  // the longest DER ECDSA signature for P-256
  EXPECT_EQ(EVP_PKEY_get_security_bits(key), 128);

  std::string printed = printed_public(key);
  EXPECT_NE(printed.find("Public-Key: (256 bit)"), std::string::npos) << printed;
  EXPECT_NE(printed.find("pub:"), std::string::npos) << printed;
  EXPECT_NE(printed.find("ASN1 OID: prime256v1"), std::string::npos) << printed;
  EXPECT_NE(printed.find("NIST CURVE: P-256"), std::string::npos) << printed;

  // A point off the curve is a decode error, not a key.
  std::vector<unsigned char> bad = cert_spki;
  bad.back() ^= 0x01;
  EXPECT_FALSE(from_spki_der(bad));
  ERR_clear_error();
}

TEST(EcKeyEngine, ExplicitCurveParametersAndPrivateKeysKeepTheirMeaning) {
  ASSERT_TRUE(use_ec_key_engine());
  using EcGroupPtr = std::unique_ptr<EC_GROUP, OpenSslDeleter<EC_GROUP_free>>;
  EcGroupPtr group(EC_GROUP_new_by_curve_name(NID_secp384r1));
  ASSERT_TRUE(group);

  // A named curve's key: printing its public half shows no private part.
  EvpPkeyPtr named = legacy_key(group.get());
  ASSERT_TRUE(named);
  std::string printed = printed_public(named.get());
  EXPECT_NE(printed.find("Public-Key: (384 bit)"), std::string::npos) << printed;
  EXPECT_EQ(printed.find("priv:"), std::string::npos) << printed;
  EXPECT_EQ(EVP_PKEY_get_bits(named.get()), 384);
  EXPECT_EQ(EVP_PKEY_get_size(named.get()), 104);

  // The same curve spelled out: the parameters travel in the key, and come back.
  EC_GROUP_set_asn1_flag(group.get(), OPENSSL_EC_EXPLICIT_CURVE);
  EvpPkeyPtr explicit_key = legacy_key(group.get());
  ASSERT_TRUE(explicit_key);
  std::vector<unsigned char> der = spki_der(explicit_key.get());
  ASSERT_FALSE(der.empty());
  EXPECT_GT(der.size(), spki_der(named.get()).size()) << "explicit parameters, not an OID";
  EvpPkeyPtr decoded = from_spki_der(der);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(EVP_PKEY_eq(decoded.get(), explicit_key.get()), 1);
  EXPECT_EQ(EVP_PKEY_eq(decoded.get(), named.get()), 0);
  EXPECT_EQ(spki_der(decoded.get()), der);
}

// libssl's X25519 key share, as the server makes it (ssl_generate_param_group,
// EVP_PKEY_set1_encoded_public_key, ssl_generate_pkey_group, ssl_derive), through the
// engine's legacy X25519 method: the keys it makes belong to no provider, and the shared
// secret is RFC 7748's (section 6.1: Alice's private key, Bob's public key).
TEST(EcKeyEngine, X25519KeySharesTakeTheLegacyMethodAndAgreeWithRfc7748) {
  ASSERT_TRUE(use_ec_key_engine());
  auto hex = [](const char* h) {
    std::vector<unsigned char> out;
    for (; h[0] && h[1]; h += 2) out.push_back(static_cast<unsigned char>(std::stoi(std::string(h, 2), nullptr, 16)));
    return out;
  };
  const auto alice_private = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const auto bob_public = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  const auto shared = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;

  // The peer's share: a key of the group's type from "parameters", then its point.
  PkeyCtxPtr paramgen(EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr));
  EVP_PKEY* raw = nullptr;
  ASSERT_TRUE(paramgen && EVP_PKEY_paramgen_init(paramgen.get()) == 1 &&
              EVP_PKEY_CTX_set_group_name(paramgen.get(), "x25519") == 1 &&
              EVP_PKEY_paramgen(paramgen.get(), &raw) == 1);
  EvpPkeyPtr peer(raw);
  ASSERT_EQ(EVP_PKEY_set1_encoded_public_key(peer.get(), bob_public.data(), bob_public.size()), 1);
  EXPECT_EQ(EVP_PKEY_get0_provider(peer.get()), nullptr);

  // Our share: a new key, whose public half goes into the ServerHello.
  PkeyCtxPtr keygen(EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr));
  raw = nullptr;
  ASSERT_TRUE(keygen && EVP_PKEY_keygen_init(keygen.get()) == 1 &&
              EVP_PKEY_CTX_set_group_name(keygen.get(), "x25519") == 1 && EVP_PKEY_keygen(keygen.get(), &raw) == 1);
  EvpPkeyPtr ours(raw);
  EXPECT_EQ(EVP_PKEY_get0_provider(ours.get()), nullptr) << "a provider made the key: the engine was not used";
  unsigned char* encoded = nullptr;
  EXPECT_EQ(EVP_PKEY_get1_encoded_public_key(ours.get(), &encoded), 32u);
  OPENSSL_free(encoded);

  // The secret, from RFC 7748's private key in place of the random one.
  EvpPkeyPtr alice(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, alice_private.data(), alice_private.size()));
  ASSERT_TRUE(alice);
  for (EVP_PKEY* key : {alice.get(), ours.get()}) {
    PkeyCtxPtr derive(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    std::vector<unsigned char> secret(32);
    size_t len = secret.size();
    ASSERT_TRUE(derive && EVP_PKEY_derive_init(derive.get()) == 1 &&
                EVP_PKEY_derive_set_peer(derive.get(), peer.get()) == 1 &&
                EVP_PKEY_derive(derive.get(), secret.data(), &len) == 1);
    ASSERT_EQ(len, 32u);
    if (key == alice.get()) {
      EXPECT_EQ(secret, shared);
    } else {
      EXPECT_NE(secret, shared) << "a random key shares nothing with Bob's";
    }
  }
}

}  // namespace
}  // namespace slowfast::testing
