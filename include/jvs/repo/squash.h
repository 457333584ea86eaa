// Squash and split: moving changes between snapshots, each as one operation
// (Jujutsu's `jj squash` and `jj split`).
//
// Squash moves the changes of `from` (all of them, or those of some paths)
// into `into` (default: the parent of `from`). As Jujutsu does it: `from` is
// rewritten without the moved changes (abandoned when nothing is left; it is
// then recorded as rewritten into the destination), its descendants follow,
// then the destination (as rebased) gets the changes: into' = into + (from's
// selected tree - from's parent tree), conflicts recorded, never blocking;
// its descendants follow again. Squashing into an ancestor gives the
// snapshots between them the changes too; their own trees are unchanged.
//
// Split cuts `target` in two: the first part holds the changes of some paths
// (parents, change id and note of `target`; `note` replaces the note), the
// second the rest, on top of it (a new change id, the note of `target`); its
// tree is the target's, so descendants and files see no difference.
//
// Both refuse conflicted snapshots (resolve first) and selections that move
// nothing. The worktree the command runs in follows its new head; when the
// head's tree changed, uncommitted changes are carried onto it (as rebase).
// Plain functions; the Workspace and its Repo are the caller's (not
// thread-safe).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jvs/repo/rebase.h"
#include "jvs/repo/workspace.h"

namespace jvs {

struct SquashRequest {
  SnapshotId from;
  std::optional<SnapshotId> into;  // default: the only parent of `from`
  std::vector<RepoPath> paths;     // empty: every change of `from`
  std::optional<std::string> note; // the destination's new note; default: both notes joined
};

struct SplitRequest {
  SnapshotId target;
  std::vector<RepoPath> paths;      // the changes of these paths go to the first part (required)
  std::optional<std::string> note;  // the first part's note; default: the target's
};

// What a squash or split did (the snapshots already written and published).
struct RewriteOutcome {
  // squash: the destination's new version, and the source's (none: emptied
  // and abandoned). split: the first part and the second.
  SnapshotId first;
  std::optional<SnapshotId> second;
  bool conflicted = false;                    // `first` records a conflict
  std::vector<RebasedSnapshot> descendants;   // the other snapshots rewritten, parents first
  std::vector<std::string> worktrees_moved;   // worktrees whose head changed
  bool files_updated = false;                 // this worktree's head moved and its files followed
  RestoreOutcome update;                      // when files_updated
  std::optional<SnapshotId> captured, carried;  // uncommitted changes saved and carried (files_updated)
  OperationId op;
};

Result<RewriteOutcome> Squash(Workspace& ws, const SquashRequest& request);
Result<RewriteOutcome> Split(Workspace& ws, const SplitRequest& request);

}  // namespace jvs
