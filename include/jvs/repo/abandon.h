// Abandon: hide snapshots, as one operation (Jujutsu's `jj abandon`). Each
// abandoned snapshot stops being visible (it stays readable by id and in the
// operation log, recorded as rewritten into nothing); its visible descendants
// are rebased onto its parents, each keeping its own change, so a conflict the
// abandoned snapshot caused in them disappears. A worktree whose head (or
// latest snapshot) was abandoned stands at the abandoned snapshot's first
// parent. When the head of the worktree the command runs in moves, its files
// follow, uncommitted changes carried onto the new head (saved first: undo
// brings the files back exactly), as for rebase; another worktree whose head
// moved follows on its next command (stale worktrees).
// Tagged snapshots are refused (a tag names a snapshot to keep).
//
// A plain function; the Workspace and its Repo are the caller's (not
// thread-safe).
#pragma once

#include <string>
#include <vector>

#include "jvs/repo/rebase.h"
#include "jvs/repo/workspace.h"

namespace jvs {

struct AbandonOutcome {
  std::vector<SnapshotId> abandoned;          // as asked, without repeats
  std::vector<RebasedSnapshot> descendants;   // rebased onto the parents, parents first
  std::vector<std::string> worktrees_moved;   // worktrees whose head was abandoned or rebased
  bool files_updated = false;  // this worktree's head moved and its files followed
  RestoreOutcome update;       // when files_updated
  // When files_updated and the worktree had uncommitted changes: saved on the
  // old head (`captured`) and carried onto the new head (`carried`).
  std::optional<SnapshotId> captured, carried;
  OperationId op;
};

// Abandons `targets` (visible snapshots) from worktree `ws`. kRefused for a
// snapshot that is not visible (already rewritten or abandoned) and for a
// tagged one; kInvalidArgument for an empty list.
Result<AbandonOutcome> Abandon(Workspace& ws, const std::vector<SnapshotId>& targets);

}  // namespace jvs
