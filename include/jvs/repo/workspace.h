// The verbs that work on one worktree: snapshot, status, restore, update
// (the general form of restore, used by undo, redo, op restore and fork).
// Each mutating verb takes the worktree lock, re-reads the op heads, does its
// work and publishes exactly one operation through a Transaction. A Workspace
// refers to its Repo (not owned); not thread-safe. References are resolved in
// jvs/repo/refs.h, history is listed in jvs/repo/history.h.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jvs/merge/tree_diff.h"
#include "jvs/merge/tree_merge.h"
#include "jvs/repo/repo.h"
#include "jvs/base/repo_path.h"

namespace jvs {

class Transaction;
struct ScanResult;  // wc/scanner.h (private to the library)

struct ScanSummary {
  uint64_t files = 0, dirs = 0, hashed_files = 0, hashed_bytes = 0, stored_bytes = 0, total_bytes = 0;
  int64_t walk_ns = 0, read_ns = 0, build_ns = 0;  // scan phases
  int64_t publish_ns = 0;                          // durability barrier + operation
};

struct SnapshotOptions {
  std::string note;
  std::vector<std::string> tags;
  // Replace the head with the current content instead of adding a snapshot
  // on top (Jujutsu's amend): the new version keeps the head's change id,
  // parents and author; the head is recorded as rewritten into it and its
  // visible descendants (other lines, other worktrees' heads) are rebased
  // onto it. Refused without a head.
  bool amend = false;
  bool keep_note = false;  // with `amend`: keep the head's note (no new note given)
  // A partial snapshot: only these paths (and what is below them) are taken
  // from the files; everything else is the head's. Empty: every path.
  std::vector<RepoPath> paths;
  // Recorded as the operation's `compression` attribute ("" = none): the
  // level asked for, for when storage compresses.
  std::string compression;
};

struct SnapshotOutcome {
  SnapshotId id;
  Snapshot snapshot;
  OperationId op;
  ScanSummary scan;
  std::vector<std::string> warnings;
  // `amend`: the head that was replaced, the descendants rebased onto the new
  // version (old -> new, parents first; `conflicted` of them now record a
  // conflict) and the other worktrees whose head moved. `unchanged`: the
  // files and note already were the head's; nothing was written or published.
  std::optional<SnapshotId> amended;
  std::vector<std::pair<SnapshotId, SnapshotId>> rebased;
  size_t conflicted = 0;
  std::vector<std::string> worktrees_moved;
  bool unchanged = false;
};

struct StatusReport {
  std::optional<SnapshotId> head;
  std::vector<TreeChange> changes;  // head (as materialized) -> working copy
  std::vector<ConflictedPath> conflicts;  // the head's conflicted paths
  std::vector<std::string> warnings;
  ScanSummary scan;
};

// A change of the view that moves this worktree's files: restore, undo,
// redo, op restore. `make_view` gets the current view (with the capture of
// dirty files already added) and returns the view to publish.
struct ViewUpdate {
  std::function<Result<View>(View current)> make_view;
  std::optional<SnapshotId> files_from;  // default: the new view's head of this worktree
  std::vector<RepoPath> paths;           // only these paths (restore -- PATHS)
  std::string description;
  std::map<std::string, std::string> attributes;
  // Snapshots this update rewrote (old -> new), recorded in the operation (rebase).
  std::map<SnapshotId, std::vector<SnapshotId>> rewrites;
  std::optional<SnapshotId> capture_parent;  // default: the worktree's head
  bool capture_dirty = true;  // false: the directory is known to hold nothing worth saving
  // The files stay exactly as they are (nothing is captured or written): only
  // the view and the tree state move (undo of a snapshot un-records it, and
  // its content shows as uncommitted again).
  bool keep_files = false;
  // The saved dirty files become the worktree's `latest` (restore: so that
  // `restore HEAD` brings them back); otherwise they are only pinned.
  bool capture_becomes_latest = false;
  // Re-plans the update once the worktree lock is held and the op heads are
  // re-read, so that an operation published meanwhile is not overwritten.
  std::function<Result<ViewUpdate>()> replan;
  // Only update if the worktree is still stale from this head (checked under the lock).
  std::optional<SnapshotId> only_if_stale_from;
  bool publish = true;        // false: only the files move (the view already says so)
  // The worktree directory was just created empty by this command (fork):
  // files are cloned straight into place before the operation is published,
  // without staging; on failure the caller removes the directory.
  bool fresh_directory = false;
  // Worktrees this update brings back whose files come from a saved snapshot
  // instead of their head: an undone removal's captured dirty files (see
  // MaterializeMissingWorktrees).
  std::map<std::string, SnapshotId> recreate_files_from;
  // A storing scan of the working copy that `replan` already made under the
  // worktree lock (merge): used instead of scanning again.
  std::shared_ptr<ScanResult> scanned;
  std::string progress_phase = "restore";  // how Settings::progress names the writing of files
  // Names this flow's fault points: "<fault_flow>.<step>" (see src/base/fault.cc).
  std::string fault_flow = "restore";
};

struct RestoreOutcome {
  // What was done: the description of the plan as made under the worktree
  // lock (a replanned undo may take back another operation than first planned).
  std::string description;
  SnapshotId target;                   // zero when the worktree became empty
  std::optional<SnapshotId> captured;  // dirty changes saved first
  OperationId op;
  uint64_t files_written = 0, files_removed = 0, bytes_written = 0;
  std::vector<std::string> warnings;
  bool skipped = false;  // nothing to do (e.g. no longer stale)
  bool files_kept = false;  // ViewUpdate::keep_files: the files were left as they were
  std::map<std::string, SnapshotId> recreate_files_from;  // of the plan as made under the lock
};

// What `Workspace::MergeWith` did.
struct MergeOutcome {
  SnapshotId merged;                   // the new snapshot (the worktree's head and latest)
  std::vector<SnapshotId> parents;     // its parents: the head (or the saved dirty files), then the others
  std::optional<SnapshotId> captured;  // dirty files saved first: the merge's first parent
  std::vector<ConflictedPath> conflicts;  // of the merged snapshot, sorted by path
  TreeMergeStats stats;
  RestoreOutcome update;               // the files brought to the merge
};

// One conflicted path of the working copy as it would be recorded now.
struct WorkingConflict {
  ConflictedPath conflict;   // simplified: side K is add K-1
  bool text = false;         // written with conflict markers, else as side files
  std::vector<RepoPath> helper_files;  // the note and side files beside it (side-file conflicts)
};

// A working-copy tree computed by a status-mode scan (content not stored).
struct WorkingCopyTree {
  TreeId root;
  TreeGetter getter;  // resolves the scanned trees first, then the store
  std::vector<std::string> warnings;
};

struct TreeState;  // wc/tree_state.h (private to the library)

class Workspace {
 public:
  static Result<std::unique_ptr<Workspace>> Open(Repo& repo, const std::string& name);
  // A workspace object for a worktree that the view does not have yet (fork).
  static std::unique_ptr<Workspace> ForNew(Repo& repo, const std::string& name, const fs::path& path);
  ~Workspace();

