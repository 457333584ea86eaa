// The operation log. Every mutating command publishes exactly one Operation,
// which names its parent operations by id (a hash-linked DAG: the
// tamper-evident audit trail) and the View the repository has after it.
// OpStore keeps operations and views as content-addressed files; OpHeads keeps
// one empty file per head operation, so concurrent writers never overwrite
// each other. Value types are thread-compatible; OpStore/OpHeads are
// thread-safe (they only touch files).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "jvs/base/env.h"
#include "jvs/base/object_id.h"

namespace jvs {

class SyncSet;

struct WorktreeView {
  std::optional<SnapshotId> head;    // the snapshot the working copy is at
  std::optional<SnapshotId> latest;  // the newest snapshot made in this worktree
  bool operator==(const WorktreeView&) const = default;
};

struct View {
  static constexpr int kFormatVersion = 1;
  std::map<std::string, WorktreeView> worktrees;
  std::vector<SnapshotId> heads;  // visible heads: sorted, unique
  std::map<std::string, SnapshotId> tags;
  // Snapshots kept visible whatever the heads say (the dirty files saved
  // before a restore or undo); undo, redo and op restore carry them forward.
  std::vector<SnapshotId> pins;  // sorted, unique
  // A field added here that holds a SnapshotId must be returned by
  // ReferencedSnapshots (the View.ReferencedSnapshots* unit tests fail until it is).

  // Every snapshot the view names, each once: visible heads, then each
  // worktree's head and latest, then tags, then pins (first occurrence kept).
  // The one list of what a view keeps alive: gc marks from it, verify walks
  // from it, Repo::AllVisibleSnapshots starts from it.
  std::vector<SnapshotId> ReferencedSnapshots() const;

  std::string Encode() const;  // canonical JSON
  static Result<View> Decode(std::string_view data);
  ViewId ComputeId() const;
  bool operator==(const View&) const = default;
};

struct OperationMetadata {
  std::string start_time;  // RFC 3339, UTC
  std::string end_time;
  std::string user;
  std::string host;
  int64_t pid = 0;
  std::string command;      // the command line
  std::string description;  // one line
  // Free-form details, e.g. "captured_snapshot" -> id of the snapshot that
  // holds dirty changes saved before a restore.
  std::map<std::string, std::string> attributes;
  bool operator==(const OperationMetadata&) const = default;
};

struct Operation {
  static constexpr int kFormatVersion = 1;
  std::vector<OperationId> parents;  // empty only for the root operation
  ViewId view;
  OperationMetadata metadata;
  // Rewritten snapshot -> the snapshots that replace it (Jujutsu's
  // predecessor map, for evolution). Encoded only when non-empty, so
  // operations without rewrites keep their bytes and ids.
  std::map<SnapshotId, std::vector<SnapshotId>> predecessors;

  std::string Encode() const;  // canonical JSON
  static Result<Operation> Decode(std::string_view data);
  OperationId ComputeId() const;
};

// `.jvs/op_store/{operations,views}/<hex id>`; reads are verified against the id.
class OpStore {
 public:
  // Written files are added to `sync_set` (may be null) for the next barrier.
  OpStore(Env* env, fs::path dir, SyncSet* sync_set = nullptr)
      : env_(env), dir_(std::move(dir)), sync_set_(sync_set) {}
  static Status Create(Env* env, const fs::path& dir);

  Result<Operation> ReadOperation(const OperationId& id);
  Result<OperationId> WriteOperation(const Operation& op);
  Result<View> ReadView(const ViewId& id);
  Result<ViewId> WriteView(const View& view);
  // Operations whose hex id starts with `prefix`.
  Result<std::vector<OperationId>> FindOperationsByPrefix(std::string_view prefix);
  const fs::path& dir() const { return dir_; }

  // ---- the horizon: where `jvs gc run` cut the op log ----
  // `op_store/horizon` lists the operations that were cut from the log and
  // that a remaining operation still names as a parent. Every walk of the
  // log (op log, undo/redo, @-, merge ancestry) treats those parents as
  // absent, so the operations that name them are roots. No file: no cut.
  Status LoadHorizon();
  const std::set<OperationId>& horizon() const { return horizon_; }
  bool IsCut(const OperationId& id) const { return horizon_.count(id) > 0; }
  // `op.parents` without the cut ones.
  std::vector<OperationId> LiveParents(const Operation& op) const;
  // Replaces the horizon file atomically and durably (fsync of file and directory).
  Status WriteHorizon(const std::set<OperationId>& cut);

  // Every stored operation / view (for gc); listing order is unspecified.
  Result<std::vector<OperationId>> ListOperations();
  Result<std::vector<ViewId>> ListViews();
  fs::path OperationPath(const OperationId& id) const { return dir_ / "operations" / id.hex(); }
  fs::path ViewPath(const ViewId& id) const { return dir_ / "views" / id.hex(); }

 private:
  Result<std::string> ReadVerified(const char* kind, const Digest& id);
  Status WriteObject(const char* kind, const Digest& id, std::string_view data);
  Env* env_;
  fs::path dir_;
  SyncSet* sync_set_;
  std::set<OperationId> horizon_;
};

// `.jvs/op_heads/<hex id>`: one empty file per head operation.
class OpHeads {
 public:
  OpHeads(Env* env, fs::path dir) : env_(env), dir_(std::move(dir)) {}
  Result<std::vector<OperationId>> List();
  // Adds `new_head`, then removes `old_heads` (publication order).
  Status Update(const OperationId& new_head, const std::vector<OperationId>& old_heads);
  // The two steps of Update. Once Add succeeded the operation is published;
  // RemoveOld is best effort (a superseded head is an ancestor of the new one,
  // and readers drop ancestor heads).
  Status Add(const OperationId& new_head);
  void RemoveOld(const OperationId& new_head, const std::vector<OperationId>& old_heads);
  const fs::path& dir() const { return dir_; }

 private:
  Env* env_;
  fs::path dir_;
};

}  // namespace jvs
