// Worktrees: parallel workspaces sharing one store (`jvs worktree ...`).
// A worktree is a name in the view (head, latest snapshot) plus a directory
// recorded in `.jvs/worktrees/<name>/path`. Forks are materialised through
// the clone engine. All functions publish at most one operation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jvs/repo/repo.h"
#include "jvs/repo/workspace.h"

namespace jvs {

struct WorktreeInfo {
  std::string name;
  fs::path path;
  std::optional<SnapshotId> head;
  std::optional<SnapshotId> latest;
  bool directory_exists = false;
};

std::vector<WorktreeInfo> ListWorktrees(Repo& repo);

// The not-found error for worktree `name`, naming the closest existing ones.
Error UnknownWorktree(const Repo& repo, const std::string& name);

// Where `worktree fork` puts NAME by default: ROOT/worktrees/NAME, or, when the
// main workspace is the repository root (init --here), ROOT/../<root>.worktrees/NAME
// so that a fork is never inside another workspace's payload.
fs::path DefaultWorktreePath(Repo& repo, const std::string& name);

// Creates worktree `name` at `path` (must not exist or be an empty directory)
// holding the files of `from`; its first snapshot's parent is `from`. `path`
// must be outside every workspace and the control folder, and contain none.
// A directory left by an interrupted fork of `name` is replaced only when it
// holds nothing but what that fork wrote; otherwise kRefused, unless `force`:
// then its files are first saved as a snapshot (an operation of its own).
Result<RestoreOutcome> ForkWorktree(Repo& repo, const SnapshotId& from, const std::string& name,
                                    const fs::path& path, bool force = false);

// Creates worktree `name` at `path` (as ForkWorktree) with no files and no
// head: its first snapshot is a new root (`worktree create NAME`).
Result<RestoreOutcome> CreateEmptyWorktree(Repo& repo, const std::string& name, const fs::path& path);

// Renames the worktree and moves its directory when it is the default one.
Status RenameWorktree(Repo& repo, const std::string& old_name, const std::string& new_name);

struct RemoveOutcome {
  std::optional<SnapshotId> captured;  // dirty files saved before removal
  OperationId op;
  fs::path path;
};
// Removes a worktree (never `main`). Unless `force`, its dirty files are first
// saved as a snapshot (not made its head) recorded as the operation's
// `captured_snapshot`, so `jvs undo` brings it back exactly: at its head, with
// the dirty files on top.
Result<RemoveOutcome> RemoveWorktree(Repo& repo, const std::string& name, bool force);

// Recreates the directories of worktrees that the view has but the disk lacks
// (after `undo` of a removal): their files come from `files_from` when it
// names them (the dirty files saved by the removal), else from their head.
// Returns their names.
Result<std::vector<std::string>> MaterializeMissingWorktrees(Repo& repo,
                                                            const std::map<std::string, SnapshotId>& files_from = {});

}  // namespace jvs
