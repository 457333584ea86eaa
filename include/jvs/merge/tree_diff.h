// Tree diff: the paths that differ between two trees, found by walking both
// and skipping equal subtree ids, so the cost follows what changed. Trees are
// read through a TreeGetter (the store, or trees a status scan holds in
// memory). Plain functions of their arguments; thread-compatible.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "jvs/base/repo_path.h"
#include "jvs/base/result.h"
#include "jvs/store/objects.h"

namespace jvs {

// One changed path between two trees (leaf level: files, symlinks, and
// directories that are empty on the side where they exist).
struct TreeChange {
  RepoPath path;
  std::optional<TreeEntry> old_entry;
  std::optional<TreeEntry> new_entry;
  // A rename (jvs/merge/renames.h): the path old_entry had; `path` is the
  // new one. `similarity` is 100 when the content is the same.
  std::optional<RepoPath> old_path;
  int similarity = 0;
  bool renamed() const { return old_path.has_value(); }
  bool added() const { return !old_entry && new_entry; }
  bool removed() const { return old_entry && !new_entry; }
};

// The deepest tree the walks accept (directories below the root): deeper than
// any path Linux can name in one call (PATH_MAX is 4096 bytes, and every level
// takes at least two), so only a crafted tree reaches it. Walks are iterative
// (an explicit stack), so the limit bounds memory, not the call stack.
inline constexpr size_t kMaxTreeDepth = 2048;

using TreeGetter = std::function<Result<std::shared_ptr<const Tree>>(const TreeId&)>;

// Walks both trees, skipping equal subtrees. With `paths`, only changes at or
// below one of them are reported. Sorted by path. A tree deeper than
// kMaxTreeDepth is refused (kUnsupported).
Result<std::vector<TreeChange>> DiffTrees(const TreeGetter& get, const TreeId& from, const TreeId& to,
                                          const std::vector<RepoPath>& paths = {});

// Looks up the entry at `path` in the tree `root` (nullopt when absent).
Result<std::optional<TreeEntry>> LookupPath(const TreeGetter& get, const TreeId& root,
                                            const RepoPath& path);

}  // namespace jvs
