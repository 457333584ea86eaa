// Working with the operation log: listing it, resolving operation references,
// and planning undo / redo / op restore as ViewUpdates (the working copy
// follows when the plan is applied with Workspace::Update).
//
// Undo is sequential, as in Jujutsu: repeated `undo` keeps stepping back
// through the operations that are still in effect (an undone operation and
// its undo cancel out); `redo` re-applies what the latest run of undos took
// back. Both are recorded in operation attributes ("undo_of", "redo_of").
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
Result<ViewUpdate> PlanUndo(Repo& repo, const std::string& worktree);
Result<ViewUpdate> PlanRedo(Repo& repo, const std::string& worktree);
Result<ViewUpdate> PlanOpRestore(Repo& repo, const OperationId& target);

// Applies a plan without moving any files, for a command run from a worktree
// the current view no longer has: re-plans it, commits the view it makes as
// one operation (through a Transaction), then recreates the directories of
// worktrees that the new view has but the disk lacks (their files come from
// their heads). The other worktrees' files follow through stale detection.
struct ViewOnlyOutcome {
  OperationId op;
  std::vector<std::string> recreated;  // worktrees whose directory was recreated
};
Result<ViewOnlyOutcome> ApplyUpdateWithoutFiles(Repo& repo, const ViewUpdate& plan);

}  // namespace jvs
