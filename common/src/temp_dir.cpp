#include "slowfast/temp_dir.h"

#include <stdlib.h>

#include <stdexcept>
#include <system_error>

#include "slowfast/files.h"

namespace slowfast {

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;  // a destructor must not throw: what cannot go stays
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& text) const {
  write_file(path_ / name, text);
  return path_ / name;
}

}  // namespace slowfast
