// Merged trees (Jujutsu's MergedTree): a root that is a Merge<TreeId>, whose
// term trees agree everywhere except at the conflicted paths. A path's value
// in one term is a PathValue (file, executable, symlink, tree, or absent), so
// a path's value across the terms is a Merge<PathValue>.
//
// MergeTrees walks the input trees together. A directory whose ids resolve
// trivially (changed on one side only, or the same way on every side) is
// taken by id without reading below it, so the cost follows what changed.
// Every path whose values resolve trivially is resolved; a path where every
// term is a directory (or absent) is merged entry by entry; a path where every
// side holds a file is merged in three parts: the content (offered to the
// caller's ContentMerger when it does not resolve trivially), the executable
// bits (mode & 0111) and the other permission bits. Anything else (symlinks
// that differ, modify/delete, add/add of different kinds, file vs directory)
// stays a conflict: each term's tree keeps that term's value at the path.
//
// Plain functions of their arguments; they read and write objects through the
// Store (thread-safe). The empty tree is never written (Store::WriteTree).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "jvs/base/object_id.h"
#include "jvs/base/repo_path.h"
#include "jvs/base/result.h"
#include "jvs/merge/merge.h"
#include "jvs/store/objects.h"
#include "jvs/store/store.h"

namespace jvs {

// What a tree entry holds apart from its name. Two values are equal when
// kind, id and mode agree (the size follows from the id).
struct TreeValue {
  EntryKind kind = EntryKind::kFile;
  Digest id{};
  uint64_t size = 0;
  std::optional<uint32_t> mode;  // canonical, as TreeEntry::mode

  static TreeValue Of(const TreeEntry& e) { return {e.kind, e.id, e.size, e.mode}; }
  TreeEntry ToEntry(std::string name) const { return {std::move(name), kind, id, size, mode}; }
  uint32_t EffectiveMode() const { return mode ? *mode : TreeEntry::DefaultMode(kind); }
  bool is_tree() const { return kind == EntryKind::kTree; }
  bool is_file() const { return kind == EntryKind::kFile || kind == EntryKind::kExecutable; }
  bool operator==(const TreeValue& o) const {
    return kind == o.kind && id == o.id && mode == o.mode;
  }
};
// A path's value in one term: nullopt when the path is absent there.
using PathValue = std::optional<TreeValue>;

// Merges the contents of one file path whose sides are all files (a remove
// may be absent: the path was added on several sides). Returns the merged
// content's blob id, already written to the store, or nullopt when the
// contents conflict. Called only when the contents do not resolve trivially.
using ContentMerger = std::function<Result<std::optional<BlobId>>(
    const RepoPath& path, const Merge<std::optional<BlobId>>& contents)>;

// Counters of one merge, for tests and --debug.
struct TreeMergeStats {
  uint64_t trees_read = 0;      // distinct trees read from the store
  uint64_t trees_written = 0;   // trees handed to Store::WriteTree (never the empty one)
  uint64_t content_merges = 0;  // calls of the ContentMerger
};

// Merges `input` into a simplified Merge<TreeId> (resolved when nothing
// conflicts). Refuses a tree deeper than kMaxTreeDepth (kUnsupported).
Result<Merge<TreeId>> MergeTrees(Store& store, const Merge<TreeId>& input,
                                 const ContentMerger& merge_files, TreeMergeStats* stats = nullptr);

// One conflicted path of a merged tree and its value in every term (as
// stored: call Simplify() to drop the terms that cancel).
struct ConflictedPath {
  RepoPath path;
  Merge<PathValue> value;
};

// The conflicted paths of `tree`, sorted by path: every path whose values do
// not resolve trivially, where not every term is a directory or absent (those
// are walked), plus directories whose permission bits conflict. Empty for a
// resolved tree, without reading it.
Result<std::vector<ConflictedPath>> ListConflicts(Store& store, const Merge<TreeId>& tree);

// The value of `path` in every term of `tree` (the root: its tree ids).
Result<Merge<PathValue>> PathValueAt(Store& store, const Merge<TreeId>& tree, const RepoPath& path);

// A snapshot's root as a Merge<TreeId>, and back (simplified: the canonical
// form that Snapshot::Decode accepts).
Merge<TreeId> SnapshotRoot(const Snapshot& snapshot);
void SetSnapshotRoot(Snapshot* snapshot, const Merge<TreeId>& root);

}  // namespace jvs
