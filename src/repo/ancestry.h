// Snapshot ancestry questions the merge verbs ask: the common ancestors of
// two sets of snapshots (the heads of their common history). Walks parents
// through the store; cost follows the history walked (an index comes with
// revsets). Plain functions; the Repo is not owned and not thread-safe.
#pragma once

#include <vector>

#include "jvs/repo/repo.h"

namespace jvs {

// The heads of ancestors(a) & ancestors(b) (a snapshot counts as its own
// ancestor), sorted by id.
Result<std::vector<SnapshotId>> CommonAncestorsOf(Repo& repo, const std::vector<SnapshotId>& a,
                                                  const std::vector<SnapshotId>& b);

// Whether `ancestor` is `id` or one of its ancestors.
Result<bool> IsAncestor(Repo& repo, const SnapshotId& ancestor, const SnapshotId& id);

}  // namespace jvs
