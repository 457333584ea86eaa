// TreeState: the per-worktree record of what each tracked path looked like
// when it was last read (mtime ns, ctime ns, size, inode, mode) and its blob
// id. It is a cache that lets a snapshot skip unchanged files: a path whose
// stat matches and whose mtime is older than `fs_time_ns` (the racy-timestamp
// rule) is not re-read. Rewritten atomically (temp + rename). Not versioned.
// It ends with a SHA-256 of its bytes: a damaged or unreadable tree state is
// discarded (LoadOrDiscard: the next scan reads every file), never trusted and
// never an error that blocks a command. Value type, thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "jvs/base/env.h"
#include "jvs/store/objects.h"

namespace jvs {

struct FileState {
  EntryKind kind = EntryKind::kFile;  // file, executable or symlink
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t size = 0;
  uint64_t ino = 0;
  uint32_t mode = 0;
  Digest id{};
  bool operator==(const FileState&) const = default;
};

FileState FileStateFromStat(const struct stat& st, EntryKind kind, const Digest& id);
// True when the stat of a path on disk matches the recorded state.
bool StatMatches(const FileState& recorded, const struct stat& st);

struct TreeState {
  static constexpr uint8_t kFormatVersion = 2;    // with a trailing SHA-256 checksum
  static constexpr uint8_t kUncheckedVersion = 1;  // older, without one: treated as absent
  TreeId tree;               // the tree the entries describe
  OperationId op;            // the operation it was last updated at
  int64_t fs_time_ns = 0;    // filesystem time taken before the entries were read
  std::vector<std::pair<std::string, FileState>> entries;  // sorted by path

  std::string Encode() const;
  static Result<TreeState> Decode(std::string_view data);
  // An empty state if missing or in the older format without a checksum;
  // kCorrupt when damaged (bad header, checksum mismatch, malformed entries).
  static Result<TreeState> Load(Env* env, const fs::path& path);
  // Load, but a damaged or unreadable state gives an empty one (a cache: the
  // next scan reads every file) and `*warning` says so.
  static TreeState LoadOrDiscard(Env* env, const fs::path& path, std::string* warning);
  // Only tree, op and fs_time_ns (the fixed-size header), no entries: for
  // questions about the state, not the files (a stale check). Empty if missing.
  static Result<TreeState> LoadHeader(Env* env, const fs::path& path);
  Status Save(Env* env, const fs::path& path) const;

  // Racy-timestamp rule: a file modified at or after fs_time_ns must be re-read.
  bool IsRacy(const FileState& s) const { return s.mtime_ns >= fs_time_ns; }
};

// Path -> entry, for lookups during a scan (one per scanned path, so it is
// a flat open-addressing table: one allocation, no node per path; at 200,000
// paths the node-based map was the largest user-space cost of a no-change
// snapshot). With duplicate paths the first entry wins.
class TreeStateIndex {
 public:
  explicit TreeStateIndex(const TreeState& state);
  const FileState* Find(std::string_view path) const;

 private:
  const TreeState& state_;
  // 0 = empty; else (high 32 bits of the path's hash) << 32 | (entry index + 1).
  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
};

// The filesystem's idea of "now" in directory `dir` (creates and removes a
// probe file), so timestamps compare with file mtimes at the same granularity.
Result<int64_t> FilesystemNow(Env* env, const fs::path& dir);
// A filesystem time strictly later than the mtime of every file written in
// `dir`'s filesystem before the call (waits for the next clock tick, a few
// milliseconds at most). Recorded as a tree state's fs_time_ns after writing
// files, it makes them clean while any later write still gives a newer mtime.
Result<int64_t> FilesystemClockAfterWrites(Env* env, const fs::path& dir);

}  // namespace jvs
