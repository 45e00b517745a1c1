// The lab's throwaway certificate authority and the delay server's certificate.
//
// One directory holds four files: ca.pem, ca.key, server.pem, server.key (keys 0600).
// The CA and the server key are ECDSA P-256 (RSA-2048 costs the server ~0.8 ms more
// per handshake). The server certificate names localhost, 127.0.0.1 and ::1.
// The server and every client share one default directory, so nothing needs flags.
#pragma once
#include <chrono>
#include <filesystem>
#include <string>

namespace slowfast {

struct LabCertPaths {
  std::filesystem::path dir;
  std::filesystem::path ca_pem() const { return dir / "ca.pem"; }
  std::filesystem::path ca_key() const { return dir / "ca.key"; }
  std::filesystem::path server_pem() const { return dir / "server.pem"; }
  std::filesystem::path server_key() const { return dir / "server.key"; }
};

// $SLOWFAST_CERTS when set, else <directory of the running executable>/../lab-certs,
// i.e. build/lab-certs for binaries in build/bin.
std::filesystem::path default_lab_certs_dir();

enum class CertsStatus { kReused, kCreated };

// Makes sure `dir` holds a valid set: all four files present, the server certificate
// chains to the CA, and neither expires within `min_validity`. Otherwise writes a new
// set (atomically, under a lock, so a server and a client starting together agree).
// Throws std::runtime_error with one readable line on failure.
CertsStatus ensure_lab_certs(const std::filesystem::path& dir,
                             std::chrono::hours min_validity = std::chrono::hours(24));

// Why an existing set is unusable, or "" when it is fine.
std::string check_lab_certs(const std::filesystem::path& dir,
                            std::chrono::hours min_validity = std::chrono::hours(24));

}  // namespace slowfast
