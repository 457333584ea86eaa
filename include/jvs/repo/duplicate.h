// Duplicate: copies of snapshots with new change ids, as one operation
// (Jujutsu's `jj duplicate`). Each copy keeps the note, author, time and tree
// of its original; its parents are the copies of its parents among the
// duplicated snapshots, else the original's parents, or the destinations
// when given (the copy's tree then carries the original's change onto them,
// conflicts recorded). The copies become visible as heads; nothing else
// moves, no file changes.
//
// A plain function; the Workspace and its Repo are the caller's (not
// thread-safe).
#pragma once

#include <vector>

#include "jvs/repo/rebase.h"
#include "jvs/repo/workspace.h"

namespace jvs {

struct DuplicateOutcome {
  std::vector<RebasedSnapshot> copies;  // original -> copy, parents first
  OperationId op;
};

// Duplicates `targets` onto `destinations` (empty: their own parents). Any
// stored snapshot can be copied, a hidden one too (the copy brings an old
// version back as a new change). kInvalidArgument for an empty list;
// kRefused for a destination among the targets.
Result<DuplicateOutcome> Duplicate(Workspace& ws, const std::vector<SnapshotId>& targets,
                                   const std::vector<SnapshotId>& destinations);

}  // namespace jvs
