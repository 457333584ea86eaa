// The operation log. Every mutating command publishes exactly one Operation,
// which names its parent operations by id (a hash-linked DAG: the
// tamper-evident audit trail) and the View the repository has after it.
// OpStore keeps operations and views by id; OpHeads keeps the set of head
// operations. Both are interfaces with a name() and a factory below: the
// names are written at init in `.jvs/op_store/type` and `.jvs/op_heads.type`
// and checked at open. The implementations of today, "simple", are in
// jvs/oplog/simple.h. Value types are thread-compatible; OpStore/OpHeads
// implementations are thread-safe, except the horizon (loaded and replaced by
// one thread, as Repo does).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/base/env.h"
#include "jvs/base/object_id.h"
#include "jvs/base/type_file.h"

namespace jvs {

class SyncSet;

struct WorktreeView {
  std::optional<SnapshotId> head;    // the snapshot the working copy is at
  std::optional<SnapshotId> latest;  // the newest snapshot made in this worktree
  bool operator==(const WorktreeView&) const = default;
};

// A pin made by `jvs pin add`: the snapshot is kept (visible, never
// collected by gc) until `until` passes, if given.
struct PinRecord {
  std::string created_at;  // RFC 3339, UTC
  std::string until;       // RFC 3339, UTC; "" = no expiry
  std::string reason;      // free text ("" = none)
  // True once `until` is at or before `now_ns` (an unreadable `until` never expires).
  bool Expired(int64_t now_ns) const;
  bool operator==(const PinRecord&) const = default;
};

struct View {
  // Format 2 is written only for a view with user pins, so that every other
  // view keeps the bytes (and id) of format 1 and an older jvs, which would
  // drop the pins it does not know, refuses a view that has some.
  static constexpr int kFormatVersion = 1;
  static constexpr int kFormatVersionWithUserPins = 2;
  std::map<std::string, WorktreeView> worktrees;
  std::vector<SnapshotId> heads;  // visible heads: sorted, unique
  std::map<std::string, SnapshotId> tags;
  // Snapshots kept visible whatever the heads say (the dirty files saved
  // before a restore or undo); undo, redo and op restore carry them forward.
  std::vector<SnapshotId> pins;  // sorted, unique
  // Pins made by users (`jvs pin`), with their expiry and reason. gc keeps
  // them until they expire; an expired one is dropped by the gc run that
  // deletes what only it kept.
  std::map<SnapshotId, PinRecord> user_pins;
  // A field added here that holds a SnapshotId must be returned by
  // ReferencedSnapshots (the View.ReferencedSnapshots* unit tests fail until it is).

  // Every snapshot the view names, each once: visible heads, then each
  // worktree's head and latest, then tags, then pins, then user pins (first
  // occurrence kept).
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

struct OpObjectStat {
  uint64_t size = 0;        // bytes of the object
  uint64_t disk_bytes = 0;  // what deleting it frees
  int64_t mtime_ns = 0;     // when it was stored, by the filesystem's clock
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

// Operations and views, content-addressed: reads are verified against the id.
class OpStore {
 public:
  virtual ~OpStore() = default;
  // What `op_store/type` holds (without the newline): "simple".
  virtual std::string_view name() const = 0;

  virtual Result<Operation> ReadOperation(const OperationId& id) = 0;
  virtual Result<OperationId> WriteOperation(const Operation& op) = 0;
  virtual Result<View> ReadView(const ViewId& id) = 0;
  virtual Result<ViewId> WriteView(const View& view) = 0;
  // The stored bytes, unverified and undecoded (verify classifies damage
  // itself): kNotFound when absent, kCorrupt when larger than `max_size`.
  virtual Result<std::string> ReadOperationBytes(const OperationId& id, size_t max_size) = 0;
  virtual Result<std::string> ReadViewBytes(const ViewId& id, size_t max_size) = 0;
  // Operations whose hex id starts with `prefix` (lowercase), sorted.
  virtual Result<std::vector<OperationId>> FindOperationsByPrefix(std::string_view prefix) = 0;

