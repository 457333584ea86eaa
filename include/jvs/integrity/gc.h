// Two-phase garbage collection (`jvs gc plan`, `jvs gc run`).
//
// Plan: choose the operations to keep (the retention window), mark every
// object reachable from what must be kept, and write the unmarked objects
// and the operations outside the window to `.jvs/gc/<plan id>`. Nothing is
// deleted. Run: under the exclusive repository lock, recompute reachability
// from the current op head, refuse when anything in the plan is needed
// again, then cut the op log (write the horizon), delete the cut operations
// and views, delete the objects (snapshots, trees, blobs: top-down, so that a
// crash never leaves a kept object without its children), and publish one
// operation recording what was freed. See docs/architecture.md ("Garbage
// collection") and docs/formats.md (horizon and plan files).
//
// Kept (the roots):
//  - every object reachable from the view of a kept operation: the current
//    one, those inside the retention window, and every operation file on disk
//    that is not reachable from the head but younger than the grace period
//    (a command that wrote it may still be publishing); reachable means the
//    worktree heads and latest snapshots, visible heads, tags and pins, all
//    their ancestor snapshots, and their trees and blobs;
//  - the blobs and trees named by every worktree's tree state (a snapshot
//    reuses the blob id of an unchanged file without re-reading it);
//  - every object whose mtime is within the grace period of the filesystem's
//    clock, with everything it references.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jvs/repo/repo.h"

namespace jvs {

// Defaults when none of keep_days, keep_last, keep_daily is given: both of these apply.
inline constexpr int64_t kGcDefaultKeepDays = 14;
inline constexpr int64_t kGcDefaultKeepLast = 20;
inline constexpr int64_t kGcDefaultGraceSeconds = 3600;

struct GcOptions {
  // Keep every operation whose end time is within this many days of now.
  std::optional<int64_t> keep_days;
  // Keep the newest N operations of the log (the current one counts).
  std::optional<int64_t> keep_last;
  // Keep the newest operation of each of the N most recent days that have
  // operations (UTC days; the original JVS's --keep-daily).
  std::optional<int64_t> keep_daily;
  // Objects and operation files modified within this many seconds are kept.
  int64_t grace_seconds = kGcDefaultGraceSeconds;
};

enum class GcObjectKind { kSnapshot, kTree, kBlob };
std::string_view GcObjectKindName(GcObjectKind k);  // "snapshot", "tree", "blob"

struct GcCandidate {
  GcObjectKind kind = GcObjectKind::kBlob;
  Digest id{};
  uint64_t bytes = 0;  // st_blocks * 512 at plan time (what `du` counts)
  // "cut_history": only operations outside the retention window reference it;
  // "unreferenced": no operation references it (e.g. left by an interrupted command).
  std::string reason;
};

struct GcPlan {
  std::string plan_id;     // 16 hex digits
  std::string created_at;  // RFC 3339
  OperationId op_head;     // the operation the plan was computed at
  std::optional<int64_t> keep_days, keep_last;
  std::optional<int64_t> keep_daily;  // in the plan file only when given
  int64_t grace_seconds = 0;
  std::vector<OperationId> retained_operations;  // kept, reachable from op_head
  std::vector<OperationId> cut_operations;       // deleted by run (outside the window, or orphans)
  std::vector<ViewId> cut_views;                 // views only cut operations use
  std::vector<GcCandidate> objects;              // snapshots, then trees, then blobs
  uint64_t reclaimable_bytes = 0;                // sum of objects[].bytes
  uint64_t op_log_bytes = 0;                     // st_blocks * 512 of cut operation and view files
  uint64_t protected_reachable = 0;              // stored objects kept because reachable
  uint64_t protected_recent = 0;                 // stored objects kept only by the grace period
  // The stored snapshots the plan keeps (sorted), each counted under one
  // reason: a pin of the current view names it, else the current view
  // reaches it (its lineage), else only the retention window, a tree state or
  // the grace period keeps it. Computed by MakeGcPlan; not in the plan file
  // (LoadGcPlan leaves them empty).
  std::vector<SnapshotId> protected_snapshots;
  uint64_t protected_by_pin = 0, protected_by_lineage = 0, protected_by_retention = 0;
  uint64_t count(GcObjectKind k) const;
};

struct GcRunResult {
  std::string plan_id;
  // The gc operation; nullopt when the run deleted and cut nothing (an empty
  // plan records no operation: there is nothing to undo).
  std::optional<OperationId> op;
  uint64_t snapshots_deleted = 0, trees_deleted = 0, blobs_deleted = 0;
  uint64_t bytes_freed = 0;  // st_blocks * 512 of the object files deleted
  uint64_t operations_cut = 0, views_deleted = 0;
  uint64_t objects_deleted() const { return snapshots_deleted + trees_deleted + blobs_deleted; }
};

// Computes a plan at the repository's current operation and writes it to
// `.jvs/gc/<plan id>`. Deletes nothing.
Result<GcPlan> MakeGcPlan(Repo& repo, const GcOptions& options);
// Reads `.jvs/gc/<plan id>` (kNotFound when there is no such plan).
Result<GcPlan> LoadGcPlan(Repo& repo, std::string_view plan_id);
// Carries out a plan (see the file comment). kRefused when the repository
// changed so that something in the plan is needed again. The plan file is
// removed once the gc operation is published.
Result<GcRunResult> RunGcPlan(Repo& repo, std::string_view plan_id);

}  // namespace jvs
