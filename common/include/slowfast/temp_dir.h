// A scratch directory that goes with its owner: created fresh (mkdtemp), removed with
// everything in it on destruction, so a test that fails half-way leaves nothing behind.
#pragma once
#include <filesystem>
#include <string>

namespace slowfast {

class TempDir {
 public:
  // Makes /tmp/<prefix>-XXXXXX. Throws std::runtime_error when it cannot.
  explicit TempDir(const std::string& prefix = "slowfast");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }
  // Writes `text` to the file `name` in the directory and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace slowfast
