// The lab CA and server certificate: chain, names, key type, permissions, reuse.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "slowfast/files.h"
#include "slowfast/lab_certs.h"
#include "slowfast/openssl_ptr.h"
#include "slowfast/temp_dir.h"

namespace slowfast {
namespace {
namespace fs = std::filesystem;

X509Ptr load_cert(const fs::path& p) {
  BioPtr bio(BIO_new_file(p.c_str(), "r"));
  return X509Ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

class LabCerts : public ::testing::Test {
 protected:
  TempDir temp_{"slowfast-certs"};
  const fs::path dir_ = temp_.path();
};

TEST_F(LabCerts, ServerCertificateChainsToTheLabCaWithTheRightNames) {
  ASSERT_EQ(ensure_lab_certs(dir_), CertsStatus::kCreated);
  LabCertPaths p{dir_};
  X509Ptr ca = load_cert(p.ca_pem());
  X509Ptr srv = load_cert(p.server_pem());
  ASSERT_TRUE(ca && srv);

  std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE_free>> store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), ca.get());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), srv.get(), nullptr);
  EXPECT_EQ(X509_verify_cert(ctx.get()), 1)
      << X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));

  EXPECT_EQ(X509_check_host(srv.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(srv.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(srv.get(), "::1", 0), 1);
  EXPECT_EQ(X509_check_host(srv.get(), "example.com", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ca(srv.get()), 0);
  EXPECT_GE(X509_check_ca(ca.get()), 1);

  EVP_PKEY* key = X509_get0_pubkey(srv.get());
  EXPECT_EQ(EVP_PKEY_get_base_id(key), EVP_PKEY_EC);
  char group[64] = "";
  EVP_PKEY_get_group_name(key, group, sizeof group, nullptr);
  EXPECT_STREQ(group, "prime256v1");
}

TEST_F(LabCerts, KeysAreReadableByTheOwnerOnly) {
  ensure_lab_certs(dir_);
  for (const char* key : {"ca.key", "server.key"}) {
    struct stat st{};
    ASSERT_EQ(stat((dir_ / key).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << key;
  }
}

TEST_F(LabCerts, AValidSetIsReusedAndAMissingFileRegeneratesIt) {
  ensure_lab_certs(dir_);
  std::string ca = read_file(dir_ / "ca.pem");
  EXPECT_EQ(ensure_lab_certs(dir_), CertsStatus::kReused);
  EXPECT_EQ(read_file(dir_ / "ca.pem"), ca);
  fs::remove(dir_ / "server.key");
  EXPECT_EQ(ensure_lab_certs(dir_), CertsStatus::kCreated);
  EXPECT_NE(read_file(dir_ / "ca.pem"), ca);
  EXPECT_EQ(check_lab_certs(dir_), "");
}

TEST_F(LabCerts, ACorruptOrExpiringSetIsReportedAndReplaced) {
  ensure_lab_certs(dir_);
  // The server certificate is valid for a year: asking for two years reports it.
  EXPECT_NE(check_lab_certs(dir_, std::chrono::hours(24 * 730)).find("expire"), std::string::npos);
  std::ofstream(dir_ / "server.pem") << "not a certificate\n";
  EXPECT_NE(check_lab_certs(dir_), "");
  EXPECT_EQ(ensure_lab_certs(dir_), CertsStatus::kCreated);
  EXPECT_EQ(check_lab_certs(dir_), "");
}

}  // namespace
}  // namespace slowfast
