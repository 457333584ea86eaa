// Helpers for the integrity tests (verify, doctor, tamper, hostile input):
// paths of stored objects, byte flips, raw objects written under their true
// id, and a pid that is certainly not running.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "e2e_util.h"
#include "jvs/base/hash.h"
#include "jvs/store/objects.h"

namespace jvs::e2e {

inline std::string HexOf(const std::string& bytes) {
  Digest d = Sha256Of(bytes);
  return ToHex(d.data(), d.size());
}

// The file of a stored object (`kind`: blobs, trees, snapshots) for a 64-hex
// id, in the local backend's layout.
inline fs::path StoreObject(const fs::path& root, const std::string& kind, const std::string& hex) {
  return jvs::testing::StoreObjectFile(root / ".jvs" / "store", kind, hex);
}

// Writes `bytes` as an object of `kind` (blobs, trees, snapshots) under
// their true id (so the content hash matches) and returns the id.
inline std::string PutObject(const fs::path& root, const std::string& kind,
                             const std::string& bytes) {
  std::string hex = HexOf(bytes);
  fs::path p = StoreObject(root, kind, hex);
  fs::create_directories(p.parent_path());
  if (fs::exists(p)) ::chmod(p.c_str(), 0644);
  jvs::testing::WriteFile(p, bytes);
  return hex;
}

// Flips one bit of the byte at `offset` (from the middle when negative).
// Stored blobs are read-only (0444): made writable first.
inline void FlipByte(const fs::path& p, long offset = -1) {
  ASSERT_TRUE(fs::exists(p)) << p;
  ::chmod(p.c_str(), 0644);
  std::string data = jvs::testing::ReadFile(p);
  ASSERT_FALSE(data.empty()) << p;
  size_t at = offset < 0 ? data.size() / 2 : static_cast<size_t>(offset);
  ASSERT_LT(at, data.size());
  data[at] ^= 0x01;
  jvs::testing::WriteFile(p, data);
}

// A pid that ran and exited (so it names no process, barring reuse).
inline long DeadPid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return static_cast<long>(pid);
}

// Sets the modification time of `p` (without following symlinks) to
// `seconds_ago` seconds in the past.
inline void Backdate(const fs::path& p, int seconds_ago) {
  struct timeval now;
  ::gettimeofday(&now, nullptr);
  struct timespec ts[2];
  ts[0].tv_sec = ts[1].tv_sec = now.tv_sec - seconds_ago;
  ts[0].tv_nsec = ts[1].tv_nsec = 0;
  ::utimensat(AT_FDCWD, p.c_str(), ts, AT_SYMLINK_NOFOLLOW);
}

// The snapshot descriptor for `tree_hex` with fixed metadata.
inline std::string Descriptor(const std::string& tree_hex, const std::string& worktree = "main") {
  Snapshot s;
  s.SetTree(*TreeId::FromHex(tree_hex));
  s.change_id = std::string(32, 'c');
  s.note = "crafted";
  s.created_at = "2026-01-01T00:00:00.000Z";
  s.worktree = worktree;
  s.author = "evil@host";
  s.engine = "copy";
  return s.Encode();
}

inline bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}
inline bool Has(const json& haystack, const std::string& needle) {
  return haystack.is_string() && Has(haystack.get<std::string>(), needle);
}

}  // namespace jvs::e2e
