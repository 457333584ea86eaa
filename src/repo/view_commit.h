// Small pieces the view-rewriting verbs (rebase, describe) and the history
// readers share. Plain functions and a scope guard; the Repo is the caller's
// (not thread-safe).
#pragma once

#include <functional>

#include "jvs/repo/repo.h"
#include "jvs/repo/transaction.h"
#include "jvs/repo/workspace.h"

namespace jvs {

// Publishes `u` as one plain transaction on the current view: its view,
// attributes and rewrites, no file touched. For a rewrite that leaves the
// calling worktree's head where it is (the caller holds its lock).
Result<OperationId> CommitWithoutFiles(Repo& repo, const ViewUpdate& u);

// For a rewrite that moves the calling worktree's head to `new_head` (none:
// the worktree becomes empty), with its files: the uncommitted changes are
// saved on the old head (`*saved`, what undo brings back) and rewritten onto
// the new head (`*carried`, what the files become), as Jujutsu rebases its
// working-copy commit. `u` is set to write the files from the carried
// snapshot, record both in its attributes and keep both visible; without
// uncommitted changes it is left as it is (the files become the new head).
// The caller holds the worktree lock.
// `base`: the head the files are based on, when not the worktree's head in
// the view (a stale worktree).
Status CarryDirty(Workspace& ws, const std::optional<SnapshotId>& new_head, ViewUpdate* u,
                  std::optional<SnapshotId>* saved, std::optional<SnapshotId>* carried, TreeMergeStats* stats,
                  const std::optional<SnapshotId>& base = std::nullopt);

// What PublishRewrite did.
struct RewriteRun {
  OperationId op;
  bool files_updated = false;  // the calling worktree's head moved and its files followed
  RestoreOutcome update;       // when the files were updated (or kept) by Workspace::Update
};

// The publishing step every rewrite shares (rebase, describe, abandon,
// squash, split): `replan(with_files)` plans on the current view, and
// `moves_here()` (asked after a plan) says whether it moves the calling
// worktree's head. Under the worktree lock: when it does not, one plain
// transaction and no file touched; when it does, Workspace::Update plans
// again under the lock it takes (`with_files` true) and brings the files.
Result<RewriteRun> PublishRewrite(Workspace& ws, const std::function<Result<ViewUpdate>(bool with_files)>& replan,
                                  const std::function<bool()>& moves_here);

// Reads snapshot descriptors through the store's snapshot index while alive,
// after indexing the visible snapshots it lacks (best effort: a snapshot
// that cannot be read is read, and fails, where it is used); on leaving,
// writes what was indexed (a cache: a failure to write it on a read-only
// repository only keeps it slower).
class SnapshotIndexScope {
 public:
  explicit SnapshotIndexScope(Repo& repo);
  ~SnapshotIndexScope();
  SnapshotIndexScope(const SnapshotIndexScope&) = delete;
  SnapshotIndexScope& operator=(const SnapshotIndexScope&) = delete;

 private:
  Store& store_;
};

}  // namespace jvs