  const std::string& name() const { return name_; }
  const fs::path& path() const { return path_; }
  Repo& repo() { return repo_; }
  const WorktreeView& state() const;

  Result<SnapshotOutcome> TakeSnapshot(const SnapshotOptions& options);
  Result<StatusReport> Status();
  // Writes the working copy as a snapshot object whose parent is the head
  // (or `base`, the head the files are based on when it differs: a stale
  // worktree), without publishing it or moving the head (the caller records
  // it, e.g. as an operation's `captured_snapshot`); none when the files are
  // that snapshot's. The caller holds the worktree lock.
  Result<std::optional<SnapshotId>> SaveDirty(const std::string& note,
                                              const std::optional<SnapshotId>& base = std::nullopt);
  // Merges the lines of `others` into this worktree: a new snapshot whose
  // parents are the head and every other (dirty files are saved first and
  // become the first parent, so that they are part of the merge), whose root
  // is the merge of the parents' roots against their common ancestors
  // (recursively merged for criss-cross histories). Conflicts are recorded in
  // the snapshot and written into the files (jvs/merge/materialize.h); they
  // never stop the merge. One operation; undo brings the files back exactly.
  // Refused when every other is already an ancestor of the head.
  Result<MergeOutcome> MergeWith(const std::vector<SnapshotId>& others, const std::string& note);
  // The conflicts the working copy holds now (what a snapshot would record).
  Result<std::vector<WorkingConflict>> Conflicts();
  // Writes `value` (absent: removes the path) at the conflicted `path` and
  // removes the conflict's note and side files; takes the worktree lock.
  // `value` comes from the store (a side of the conflict, or merged content).
  jvs::Status ResolveConflict(const RepoPath& path, const PathValue& value);
  // Brings the worktree (or only `paths`) to `target` in place.
  Result<RestoreOutcome> Restore(const SnapshotId& target, const std::vector<RepoPath>& paths);
  // Captures dirty files, publishes the view `update` makes, and updates the
  // files in place (the general form of Restore).
  Result<RestoreOutcome> Update(const ViewUpdate& update);
  // The head this worktree's files were last brought to, when another command
  // has since moved the head (e.g. `op restore` run from another worktree).
  Result<std::optional<SnapshotId>> StaleFrom();
  // Brings a stale worktree's files to its head, saving local changes first
  // (as a snapshot whose parent is the head the files were based on). When
  // the new head is a rewrite of that one (same change id: amend, rebase,
  // abandon of an ancestor run elsewhere), the local changes are also
  // carried onto it, so the files become the new head plus the same changes.
  Result<RestoreOutcome> UpdateStale(const SnapshotId& old_head);
  // An update of this worktree (restore, undo, redo, op restore, stale
  // update) that did not finish: its `checkout_pending` marker.
  struct Interrupted {
    std::string target;               // the snapshot it was bringing the files to (hex)
    std::optional<OperationId> base;  // the operation it published on (absent: older jvs)
    bool published = false;           // recorded: the files may be half-updated
  };
  Result<std::optional<Interrupted>> InterruptedUpdate();
  // Removes the marker of an update that was never published (nothing had
  // changed), with its staging files; takes the worktree lock.
  jvs::Status DiscardVoidMarker();
  // Scans without storing content (for diff against the working copy).
  Result<WorkingCopyTree> ScanWorkingCopy();
  // Tree getter reading from the store.
  TreeGetter StoreGetter();

