// The passes of verification (include/jvs/integrity/verify.h) and the state
// they share. One VerifyState holds what is known about every distinct object
// (operations, views, snapshots, trees, blobs: reachable or not, damaged or
// not, sizes claimed and found); the passes fill it in order:
//  - OpLogPass (verify_oplog.cc): op heads, the op-log walk (operations,
//    views, hash links, the gc horizon), then every file nothing reaches;
//  - ObjectPass (verify_objects.cc): the metadata walk of snapshots and their
//    trees, then the blob pass (re-hash in parallel);
//  - Attribution (verify_attribution.cc): only when something is wrong, which
//    snapshots and paths contain the damage;
//  - verify.cc: the report and the two entry points.
// Private to the integrity layer. A VerifyState is used by one thread; the
// passes fan work out to a thread pool and merge the results on that thread.
#pragma once

#include <atomic>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "integrity/parts.h"
#include "jvs/base/thread_pool.h"
#include "jvs/integrity/verify.h"
#include "jvs/oplog/op_walk.h"
#include "jvs/store/objects.h"

namespace jvs::verify_internal {

inline constexpr size_t kMaxStoreObject = 64u << 20;  // trees and descriptors (as the store)
inline constexpr size_t kMaxOpObject = 16u << 20;     // operations and views (as the op store)
inline constexpr size_t kReadChunk = 4u << 20;        // blob reads
inline constexpr uint64_t kNoClaim = ~uint64_t{0};
inline constexpr size_t kMaxItemsPerSnapshot = 100;
inline constexpr size_t kSampleIds = 20;

inline std::string Short(const std::string& hex) { return hex.substr(0, 12); }

// What is wrong with one object; `text` completes "<object>: ".
struct Damage {
  ProblemType type;
  std::string text;
};
Damage MakeDamage(ProblemType type, const std::string& detail = {});

// Classifies what a part returned for the raw bytes of object `id` (read
// with a size cap) and checks that they hash to `id`; the bytes go to `out`.
std::optional<Damage> CheckRaw(Result<std::string> data, const Digest& id, std::string* out);

struct DigestHash {
  size_t operator()(const Digest& d) const {
    size_t h;
    std::memcpy(&h, d.data(), sizeof(h));
    return h;
  }
};

struct SnapRec {
  bool reachable = true;
  bool checksum_ok = true;
  bool payload_bad = false;
  std::vector<TreeId> roots;  // the root's terms (one when resolved); empty until decoded
  std::string error;
};
struct TreeRec {
  bool reachable = true;
  uint64_t claimed = kNoClaim;  // the size its (first) parent entry gives
  std::optional<Damage> damage;
};
struct BlobRec {
  bool reachable = true;
  bool done = false;
  uint64_t claimed = kNoClaim;  // the size its (first) tree entry gives
  uint64_t actual = kNoClaim;
  std::optional<Damage> damage;
  bool symlink = false;     // some tree entry uses it as a symlink target
  bool bad_target = false;  // ... and it is empty or holds NUL (no valid target)
};

// Everything one verification knows; see the file comment.
struct VerifyState {
  // Over the parts of the repository in `control` (`.jvs`), opened for
  // inspection (VerifyAll).
  VerifyState(Env* env, const fs::path& control, const VerifyOptions& options);
  // Over a store backend only (VerifySnapshots of an open repository).
  VerifyState(Env* env, Backend& backend, const VerifyOptions& options);

  Env* env;
  integrity_internal::InspectedParts owned;  // what the first constructor opened
  Backend& backend;
  OpStore* ops;      // null without the op log
  OpHeads* heads;    // null without the op log
  VerifyOptions options;
  ThreadPool& pool;
  VerifyReport report;
  std::unique_ptr<ProgressScope> walk_progress;
  std::unordered_map<ViewId, bool, IdHash> views;
  std::map<SnapshotId, SnapRec> snaps;
  // Snapshots to walk next, with the context for their messages.
  std::vector<std::pair<SnapshotId, std::string>> pending_snapshots;
  std::unordered_map<TreeId, TreeRec, IdHash> trees;
  std::unordered_map<BlobId, BlobRec, IdHash> blobs;
  bool any_damage = false;
  bool needs_attribution = false;
  std::unordered_map<Digest, size_t, DigestHash> reported;  // object -> index in attributed
  std::vector<VerifyProblem> attributed, descriptor_problems, oplog_problems;

