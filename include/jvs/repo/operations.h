// Working with the operation log: listing it, resolving operation references,
// and planning undo / redo / op restore as ViewUpdates (the working copy
// follows when the plan is applied with Workspace::Update).
//
// Undo belongs to a worktree. `undo` in worktree W takes back the latest
// operation still in effect that was run in W (attribute "from_worktree"), or
// that changed W's record without being run there (an `op restore` or a
// `worktree remove` elsewhere, operations recorded before the attribute).
// Taking back T applies T's inverse to the current view, three-way (as
// Jujutsu's `op revert`): what T changed goes back unless a later operation
// changed it again; operations of other worktrees in between are kept. For
// a T run elsewhere, only W's record goes back. Repeated `undo` keeps stepping
// back (an undo and what it undid cancel out); `redo` re-applies what the
// latest run of undos in W took back. Both are recorded in operation
// attributes ("undo_of", "redo_of"). With `whole_repo`, every operation is
// W's (the repository-wide undo).
//
// W's files go back to what they were just before T: the dirty files T saved
// first (its "captured_snapshot"), or untouched when T did not move W's files
// (a snapshot, a tag, another worktree's command, an undo of a snapshot),
// else the new head's files (dirty files are saved first, as always).
#pragma once

#include <string>
#include <vector>

#include "jvs/oplog/op_walk.h"  // OpLogEntry
#include "jvs/repo/repo.h"
#include "jvs/repo/workspace.h"

namespace jvs {

// The operations reachable from the current one, newest first.
Result<std::vector<OpLogEntry>> OperationLog(Repo& repo, std::optional<size_t> limit);

// "@" (current), "@-" (its first parent; "@--" and so on), or a unique id
// prefix (>= 4 hex digits).
Result<OperationId> ResolveOperation(Repo& repo, std::string_view spec);

// Undo and redo publish the view before (after) the operation they step over,
// and are planned again once the worktree lock is held, so they act on the
// latest state. `worktree` is where the command runs.
Result<ViewUpdate> PlanUndo(Repo& repo, const std::string& worktree, bool whole_repo = false);
Result<ViewUpdate> PlanRedo(Repo& repo, const std::string& worktree, bool whole_repo = false);
Result<ViewUpdate> PlanOpRestore(Repo& repo, const OperationId& target);

// Applies a plan without moving any files, for a command run from a worktree
// the current view no longer has: re-plans it, commits the view it makes as
// one operation (through a Transaction), then recreates the directories of
// worktrees that the new view has but the disk lacks (their files come from
// their heads). The other worktrees' files follow through stale detection.
struct ViewOnlyOutcome {
  OperationId op;
  std::string description;  // of the plan as made again before committing
  std::vector<std::string> recreated;  // worktrees whose directory was recreated
};
Result<ViewOnlyOutcome> ApplyUpdateWithoutFiles(Repo& repo, const ViewUpdate& plan);

}  // namespace jvs
