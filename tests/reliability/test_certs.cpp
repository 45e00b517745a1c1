#include "test_certs.h"

#include <cstdio>
#include <stdexcept>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "slowfast/lab_certs.h"

namespace slowfast::testing {

namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string(what) + ": " + openssl_error());
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// An ECDSA P-256 certificate named `cn`, signed by `issuer` (self-signed when null).
KeyAndCert make_cert(const char* cn, const KeyAndCert* issuer, long from_s, long until_s, bool ca,
                     const std::string& san) {
  // prime256v1 is P-256 by the name OpenSSL's legacy EC path knows (slowfast/ec_key_engine.h).
  KeyAndCert out{EvpPkeyPtr(EVP_EC_gen("prime256v1")), X509Ptr(X509_new())};
  check(out.key && out.cert, "new key or certificate");
  X509* c = out.cert.get();
  X509_set_version(c, X509_VERSION_3);
  static long serial = 1000;
  ASN1_INTEGER_set(X509_get_serialNumber(c), ++serial);
  X509_gmtime_adj(X509_getm_notBefore(c), from_s);
  X509_gmtime_adj(X509_getm_notAfter(c), until_s);
  X509_set_pubkey(c, out.key.get());
  X509_NAME* name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509* issuer_cert = issuer ? issuer->cert.get() : c;
  X509_set_issuer_name(c, X509_get_subject_name(issuer_cert));
  add_ext(c, issuer_cert, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (ca) add_ext(c, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  if (!san.empty()) add_ext(c, issuer_cert, NID_subject_alt_name, san);
  check(X509_sign(c, issuer ? issuer->key.get() : out.key.get(), EVP_sha256()) > 0, "X509_sign");
  return out;
}

}  // namespace

KeyAndCert load_lab_ca(const std::filesystem::path& dir) {
  ensure_lab_certs(dir);
  LabCertPaths paths{dir};
  KeyAndCert ca;
  FILE* f = std::fopen(paths.ca_pem().c_str(), "r");
  check(f != nullptr, "open ca.pem");
  ca.cert.reset(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  f = std::fopen(paths.ca_key().c_str(), "r");
  check(f != nullptr, "open ca.key");
  ca.key.reset(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  check(ca.cert && ca.key, "reading the lab CA");
  return ca;
}

KeyAndCert make_foreign_ca() { return make_cert("foreign test CA", nullptr, -3600, 86400, true, ""); }

KeyAndCert issue_server_cert(const KeyAndCert& issuer, const std::string& san, long from_s, long until_s) {
  return make_cert("fault server", &issuer, from_s, until_s, false, san);
}

}  // namespace slowfast::testing
