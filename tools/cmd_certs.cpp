// `slowfast certs [--out DIR] [--force]`: create (or reuse) the lab CA and server certificate.
#include <iostream>
#include <memory>

#include "commands.h"
#include "slowfast/lab_certs.h"

namespace slowfast::cli {

namespace {
struct CertsOptions {
  std::string out;
  bool force = false;
};
}  // namespace

void add_certs_command(CLI::App& app) {
  auto opts = std::make_shared<CertsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "certs", "Create the lab CA and the server certificate (reused while valid)");
  cmd->add_option("--out", opts->out,
                  "Directory for ca.pem, ca.key, server.pem, server.key "
                  "(default: $SLOWFAST_CERTS or build/lab-certs)");
  cmd->add_flag("--force", opts->force, "Regenerate even when the current set is valid");
  cmd->callback([opts] {
    std::filesystem::path dir =
        opts->out.empty() ? default_lab_certs_dir() : std::filesystem::path(opts->out);
    if (opts->force) {
      for (const char* f : {"ca.pem", "ca.key", "server.pem", "server.key"})
        std::filesystem::remove(dir / f);
    }
    CertsStatus st = ensure_lab_certs(dir);
    std::cout << (st == CertsStatus::kCreated ? "created" : "reused") << " lab certificates in "
              << dir.string() << " (ca.pem, server.pem; keys 0600)\n";
  });
}

}  // namespace slowfast::cli
