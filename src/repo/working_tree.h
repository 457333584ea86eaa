// The plain tree that stands for a snapshot in a worktree's files, and the
// root a scanned working tree records: the repo layer's use of
// jvs/merge/materialize.h. A resolved snapshot is its own tree; a conflicted
// one is materialized (markers for text, side files for the rest) and read
// back relative to the snapshot the files were based on. Private to src/repo.
#pragma once

#include <optional>

#include "jvs/merge/materialize.h"
#include "jvs/repo/repo.h"

namespace jvs {

// The tree the files of a worktree hold for `snapshot` (none: the empty tree).
Result<TreeId> WorkingTreeOf(Repo& repo, const std::optional<SnapshotId>& snapshot);
Result<TreeId> WorkingTreeOf(Repo& repo, const Snapshot& snapshot);

// The root to record for the scanned tree `scanned` of files based on `base`
// (a conflict still marked in the files stays a conflict).
Result<Merge<TreeId>> RecordedRoot(Repo& repo, const std::optional<SnapshotId>& base, const TreeId& scanned);

}  // namespace jvs
