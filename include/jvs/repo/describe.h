// Describe: give a snapshot a new note, as one operation (Jujutsu's
// `jj describe`). The snapshot is rewritten (same change id, root, parents,
// author, time; the new note), the old one is recorded as rewritten into the
// new one, and every visible descendant is rewritten onto it (their roots do
// not change: only a note did, so no merge runs and nothing can conflict).
// Worktree heads and latest snapshots and tags that named a rewritten snapshot
// move to its new version. The worktree the command runs in keeps its files
// as they are (its head's tree is unchanged); another worktree whose head
// moved follows on its next command, keeping its files too (same tree).
//
// A plain function; the Workspace and its Repo are the caller's (not
// thread-safe).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jvs/repo/rebase.h"
#include "jvs/repo/workspace.h"

namespace jvs {

struct DescribeOutcome {
  SnapshotId old_id, new_id;
  std::vector<RebasedSnapshot> descendants;  // rewritten onto the new version, parents first
  std::vector<std::string> worktrees_moved;  // worktrees whose head was rewritten
  bool unchanged = false;  // the note already was `note`: nothing written, no operation
  OperationId op;          // when !unchanged
};

struct DescribeOptions {
  std::optional<std::string> note;  // absent: the note stays
  // Give the new version a new change id (it leaves its change: resolves a
  // divergent change, or splits a version off); its descendants keep theirs.
  bool new_change_id = false;
};

// Rewrites `target` (a visible snapshot) with `note` from worktree `ws`. Any
// note is accepted, the empty one too. kRefused for a snapshot that is not
// visible (rewritten, or kept only by the op log): describe its change's
// current version instead.
Result<DescribeOutcome> Describe(Workspace& ws, const SnapshotId& target, const std::string& note);
// The same with options; kInvalidArgument when they change nothing (no note,
// no new change id).
Result<DescribeOutcome> Describe(Workspace& ws, const SnapshotId& target, const DescribeOptions& options);

}  // namespace jvs