  // Every stored operation / view (for gc); listing order is unspecified.
  virtual Result<std::vector<OperationId>> ListOperations() = 0;
  virtual Result<std::vector<ViewId>> ListViews() = 0;
  // Size on disk and time stored (kNotFound when absent), and deletion (gc).
  virtual Result<OpObjectStat> StatOperation(const OperationId& id) = 0;
  virtual Result<OpObjectStat> StatView(const ViewId& id) = 0;
  virtual Status DeleteOperation(const OperationId& id) = 0;
  virtual Status DeleteView(const ViewId& id) = 0;
  virtual bool HasOperation(const OperationId& id) = 0;
  // Where an operation / view is kept, for messages.
  virtual fs::path OperationPath(const OperationId& id) const = 0;
  virtual fs::path ViewPath(const ViewId& id) const = 0;
  // Where all operations / views are kept, for messages.
  virtual fs::path OperationsPath() const = 0;
  virtual fs::path ViewsPath() const = 0;
  // The folders where writers of this op store may leave temp files (doctor).
  virtual std::vector<TempPlace> TempPlaces() const = 0;

  // ---- the horizon: where `jvs gc run` cut the op log ----
  // The operations that were cut from the log and that a remaining
  // operation still names as a parent. Every walk of the log (op log,
  // undo/redo, @-, merge ancestry) treats those parents as absent, so the
  // operations that name them are roots. Nothing recorded: no cut.
  virtual Status LoadHorizon() = 0;
  // Replaces the horizon atomically and durably.
  virtual Status WriteHorizon(const std::set<OperationId>& cut) = 0;
  const std::set<OperationId>& horizon() const { return horizon_; }
  bool IsCut(const OperationId& id) const { return horizon_.count(id) > 0; }
  // `op.parents` without the cut ones.
  std::vector<OperationId> LiveParents(const Operation& op) const;

 protected:
  std::set<OperationId> horizon_;
};

// The head operations: one record per head, so concurrent writers never
// overwrite each other.
class OpHeads {
 public:
  virtual ~OpHeads() = default;
  // What `op_heads.type` holds (without the newline): "simple".
  virtual std::string_view name() const = 0;
  // Sorted.
  virtual Result<std::vector<OperationId>> List() = 0;
  // Adds `new_head`, then removes `old_heads` (publication order).
  Status Update(const OperationId& new_head, const std::vector<OperationId>& old_heads);
  // The two steps of Update. Once Add succeeded the operation is published;
  // RemoveOld is best effort (a superseded head is an ancestor of the new one,
  // and readers drop ancestor heads).
  virtual Status Add(const OperationId& new_head) = 0;
  virtual void RemoveOld(const OperationId& new_head, const std::vector<OperationId>& old_heads) = 0;
  // Removes one head; kNotFound when it is not one.
  virtual Status Remove(const OperationId& head) = 0;
  // Makes the heads added and removed so far durable.
  virtual Status Sync() = 0;
  // Where the heads / one head are kept, for messages.
  virtual fs::path Location() const = 0;
  virtual fs::path HeadPath(const OperationId& head) const = 0;
  // The folders where writers of heads may leave temp files (doctor).
  virtual std::vector<TempPlace> TempPlaces() const = 0;
};

// ---- factories keyed by the names in the type files ----
inline constexpr std::string_view kDefaultOpStore = "simple";
inline constexpr std::string_view kDefaultOpHeads = "simple";
std::vector<std::string_view> OpStoreNames();
std::vector<std::string_view> OpHeadsNames();
// The op store's and the op heads' folders in a repository's control folder
// `control` (`.jvs`).
fs::path OpStoreDir(const fs::path& control);
fs::path OpHeadsDir(const fs::path& control);
// Creates an empty op store / op heads `name` in `dir` and writes `dir/type`.
Status CreateOpStore(Env* env, const fs::path& dir, std::string_view name = kDefaultOpStore);
Status CreateOpHeads(Env* env, const fs::path& dir, std::string_view name = kDefaultOpHeads);
// Opens the implementation `dir/type` names; a missing type file means
// "simple" (repositories made before type files existed). An unknown name is
// kUnsupported, a malformed file kCorrupt. Written op store files are added
// to `sync_set` (may be null) for the next barrier.
Result<std::unique_ptr<OpStore>> OpenOpStore(Env* env, const fs::path& dir, SyncSet* sync_set = nullptr);
Result<std::unique_ptr<OpHeads>> OpenOpHeads(Env* env, const fs::path& dir);
// For verify and doctor, which look inside a repository that the two above
// may refuse: the implementation the type file names when it is a known one,
// else the default. Never fail; reads through them report what is missing.
std::unique_ptr<OpStore> OpenOpStoreToInspect(Env* env, const fs::path& dir);
std::unique_ptr<OpHeads> OpenOpHeadsToInspect(Env* env, const fs::path& dir);

}  // namespace jvs
