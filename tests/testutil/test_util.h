// Helpers shared by unit and end-to-end tests: temporary directories and
// small file utilities, substring matching. Test-only.
#pragma once

#include <filesystem>
#include <string>

namespace jvs::testing {

namespace fs = std::filesystem;

// A fresh directory under $TMPDIR (or /tmp), removed on destruction unless
// JVS_KEEP_TEST_DIRS is set.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  fs::path path_;
};

void WriteFile(const fs::path& p, const std::string& content);
inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}
std::string ReadFile(const fs::path& p);

}  // namespace jvs::testing
