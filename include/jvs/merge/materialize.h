// Conflicts in the working copy: how a conflicted snapshot root (a
// Merge<TreeId>) becomes one plain tree of files a user can edit, and how the
// tree the user left is read back into a Merge<TreeId> at the next snapshot.
// Both directions are deterministic functions of their inputs, so nothing but
// the snapshot the files were based on needs to be remembered between them.
//
// A conflicted path (ListConflicts) is written in one of two ways, judged on
// its conflict once equal add/remove pairs cancel (Merge::Simplify; side K is
// then the K-th add):
//
//  - Text: every term is a regular file (no term absent), no term's content
//    is binary (a NUL byte in its first 8000 bytes) or larger than
//    kMaxMarkedTextSize, and the terms' modes resolve (Merge::ResolveTrivial).
//    The path holds the text merge of the contents (MergeText) with conflict
//    markers (RenderConflicts in `style`, marker length ChooseMarkerLength),
//    with the resolved mode.
//  - Sides (everything else: binary, symlinks, exec-bit conflicts,
//    modify/delete, add/add, file vs directory): the path holds side 1's value
//    (nothing when side 1 lacks the path); every other side K (2..N) present
//    there is written beside it as `<name>.jvs-side-K` (a file, symlink or
//    directory, whatever side K holds); and a small text file
//    `<name>.jvs-conflict` explains the conflict (its sides and bases, what
//    to do). A name already taken in the directory (by an entry of any term's
//    tree there, or by an earlier helper file: conflicts in path order, the
//    note before the side files) gets `~2`, `~3`, ... appended until free.
//    When `<name>` + suffix + `~N` would pass 255 bytes, only the start of
//    `<name>` is kept (cut at a UTF-8 character boundary).
//    A directory whose own permission bits conflict (every term a directory
//    or absent) gets the note file only: it holds side 1's bits (when side 1
//    lacks it, it is there only if conflicts below need it) and its entries
//    are handled path by path.
//    A directory created only to hold the helper files of a side that lacks
//    it is left out of that side's tree again when read back.
//
// Reading back (RecordWorkingTree), for each conflicted path of `base_root`:
//
//  - Text: the file unchanged (same blob as written in any of the three
//    styles) keeps the conflict as it is. A file whose markers still parse
//    (ParseConflicts with the side count and marker length, both recomputed
//    from `base_root`) keeps the conflict, with each term's content rebuilt
//    from the parsed hunks (edits outside the markers go to every term, edits
//    inside a section to that term) and each term's mode as it was. Otherwise
//    (markers gone or broken, a non-file, the path deleted) the path is
//    resolved to what the working copy holds.
//  - Sides: while `<name>.jvs-conflict` exists, the conflict stays: side 1
//    is what the path holds now, side K what `<name>.jvs-side-K` holds now
//    (absent when deleted), the bases as recorded; the helper files are not
//    recorded as files. Once the user deletes `<name>.jvs-conflict`, the
//    path is resolved to what it holds (and any side file left is recorded as
//    an ordinary file). For a directory's permission bits: side 1's bits are
//    the working directory's while the note exists.
// Paths that were not conflicted in `base_root` are taken from the working
// tree as they are, in every term. The result is simplified: a conflict whose
// terms now resolve trivially is resolved.
//
// Cost: both directions read only the directories above the conflicted
// paths (and, for text, the conflicted contents), never an untouched subtree;
// RecordWorkingTree recomputes the text merges of the conflicted paths.
//
// Thread-safety: plain functions; they read and write objects through the
// Store (thread-safe).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jvs/base/object_id.h"
#include "jvs/base/repo_path.h"
#include "jvs/base/result.h"
#include "jvs/merge/conflict_markers.h"
#include "jvs/merge/merge.h"
#include "jvs/merge/tree_merge.h"
#include "jvs/store/store.h"

namespace jvs {

// Text larger than this is written as sides, not markers (a merge of huge
// files line by line would hold all of them in memory).
inline constexpr uint64_t kMaxMarkedTextSize = 64ull << 20;

// One conflicted path as written into the working copy.
struct MaterializedConflict {
  enum class Kind { kText, kSides };
  RepoPath path;
  Kind kind = Kind::kSides;
  size_t num_sides = 0;  // the conflict's sides (adds), after Simplify
  // kText: the marker length used; kSides: 0.
  size_t marker_len = 0;
  // kText: the number of conflicted hunks written.
  size_t num_hunks = 0;
  // kSides: the explanation file, and for each side K >= 2 present, its path
  // (side_files[i] is side i+2's file, nullopt when that side lacks the path;
  // empty for a conflict of a directory's permission bits).
  std::optional<RepoPath> note_file;
  std::vector<std::optional<RepoPath>> side_files;
};

struct MaterializedTree {
  TreeId tree;  // a plain (resolved) tree, every object written to the store
  std::vector<MaterializedConflict> conflicts;  // sorted by path
};

// The plain tree that stands for `root` in the working copy. For a resolved
// root, its tree and no conflicts (nothing read).
Result<MaterializedTree> MaterializeTree(Store& store, const Merge<TreeId>& root, ConflictStyle style);

// The root to record for the working tree `working` whose files were
// materialized from `base_root` (see above). For a resolved base_root,
// `working` itself (nothing read).
Result<Merge<TreeId>> RecordWorkingTree(Store& store, const Merge<TreeId>& base_root, const TreeId& working);

// The ContentMerger of a tree merge for files: a line-level text merge
// (MergeText) of the contents read from the store when every term is present,
// not binary and at most kMaxMarkedTextSize; the merged blob is written when
// every hunk resolves. Anything else (a term absent: add/add; binary; too
// large) is a conflict (nullopt).
ContentMerger TextContentMerger(Store& store);

// Whether `content` counts as binary (a NUL byte in its first 8000 bytes).
// The same function as jvs/merge/text_diff.h declares (diffs use it too).
bool LooksBinary(std::string_view content);

}  // namespace jvs
