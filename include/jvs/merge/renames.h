// Rename detection over a tree diff (as git's diffcore-rename, simplified):
// a removed path and an added path of the same kind become one change, a
// rename, when their content is the same (exact: compared by id), or, for
// text files, when their lines are similar enough. Used by diff, status and
// show. Plain functions; thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "jvs/merge/tree_diff.h"

namespace jvs {

struct RenameOptions {
  // Also pair text files whose content differs (similarity below 100).
  bool similar = true;
  // The least similarity (percent of lines kept, as git's -M50%).
  int min_similarity = 50;
  // Inexact matching is skipped when removed x added candidates exceed it
  // (git's diff.renameLimit is 1000 files a side).
  size_t max_pairs = 1000 * 1000;
  // Files larger than this are matched only exactly.
  uint64_t max_text_bytes = uint64_t{1} << 20;
};

// Reads one side of a change: the old content of a removed path
// (`new_side` false) or the new content of an added one. nullopt when it
// cannot be read (then the pair is not compared).
using RenameContentReader =
    std::function<std::optional<std::string>(const RepoPath& path, const TreeEntry& entry, bool new_side)>;

// `changes` (sorted by path, as DiffTrees returns them) with renames paired:
// each rename is one change at the new path with `old_path`, `old_entry`
// (the removed side) and `similarity`; the removed change is dropped. Empty
// files and directories are never paired (their content says nothing), nor
// entries of different kinds (a file and a symlink). Among several equal
// candidates, one with the same file name wins, then the first by path.
// Sorted by path.
std::vector<TreeChange> DetectRenames(std::vector<TreeChange> changes, const RenameContentReader& read,
                                      const RenameOptions& options = {});

// The similarity of two texts in percent: lines in common (as the line diff
// counts them) over the lines of the larger one; 100 for equal texts.
int TextSimilarity(std::string_view a, std::string_view b);

}  // namespace jvs
