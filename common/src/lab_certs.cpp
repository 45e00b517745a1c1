#include "slowfast/lab_certs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <system_error>

#include <openssl/pem.h>
#include <openssl/rand.h>

#include "slowfast/build_dir.h"
#include "slowfast/openssl_ptr.h"

namespace slowfast {
namespace fs = std::filesystem;

namespace {

constexpr long kCaDays = 3650;
constexpr long kServerDays = 365;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + openssl_error());
}

// P-256 by its OpenSSL name: the EC key engine (slowfast/ec_key_engine.h) takes EC
// keys down OpenSSL's legacy path, which knows curves by that name, not by "P-256".
EvpPkeyPtr new_p256_key() {
  EvpPkeyPtr key(EVP_EC_gen("prime256v1"));
  if (!key) fail("generating an ECDSA P-256 key");
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) fail(std::string("building extension ") + OBJ_nid2sn(nid));
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (!ok) fail("adding an extension");
}

// An unsigned certificate for `key`, named `cn`, issued by `issuer` (self-issued when
// null); sign() it after adding extensions. Backdated an hour so that small clock differences do not matter.
X509Ptr new_cert(EVP_PKEY* key, const char* cn, long days, X509* issuer) {
  X509Ptr cert(X509_new());
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), X509_VERSION_3);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("RAND_bytes");
  serial[0] &= 0x7f;  // a positive serial number
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("slowfast lab"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  return cert;
}

void sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) == 0) fail("signing a certificate");
}

// Writes through a temporary file and renames it into place: a reader never sees a
// half-written file.
template <typename Write>
void write_pem(const fs::path& path, mode_t mode, Write write) {
  fs::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot write " + tmp.string());
  FILE* f = ::fdopen(fd, "w");
  bool ok = f && write(f) == 1;
  if (f) ok = (std::fclose(f) == 0) && ok; else ::close(fd);
  if (!ok) fail("writing " + tmp.string());
  fs::rename(tmp, path);
}

void write_key(const fs::path& path, EVP_PKEY* key) {
  write_pem(path, 0600, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

void write_cert(const fs::path& path, X509* cert) {
  write_pem(path, 0644, [&](FILE* f) { return PEM_write_X509(f, cert); });
}

void create_lab_certs(const LabCertPaths& p) {
  EvpPkeyPtr ca_key = new_p256_key();
  X509Ptr ca = new_cert(ca_key.get(), "slowfast lab CA", kCaDays, nullptr);
  add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  sign(ca.get(), ca_key.get());

  EvpPkeyPtr srv_key = new_p256_key();
  X509Ptr srv = new_cert(srv_key.get(), "localhost", kServerDays, ca.get());
  add_ext(srv.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(srv.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
  add_ext(srv.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_ext(srv.get(), ca.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  add_ext(srv.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  sign(srv.get(), ca_key.get());

  // Keys first, the CA certificate last: check_lab_certs() then sees either the old
  // set or the complete new one.
  write_key(p.ca_key(), ca_key.get());
  write_key(p.server_key(), srv_key.get());
  write_cert(p.server_pem(), srv.get());
  write_cert(p.ca_pem(), ca.get());
}

X509Ptr read_cert(const fs::path& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return nullptr;
  X509Ptr cert(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return cert;
}

EvpPkeyPtr read_key(const fs::path& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return nullptr;
  EvpPkeyPtr key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return key;
}

bool valid_for(X509* cert, std::chrono::hours h) {
  time_t when = std::time(nullptr) + static_cast<time_t>(h.count()) * 3600;
  return X509_cmp_time(X509_get0_notAfter(cert), &when) > 0 &&
         X509_cmp_current_time(X509_get0_notBefore(cert)) < 0;
}

// Holds an exclusive flock on DIR/.lock for its lifetime.
class DirLock {
 public:
  explicit DirLock(const fs::path& dir) {
    fd_ = ::open((dir / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0)
      throw std::system_error(errno, std::generic_category(), "cannot lock " + dir.string());
  }
  ~DirLock() { ::close(fd_); }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace

fs::path default_lab_certs_dir() {
  if (const char* env = std::getenv("SLOWFAST_CERTS"); env && *env) return env;
  return build_dir() / "lab-certs";
}

std::string check_lab_certs(const fs::path& dir, std::chrono::hours min_validity) {
  LabCertPaths p{dir};
  for (const fs::path& f : {p.ca_pem(), p.ca_key(), p.server_pem(), p.server_key()})
    if (!fs::exists(f)) return "missing " + f.string();
  X509Ptr ca = read_cert(p.ca_pem());
  X509Ptr srv = read_cert(p.server_pem());
  EvpPkeyPtr srv_key = read_key(p.server_key());
  EvpPkeyPtr ca_key = read_key(p.ca_key());
  ERR_clear_error();
  if (!ca || !srv || !srv_key || !ca_key) return "unreadable PEM file in " + dir.string();
  if (!valid_for(ca.get(), min_validity) || !valid_for(srv.get(), min_validity))
    return "certificate expired or about to expire in " + dir.string();
  if (X509_check_private_key(srv.get(), srv_key.get()) != 1 ||
      X509_check_private_key(ca.get(), ca_key.get()) != 1) {
    ERR_clear_error();
    return "key does not match certificate in " + dir.string();
  }
  if (X509_verify(srv.get(), X509_get0_pubkey(ca.get())) != 1) {
    ERR_clear_error();
    return "server certificate is not signed by the lab CA in " + dir.string();
  }
  return "";
}

CertsStatus ensure_lab_certs(const fs::path& dir, std::chrono::hours min_validity) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());
  DirLock lock(dir);
  if (check_lab_certs(dir, min_validity).empty()) return CertsStatus::kReused;
  create_lab_certs(LabCertPaths{dir});
  std::string why = check_lab_certs(dir, min_validity);
  if (!why.empty()) throw std::runtime_error("new lab certificates are unusable: " + why);
  return CertsStatus::kCreated;
}

}  // namespace slowfast
