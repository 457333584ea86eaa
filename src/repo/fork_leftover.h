// The directory an interrupted `worktree fork` left behind (its `fork_pending`
// marker names the directory and the snapshot): what it holds, and how to
// save it before it is replaced. Private to the repo layer; not thread-safe.
#pragma once

#include <optional>
#include <string>

#include "jvs/repo/repo.h"

namespace jvs {

// The marker `.jvs/worktrees/<name>/fork_pending`: the directory being
// filled, then (since permission bits were recorded) the snapshot forked.
struct ForkMarker {
  fs::path path;
  std::optional<SnapshotId> from;  // absent in markers of older versions
};
std::string EncodeForkMarker(const fs::path& path, const SnapshotId& from);
std::optional<ForkMarker> DecodeForkMarker(std::string_view text);

// What a leftover directory holds compared with the snapshot being forked.
struct LeftoverCheck {
  bool only_fork_output = false;  // every entry is (a prefix of) the snapshot's, nothing else
  std::string first_foreign;      // else: the first path that is not ("" when unknown)
  uint64_t entries = 0;           // files, symlinks and directories seen (all of them)
};
// Walks `dir` (iteratively) and compares it with the tree of `from`: each
// directory must be one of the tree, each symlink equal, each file a prefix
// of the recorded content (a fork killed while writing leaves a short file).
// The `.jvs` pointer file a fork writes at the top of an outside worktree
// counts as fork output.
Result<LeftoverCheck> CheckForkLeftover(Repo& repo, const std::optional<SnapshotId>& from, const fs::path& dir);

// Saves the files of `dir` as a snapshot (parent `parent`, when given),
// publishing an operation that keeps it (a visible head), and returns it.
// Refuses when the scan would not hold everything in `dir` (ignored or
// special files), so that nothing is lost when `dir` is replaced.
Result<SnapshotId> SaveLeftoverAsSnapshot(Repo& repo, const std::string& worktree, const fs::path& dir,
                                          const std::optional<SnapshotId>& parent, uint64_t entries_on_disk);

}  // namespace jvs