 private:
  Workspace(Repo& repo, std::string name, fs::path path)
      : repo_(repo), name_(std::move(name)), path_(std::move(path)) {}
  fs::path TreeStatePath() const;
  // The tree state, or an empty one when it is damaged or unreadable (a cache:
  // the scan then reads every file); the warning goes to `warnings`, or to the
  // repository's warnings when null.
  TreeState LoadTreeState(std::vector<std::string>* warnings);
  fs::path PendingCheckoutPath() const;
  // `snapshot_pending`: see workspace.cc.
  fs::path SnapshotPendingPath() const;
  Result<RestoreOutcome> MaterializeFresh(const ViewUpdate& u, Transaction& tx, const std::vector<TreeChange>& changes,
                                          const TreeId& target_tree, RestoreOutcome out);
  // Fails when an interrupted restore left the working copy half-updated. A
  // marker whose operation was never published is void: ignored, and removed
  // (with its staging files) when `locked` (the worktree lock is held).
  jvs::Status CheckNoPendingCheckout(bool locked);

  Repo& repo_;
  std::string name_;
  fs::path path_;
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

// The tree the files of a worktree hold for snapshot `id`: its root, or for a
// conflicted snapshot the root as materialized (conflict markers and side
// files; jvs/merge/materialize.h).
Result<TreeId> MaterializedTreeOf(Repo& repo, const SnapshotId& id);

// The tree that `snapshot`'s parents merge into (against their common
// ancestors, as `merge` would merge them), materialized when it conflicts;
// the empty tree for a snapshot without parents. `diff -r` compares a
// snapshot with it, so a merge snapshot shows only what it changed itself.
Result<TreeId> ParentsTreeOf(Repo& repo, const Snapshot& snapshot);

// Whether the operation that the `checkout_pending` marker `marker_text` of
// `worktree` belongs to was published, judged from the op heads `heads`
// (docs/formats.md). A marker of an older jvs always counts as published.
Result<bool> CheckoutMarkerPublished(OpStore& ops, const std::vector<OperationId>& heads,
                                     const std::string& worktree, std::string_view marker_text);

}  // namespace jvs
