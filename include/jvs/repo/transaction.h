// Transaction: one command's changes to the repository, published as one
// operation (modelled on Jujutsu's Transaction / MutableRepo). A verb starts a
// Transaction from a Repo once it holds the locks it needs and has re-read the
// op heads; the transaction copies the Repo's View and collects every change
// (new snapshots and the heads they replace, worktree heads and latest
// snapshots, worktrees added / removed / renamed, tags, pins, rewrites,
// operation attributes). Nothing is visible to anyone until Commit(), which
// writes the view and one Operation whose parent is the operation the
// transaction started from, and moves the op head: the single publish path of
// the library. A transaction that is destroyed without Commit() publishes
// nothing (objects it caused to be written stay unreferenced, for gc).
//
// The Transaction refers to its Repo (not owned), which must outlive it; it
// is not thread-safe (one per command, like Repo).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "jvs/oplog/oplog.h"
#include "jvs/repo/repo.h"

namespace jvs {

class Transaction {
 public:
  explicit Transaction(Repo& repo);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Repo& repo() { return repo_; }
  // The operation this transaction started from (the parent of its operation).
  const OperationId& base_op() const { return base_op_; }
  // The view as changed so far.
  const View& view() const { return view_; }

  // ---- snapshots ----
  // A new snapshot became visible; `replaced` (its parents) stop being heads.
  void AddSnapshot(const SnapshotId& id, const std::vector<SnapshotId>& replaced = {});
  // Keeps `id` visible whatever the heads say (saved dirty files).
  void AddPin(const SnapshotId& id);
  // `old_id` was rewritten into `new_ids` (empty: abandoned). Recorded in the
  // operation's predecessor map.
  void RecordRewrite(const SnapshotId& old_id, std::vector<SnapshotId> new_ids);

  // ---- worktrees ----
  void SetWorktreeHead(const std::string& worktree, std::optional<SnapshotId> head);
  void SetWorktreeLatest(const std::string& worktree, std::optional<SnapshotId> latest);
  // Adds (or replaces) a worktree record.
  void AddWorktree(const std::string& worktree, WorktreeView state);
  // Removes the worktree from the view; its head and latest snapshots stay
  // visible as heads.
  void RemoveWorktree(const std::string& worktree);
  // Moves the record of `from` to `to` (no-op when `from` is absent).
  void RenameWorktree(const std::string& from, const std::string& to);

  // ---- tags ----
  void SetTag(const std::string& name, const SnapshotId& id);
  // Deletes the tag; its snapshot stays visible as a head.
  void DeleteTag(const std::string& name);

  // Replaces the whole view (undo, redo, op restore publish an earlier view).
  void SetView(View view) { view_ = std::move(view); }

  // ---- the operation ----
  void SetAttribute(const std::string& key, std::string value) { attributes_[key] = std::move(value); }
  const std::map<std::string, std::string>& attributes() const { return attributes_; }
  const std::map<SnapshotId, std::vector<SnapshotId>>& predecessors() const { return predecessors_; }

  // Publishes everything as one operation described by `description`; the
  // Repo then stands at it. Fails (publishing nothing) when the Repo is
  // read-only (--at-op), when the Repo moved to another operation since the
  // transaction began, or when it was already committed. Once the op head is
  // written, later problems are Repo warnings, not errors.
  Result<OperationId> Commit(std::string description);
  bool committed() const { return committed_; }

 private:
  Repo& repo_;
  OperationId base_op_;
  View view_;
  std::map<std::string, std::string> attributes_;
  std::map<SnapshotId, std::vector<SnapshotId>> predecessors_;
  bool committed_ = false;
};

}  // namespace jvs
