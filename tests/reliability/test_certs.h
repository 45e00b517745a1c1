// Certificates for the fault server, made at test time with the OpenSSL 3 API: the
// lab CA's good server certificate, and the bad ones a client must refuse (wrong name,
// foreign CA, expired). Never written to the repository.
#pragma once
#include <filesystem>
#include <string>

#include "slowfast/openssl_ptr.h"

namespace slowfast::testing {

struct KeyAndCert {
  EvpPkeyPtr key;
  X509Ptr cert;
};

// The lab CA in `dir` (made by ensure_lab_certs when missing).
KeyAndCert load_lab_ca(const std::filesystem::path& dir);

// A fresh self-signed CA that no client trusts.
KeyAndCert make_foreign_ca();

// A server certificate naming `san` (e.g. "IP:127.0.0.1", "DNS:wrong.example"), signed by
// `issuer`, valid from now + `from_s` to now + `until_s` seconds.
KeyAndCert issue_server_cert(const KeyAndCert& issuer, const std::string& san, long from_s, long until_s);

}  // namespace slowfast::testing
