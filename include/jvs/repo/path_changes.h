// Which snapshots changed a path: `history -- PATH` and the revset function
// files(). A snapshot changed a path when the entry there (a file, a symlink,
// or anything below a directory) differs from its parent's; a merge changed
// it only when it differs from every parent's (a merge that takes one side as
// it was changed nothing of its own); a root changed every path it holds. The
// trees are compared by id, so the cost follows what changed, not the size of
// the tree. A conflicted snapshot counts as changing a path when any side of
// the conflict does. Stateless functions reading a Repo's store.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "jvs/base/repo_path.h"
#include "jvs/repo/repo.h"

namespace jvs {

struct PathMatch {
  // Paths given by the user: the path itself and, for a directory,
  // everything below it. Empty: every path (narrowed by `predicate`).
  std::vector<RepoPath> prefixes;
  // When set, a changed leaf path ("data/a.txt") must also satisfy it
  // (glob and regex patterns).
  std::function<bool(const std::string&)> predicate;
};

Result<bool> SnapshotChangesPath(Repo& repo, const Snapshot& snapshot, const PathMatch& match);

}  // namespace jvs
