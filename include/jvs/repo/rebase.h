// Rebase: moving snapshots onto new parents in one operation (Jujutsu's
// `jj rebase -s / -r / -b`). Each moved snapshot S keeps its own change: its
// new root is S + (merge of its new parents - merge of its old parents), so a
// merge snapshot moves with only what it added. Conflicts are recorded in the
// rebased snapshots and never stop a rebase; a conflicted snapshot whose new
// parents remove the cause comes out resolved (its terms cancel).
//
// PlanRebase writes the new snapshot objects and says what replaces what;
// ApplyRebase turns that into a view (heads, worktree heads and latest, tags);
// Rebase does both for a command run in a worktree, under its lock, bringing
// that worktree's files along when its head moved. Other worktrees whose head
// moved update their files on their next command (stale worktrees).
//
// Plain functions; the Repo and Workspace are the caller's (not thread-safe).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "jvs/merge/tree_merge.h"
#include "jvs/repo/repo.h"
#include "jvs/repo/workspace.h"

namespace jvs {

enum class RebaseMode {
  kSource,    // `what` and all its visible descendants
  kRevision,  // only `what`; its descendants move onto its old parents
  kBranch,    // the roots of (ancestors of `what` minus ancestors of the destination), with descendants
};

struct RebaseRequest {
  RebaseMode mode = RebaseMode::kSource;
  SnapshotId what;
  std::vector<SnapshotId> destinations;  // the new parents (at least one)
};

struct RebasedSnapshot {
  SnapshotId old_id;
  SnapshotId new_id;
  bool conflicted = false;  // the new snapshot records a conflict
};

// What PlanRebase decided (the new snapshots already written to the store).
struct RebasePlan {
  std::vector<RebasedSnapshot> rebased;  // parents before children
  std::map<SnapshotId, SnapshotId> replacement;  // old -> new, every rebased snapshot
  // Parents of moved snapshots that nothing else keeps visible: they stay
  // visible as heads (a rebase hides only what it rewrote).
  std::vector<SnapshotId> keep_visible;
  // The new snapshots with their new parents (for the heads).
  std::map<SnapshotId, std::vector<SnapshotId>> new_parents;
  // Abandoned snapshots (PlanDescendants) -> their parents as rewritten: they
  // stop being heads, and a worktree head or latest snapshot that named one
  // moves to the first of them (none: the worktree becomes empty).
  std::map<SnapshotId, std::vector<SnapshotId>> abandoned;
  TreeMergeStats stats;
};

// Plans the rebase of `request` against `view` (the snapshots visible from
// its heads, worktrees and tags; pins do not pull snapshots in). Refuses
// (kRefused) a destination that is among the snapshots that move (a cycle)
// and a rebase that would change nothing; kInvalidArgument without a
// destination.
Result<RebasePlan> PlanRebase(Repo& repo, const View& view, const RebaseRequest& request);

// `view` with the rebase applied: the rewritten snapshots replaced by their
// new versions as heads, worktree heads and latest snapshots, and tags;
// abandoned snapshots replaced by their parents.
View ApplyRebase(View view, const RebasePlan& plan);

// The rewrites a command made (`rewritten`: old -> new version, already
// written; `abandoned`: snapshots to hide) carried down to every visible
// descendant, as Jujutsu's rebase_descendants: a child of a rewritten
// snapshot moves onto its new version, a child of an abandoned one onto the
// abandoned one's parents, each keeping its own change (conflicts recorded,
// never stopping it). The plan's `replacement` holds `rewritten` too, and its
// `abandoned` the abandoned snapshots with their parents as rewritten.
// Parents that would lose their last visible child stay visible as heads.
// Deterministic: planning again on the same view writes the same snapshots.
Result<RebasePlan> PlanDescendants(Repo& repo, const View& view, const std::map<SnapshotId, SnapshotId>& rewritten,
                                   const std::vector<SnapshotId>& abandoned);

// `old` rewritten onto `parents`: its root becomes old + (merge of `parents`
// - merge of its old parents), simplified; everything else is kept (change id,
// note, author, time). Not written.
Result<Snapshot> RewriteOnto(Repo& repo, const Snapshot& old, const std::vector<SnapshotId>& parents,
                             TreeMergeStats* stats = nullptr);

struct RebaseOutcome {
  RebasePlan plan;
  std::vector<std::string> worktrees_moved;  // worktrees whose head is now a rebased snapshot
  bool files_updated = false;  // this worktree's head moved and its files followed
  RestoreOutcome update;       // when files_updated
  // When files_updated and the worktree had uncommitted changes: they were
  // saved on the old head (`captured`, what undo brings back) and carried
  // onto the new head (`carried`, what the files now hold).
  std::optional<SnapshotId> captured, carried;
  OperationId op;
};

// Runs `request` from worktree `ws` as one operation. When the worktree's head
// is rebased, its files follow, uncommitted changes carried onto the new head.
Result<RebaseOutcome> Rebase(Workspace& ws, const RebaseRequest& request);

}  // namespace jvs