  // One walked object for the progress line.
  void Tick();
  void EndWalkProgress() { walk_progress.reset(); }
  // Counts an object no operation reaches (with `options.census`); `size`
  // stats it.
  void Census(UnreachableObjects* u, const std::string& hex,
              const std::function<Result<uint64_t>()>& size);
  void FinishCensus(UnreachableObjects u);
  void AddOpLogProblem(ObjectKind kind, ProblemType type, std::string id, bool reachable,
                       std::string message);
};

// Reads, re-hashes, decodes and re-encodes the tree `id`; the empty tree
// need not be stored.
std::optional<Damage> LoadTree(const VerifyState& s, const TreeId& id, Tree* out);

// Snapshots, trees and blobs (verify_objects.cc).
class ObjectPass {
 public:
  explicit ObjectPass(VerifyState& s) : s_(s) {}
  void AddSnapshots(const std::vector<SnapshotId>& ids);
  // Walks the pending snapshots (and their parents when `follow_parents`),
  // then every tree below them.
  void DrainPendingSnapshots(bool reachable, bool follow_parents = true);
  // Reads every blob not checked yet: hashed, biggest first, in parallel.
  void BlobPass();

 private:
  void AddTree(const TreeId& id, uint64_t claimed, bool reachable);
  void AddBlob(const BlobId& id, uint64_t claimed, bool reachable, bool symlink);
  void WalkTrees(bool reachable);
  void CheckBlob(const BlobId& id, BlobRec& rec, const ProgressScope& progress,
                 std::atomic<uint64_t>& hashed);

  VerifyState& s_;
  std::vector<TreeId> tree_frontier_;
};

// The op log (verify_oplog.cc; VerifyAll only).
class OpLogPass {
 public:
  OpLogPass(VerifyState& s, ObjectPass& objects) : s_(s), objects_(objects) {}
  // The operations `jvs gc run` cut from the log (the op store's horizon).
  void LoadHorizon();
  // The op heads; a head naming a missing operation shows up when it is walked.
  Result<std::vector<OperationId>> ListHeads();
  // Walks operations from `roots` (id, context), their views and hash links.
  void WalkOperations(const std::vector<std::pair<OperationId, std::string>>& roots,
                      bool reachable);
  // Operation, view and snapshot files that the walk from the heads did not
  // reach; walked as unreachable (and counted by the census).
  Status WalkUnreachable();

 private:
  void CheckView(const ViewId& id, const std::string& context, bool reachable);
  template <typename Fn>
  Status ForEachStored(StoreKind store_kind, ObjectKind kind, Fn unreached);

  VerifyState& s_;
  ObjectPass& objects_;
  std::set<OperationId> horizon_;
  OpLogWalk walk_{horizon_};  // one walk: what the heads reach is not walked again
  std::unordered_map<OperationId, std::string, IdHash> context_;  // of queued operations
};

// Which snapshots and paths hold the damage (verify_attribution.cc).
class Attribution {
 public:
  explicit Attribution(VerifyState& s) : s_(s) {}
  // Fills s.attributed and marks damaged snapshots.
  void Run();

 private:
  struct Memo {
    bool bad = false;
    uint64_t total = 0;
  };
  struct Item {
    ObjectKind kind;
    std::string hex;
    std::string path;
    Damage damage;
    bool reachable;
    int term = -1;  // the conflict term whose tree holds it (-1: a resolved root)
  };
  std::shared_ptr<const Tree> CachedTree(const TreeId& id);
  void DamageTree(const TreeId& id, Damage d);
  bool Evaluate(const TreeId& root);
  std::vector<Item> Collect(const TreeId& root);
  static std::string Describe(const Item& item);

  VerifyState& s_;
  std::unordered_map<TreeId, Memo, IdHash> memo_;
  std::unordered_map<TreeId, std::shared_ptr<const Tree>, IdHash> cache_;
};

}  // namespace jvs::verify_internal
