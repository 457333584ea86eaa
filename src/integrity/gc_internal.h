// The parts of garbage collection (include/jvs/integrity/gc.h), shared by its
// files: gc_retention.cc (which operations are kept), gc_mark.cc
// (reachability of objects), gc_plan.cc (the plan: computing it, the plan
// file, checking it again before a run) and gc_sweep.cc (the run: horizon,
// deletion order, publication). Private to the integrity layer. Nothing here
// is thread-safe; a gc runs on one thread.
#pragma once

#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "jvs/integrity/gc.h"

namespace jvs::gc_internal {

inline constexpr GcObjectKind kKinds[] = {GcObjectKind::kSnapshot, GcObjectKind::kTree,
                                          GcObjectKind::kBlob};
inline constexpr int64_t kNanosPerSecond = 1000000000;
inline constexpr int64_t kNanosPerDay = 86400 * kNanosPerSecond;

struct DigestHash {
  size_t operator()(const Digest& d) const {
    size_t h;
    std::memcpy(&h, d.data(), sizeof(h));
    return h;
  }
};
using DigestSet = std::unordered_set<Digest, DigestHash>;

bool IsLowerHex(std::string_view s);

// ---- retention (gc_retention.cc) ----

struct OpFile {
  Operation op;
  int64_t mtime_ns = 0;
  uint64_t bytes = 0;
};

// Every operation file on disk, read and stat'ed.
Result<std::map<OperationId, OpFile>> LoadOps(Repo& repo);
// The operations reachable from the head (stopping at the horizon), newest
// first as `jvs op log` lists them.
Result<std::vector<OperationId>> ReachableOps(Repo& repo, const std::map<OperationId, OpFile>& ops);
// Which reachable operations the retention window keeps.
Result<std::set<OperationId>> Retain(Repo& repo, const std::map<OperationId, OpFile>& ops,
                                     const std::vector<OperationId>& reachable,
                                     std::optional<int64_t> keep_days,
                                     std::optional<int64_t> keep_last, std::optional<int64_t> keep_daily,
                                     int64_t now_ns);

// ---- marking (gc_mark.cc); objects are listed, stat'ed and deleted
// through the store backend ----

StoreKind ToStoreKind(GcObjectKind k);

// Marks objects: snapshots with all their ancestors, trees with everything
// below them, blobs. With `strict`, a missing or damaged object is an error
// (it is reachable, so the repository is damaged and gc must not go on);
// otherwise it is skipped. `skip` (optional): objects another marker already
// has are not walked again.
class Marker {
 public:
  Marker(Store& store, const ProgressScope& progress, const Marker* skip = nullptr)
      : store_(store), progress_(progress), skip_(skip) {}

  DigestSet snapshots, trees, blobs;

  bool Has(GcObjectKind k, const Digest& d) const;
  Status MarkView(const View& v, bool strict);
  Status MarkSnapshot(const SnapshotId& root, bool strict);
  Status MarkTree(const TreeId& root, bool strict);

 private:
  Store& store_;
  const ProgressScope& progress_;
  const Marker* skip_;
};

struct StoredObject {
  GcObjectKind kind;
  Digest id;
  ObjectStat st;
};

// The result of marking: what is reachable, what is only young, what is garbage.
struct Reachability {
  std::vector<StoredObject> garbage;  // snapshots, then trees, then blobs
  uint64_t protected_reachable = 0, protected_recent = 0;
  std::unique_ptr<Marker> marker;
  // Stored snapshots that are kept, sorted, and why (GcPlan::protected_by_*).
  std::vector<SnapshotId> kept_snapshots;
  uint64_t by_pin = 0, by_lineage = 0, by_retention = 0;
};

// Marks from the views of `kept_ops` (strict), the tree states, and every
// object younger than `young_since_ns` (with its closure); lists the rest.
Result<Reachability> Mark(Repo& repo, const std::map<OperationId, OpFile>& ops,
                          const std::set<OperationId>& kept_ops, int64_t young_since_ns,
                          const ProgressScope& progress);

// ---- the plan (gc_plan.cc) ----

fs::path GcDir(Repo& repo);  // `.jvs/gc`
std::string EncodePlan(const GcPlan& p);
Result<GcPlan> DecodePlan(std::string_view data);

// What a run of `plan` may cut now, checked again under the exclusive lock.
struct CheckedPlan {
  std::map<OperationId, OpFile> ops;  // every operation file on disk now
  std::set<OperationId> cut;          // planned cuts still on disk
  std::set<OperationId> kept;         // every other operation on disk
};
// Re-reads the op log and re-marks; kRefused when an operation the plan cuts
// must be kept now or an object it deletes is reachable again.
Result<CheckedPlan> CheckPlanStillHolds(Repo& repo, const GcPlan& plan);

}  // namespace jvs::gc_internal
