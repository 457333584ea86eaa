// Helpers shared by unit and end-to-end tests: temporary directories and
// small file utilities, substring matching. Test-only.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

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

// The file holding a store object in the local backend's layout (the only
// code that knows it: src/store/local_backend.h), for tests that damage,
// plant or remove objects on purpose. `store_dir` is `.jvs/store`; `kind` is
// "blob", "tree" or "snapshot" (or their plurals); `hex` a 64-hex id.
fs::path StoreObjectFile(const fs::path& store_dir, std::string_view kind, std::string_view hex);

}  // namespace jvs::testing
