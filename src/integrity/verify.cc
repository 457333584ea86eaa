// Verification (see include/jvs/verify.h and docs/architecture.md).
//
// Three passes over distinct objects:
//  1. the metadata walk: op heads -> operations -> views -> snapshots ->
//     trees, breadth-first, each object read once, re-hashed against its id,
//     decoded and re-encoded (the bytes must be canonical); trees of one level
//     are read in parallel;
//  2. the blob pass: every distinct blob read once with large reads and
//     hashed, in parallel, biggest first (or only stat'ed, without hashing);
//  3. only when something is wrong: attribution, which walks the trees of
//     each snapshot again (memoised per tree) to find which snapshots and
//     paths contain the damaged objects, and checks every tree entry's size
//     against what it names.
#include "jvs/integrity/verify.h"

#include <fcntl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <deque>
#include <set>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "jvs/base/hash.h"
#include "jvs/store/objects.h"
#include "jvs/oplog/oplog.h"
#include "jvs/oplog/simple.h"
#include "jvs/repo/repo.h"
#include "jvs/base/thread_pool.h"

namespace jvs {

std::string_view ObjectKindName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kBlob:
      return "blob";
    case ObjectKind::kTree:
      return "tree";
    case ObjectKind::kSnapshot:
      return "snapshot";
    case ObjectKind::kOperation:
      return "operation";
    case ObjectKind::kView:
      return "view";
    case ObjectKind::kOpHead:
      return "op_head";
  }
  return "unknown";
}

std::string_view ProblemTypeName(ProblemType type) {
  switch (type) {
    case ProblemType::kMissing:
      return "missing";
    case ProblemType::kHashMismatch:
      return "hash_mismatch";
    case ProblemType::kMalformed:
      return "malformed";
    case ProblemType::kSizeMismatch:
      return "size_mismatch";
    case ProblemType::kUnreadable:
      return "unreadable";
  }
  return "unknown";
}

namespace {

constexpr size_t kMaxStoreObject = 64u << 20;  // trees and descriptors (as the store)
constexpr size_t kMaxOpObject = 16u << 20;     // operations and views (as the op store)
constexpr size_t kReadChunk = 4u << 20;        // blob reads
constexpr uint64_t kNoClaim = ~uint64_t{0};
constexpr size_t kMaxItemsPerSnapshot = 100;
constexpr size_t kSampleIds = 20;

std::string Short(const std::string& hex) { return hex.substr(0, 12); }

// What is wrong with one object; `text` completes "<object>: ".
struct Damage {
  ProblemType type;
  std::string text;
};

Damage MakeDamage(ProblemType type, const std::string& detail = {}) {
  switch (type) {
    case ProblemType::kMissing:
      return {type, "missing from the store"};
    case ProblemType::kHashMismatch:
      return {type, "content hash mismatch (damaged or tampered)"};
    case ProblemType::kMalformed:
      return {type, "malformed (" + detail + ")"};
    case ProblemType::kSizeMismatch:
      return {type, "size mismatch: " + detail};
    case ProblemType::kUnreadable:
      return {type, "unreadable (" + detail + ")"};
  }
  return {type, detail};
}

// Reads an object file and checks that its bytes hash to `id`.
std::optional<Damage> ReadRaw(Env* env, const fs::path& path, const Digest& id, size_t max,
                              std::string* out) {
  auto data = env->ReadFile(path, max);
  if (!data.ok()) {
    switch (data.error().code()) {
      case ErrorCode::kNotFound:
        return MakeDamage(ProblemType::kMissing);
      case ErrorCode::kCorrupt:
        return MakeDamage(ProblemType::kMalformed, "larger than any valid object");
      default:
        return MakeDamage(ProblemType::kUnreadable, data.error().message());
    }
  }
  if (Sha256Of(*data) != id) return MakeDamage(ProblemType::kHashMismatch);
  *out = std::move(data).value();
  return std::nullopt;
}

// A per-thread read buffer for the blob pass (allocated once, never zeroed).
char* BlobBuffer() {
  thread_local std::unique_ptr<char[]> buf(new char[kReadChunk]);
  return buf.get();
}

bool IsLowerHexId(std::string_view s) {
  if (s.size() != kIdHexLength) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

class Verifier {
 public:
  Verifier(Env* env, fs::path control, const VerifyOptions& options)
      : env_(env),
        control_(std::move(control)),
        store_(control_ / "store"),
        ops_dir_(control_ / "op_store"),
        options_(options),
        pool_(options.pool ? *options.pool : ThreadPool::Shared()) {}

  // ---- the op log (VerifyAll) ----

  // The operations `jvs gc run` cut from the log (`op_store/horizon`): a
  // kept operation may name them as parents; they are legitimately absent.
  void LoadHorizon() {
    SimpleOpStore store(env_, ops_dir_);
    Status st = store.LoadHorizon();
    if (!st.ok()) {
      AddOpLogProblem(ObjectKind::kOperation, ProblemType::kMalformed, "", true,
                      "op log horizon: " + st.error().message());
      return;
    }
    horizon_ = store.horizon();
  }

  // The op heads; a head naming a missing operation shows up when it is walked.
  Result<std::vector<OperationId>> ListHeads() {
    JVS_ASSIGN_OR_RETURN(auto names, ListNames(control_ / "op_heads"));
    std::vector<OperationId> heads;
    for (const auto& n : names) {
      if (!IsLowerHexId(n)) continue;  // temp files of a writer
      auto id = OperationId::FromHex(n);
      if (id.ok()) heads.push_back(*id);
    }
    report_.oplog.heads = heads.size();
    if (heads.empty())
      AddOpLogProblem(ObjectKind::kOpHead, ProblemType::kMissing, "", true,
                      "op heads: no operation head (the repository has no current operation)");
    return heads;
  }

  void WalkOperations(const std::vector<std::pair<OperationId, std::string>>& roots,
                      bool reachable) {
    std::deque<std::pair<OperationId, std::string>> queue;
    for (const auto& r : roots)
      if (ops_.emplace(r.first, reachable).second) queue.push_back(r);
    while (!queue.empty()) {
      auto [id, context] = queue.front();
      queue.pop_front();
      std::string raw;
      std::string what = "operation " + Short(id.hex());
      auto damage =
          ReadRaw(env_, ops_dir_ / "operations" / id.hex(), id.bytes(), kMaxOpObject, &raw);
      Operation op;
      if (!damage) {
        auto decoded = Operation::Decode(raw);
        if (!decoded.ok())
          damage = MakeDamage(ProblemType::kMalformed, decoded.error().message());
        else if (decoded->Encode() != raw)
          damage = MakeDamage(ProblemType::kMalformed, "not in canonical form");
        else
          op = std::move(decoded).value();
      }
      report_.oplog.operations++;
      Tick();
      if (damage) {
        AddOpLogProblem(ObjectKind::kOperation, damage->type, id.hex(), reachable,
                        what + ": " + damage->text + context);
        continue;
      }
      for (const auto& p : op.parents)
        if (!horizon_.count(p) && ops_.emplace(p, reachable).second)
          queue.emplace_back(p, " (parent of operation " + Short(id.hex()) + ")");
      CheckView(op.view, " (view of operation " + Short(id.hex()) + ")", reachable);
    }
  }

  void CheckView(const ViewId& id, const std::string& context, bool reachable) {
    if (!views_.emplace(id, reachable).second) return;
    std::string raw;
    auto damage = ReadRaw(env_, ops_dir_ / "views" / id.hex(), id.bytes(), kMaxOpObject, &raw);
    View view;
    if (!damage) {
      auto decoded = View::Decode(raw);
      if (!decoded.ok())
        damage = MakeDamage(ProblemType::kMalformed, decoded.error().message());
      else if (decoded->Encode() != raw)
        damage = MakeDamage(ProblemType::kMalformed, "not in canonical form");
      else
        view = std::move(decoded).value();
    }
    report_.oplog.views++;
    Tick();
    if (damage) {
      AddOpLogProblem(ObjectKind::kView, damage->type, id.hex(), reachable,
                      "view " + Short(id.hex()) + ": " + damage->text + context);
      return;
    }
    std::string from = " (named by view " + Short(id.hex()) + ")";
    auto add = [&](const SnapshotId& s) { pending_snapshots_.emplace_back(s, from); };
    for (const auto& h : view.heads) add(h);
    for (const auto& [name, wt] : view.worktrees) {
      if (wt.head) add(*wt.head);
      if (wt.latest) add(*wt.latest);
    }
    for (const auto& [name, t] : view.tags) add(t);
    for (const auto& p : view.pins) add(p);
  }

  // Operation, view and snapshot files that the walk from the heads did not
  // reach; walked as unreachable (and counted by the census).
  Status WalkUnreachable() {
    JVS_ASSIGN_OR_RETURN(auto op_names, ListNames(ops_dir_ / "operations"));
    std::vector<std::pair<OperationId, std::string>> ops;
    UnreachableObjects uo{ObjectKind::kOperation};
    for (const auto& n : op_names) {
      if (!IsLowerHexId(n)) continue;
      auto id = OperationId::FromHex(n);
      if (!id.ok() || ops_.count(*id)) continue;
      ops.emplace_back(*id, " (no operation head reaches it)");
      Census(&uo, n, ops_dir_ / "operations" / n);
    }
    FinishCensus(std::move(uo));
    JVS_ASSIGN_OR_RETURN(auto view_names, ListNames(ops_dir_ / "views"));
    UnreachableObjects uv{ObjectKind::kView};
    std::vector<ViewId> views;
    for (const auto& n : view_names) {
      if (!IsLowerHexId(n)) continue;
      auto id = ViewId::FromHex(n);
      if (!id.ok() || views_.count(*id)) continue;
      // A view that an unreachable operation names is checked with it.
      views.push_back(*id);
      Census(&uv, n, ops_dir_ / "views" / n);
    }
    FinishCensus(std::move(uv));
    // Snapshots, trees and blobs the walk from the heads did not reach.
    std::vector<std::pair<SnapshotId, std::string>> snaps;
    JVS_TRY(ForEachStored("snapshots", ObjectKind::kSnapshot, [&](const Digest& d) {
      SnapshotId id(d);
      if (snaps_.count(id)) return false;
      snaps.emplace_back(id, " (no operation reaches it)");
      return true;
    }));
    JVS_TRY(ForEachStored("trees", ObjectKind::kTree,
                          [&](const Digest& d) { return !trees_.count(TreeId(d)); }));
    JVS_TRY(ForEachStored("blobs", ObjectKind::kBlob,
                          [&](const Digest& d) { return !blobs_.count(BlobId(d)); }));
    WalkOperations(ops, false);
    for (const auto& v : views) CheckView(v, " (no operation names it)", false);
    DrainPendingSnapshots(false);
    for (auto& s : snaps) pending_snapshots_.push_back(std::move(s));
    DrainPendingSnapshots(false);
    return OkStatus();
  }

  // ---- snapshots, trees, blobs ----

  void AddSnapshots(const std::vector<SnapshotId>& ids) {
    for (const auto& id : ids) pending_snapshots_.emplace_back(id, "");
  }

  // Walks the pending snapshots (and their parents when `follow_parents`),
  // then every tree below them.
  void DrainPendingSnapshots(bool reachable, bool follow_parents = true) {
    std::deque<std::pair<SnapshotId, std::string>> queue;
    for (auto& p : pending_snapshots_)
      if (snaps_.try_emplace(p.first, SnapRec{reachable}).second) queue.push_back(std::move(p));
    pending_snapshots_.clear();
    while (!queue.empty()) {
      auto [id, context] = queue.front();
      queue.pop_front();
      SnapRec& rec = snaps_.at(id);
      std::string raw;
      std::string hex = id.hex();
      auto damage = ReadRaw(env_, store_ / "snapshots" / hex.substr(0, 2) / hex.substr(2),
                            id.bytes(), kMaxStoreObject, &raw);
      Snapshot snap;
      if (!damage) {
        auto decoded = Snapshot::Decode(raw);
        if (!decoded.ok())
          damage = MakeDamage(ProblemType::kMalformed, decoded.error().message());
        else if (decoded->Encode() != raw)
          damage = MakeDamage(ProblemType::kMalformed, "not in canonical form");
        else
          snap = std::move(decoded).value();
      }
      Tick();
      report_.objects_checked++;
      if (damage) {
        rec.checksum_ok = false;
        rec.error = "descriptor: " + damage->text + context;
        VerifyProblem p;
        p.kind = ObjectKind::kSnapshot;
        p.type = damage->type;
        p.id = hex;
        p.snapshot = id;
        p.snapshots_affected = 1;
        p.reachable = reachable;
        p.message = "snapshot " + Short(hex) + ": " + rec.error;
        descriptor_problems_.push_back(std::move(p));
        continue;
      }
      rec.root = snap.tree;
      AddTree(snap.tree, kNoClaim, reachable);
      if (!follow_parents) continue;
      for (const auto& p : snap.parents)
        if (snaps_.try_emplace(p, SnapRec{reachable}).second)
          queue.emplace_back(p, " (parent of snapshot " + Short(hex) + ")");
    }
    WalkTrees(reachable);
  }

  void BlobPass() {
    std::vector<std::pair<const BlobId*, BlobRec*>> todo;
    todo.reserve(blobs_.size());
    uint64_t total_bytes = 0;
    for (auto& [id, rec] : blobs_) {
      if (rec.done) continue;
      todo.emplace_back(&id, &rec);
      total_bytes += rec.claimed == kNoClaim ? 0 : std::min<uint64_t>(rec.claimed, 1ull << 50);
    }
    // Biggest first: the long hashes start early and the small ones fill in.
    std::sort(todo.begin(), todo.end(), [](const auto& a, const auto& b) {
      return a.second->claimed != b.second->claimed ? a.second->claimed > b.second->claimed
                                                    : *a.first < *b.first;
    });
    ProgressScope progress(options_.progress, "verify", todo.size(),
                           options_.hash_blobs ? total_bytes : 0);
    std::atomic<uint64_t> hashed{0};
    ParallelFor(pool_, todo.size(),
                [&](size_t i) { CheckBlob(*todo[i].first, *todo[i].second, progress, hashed); });
    report_.bytes_hashed += hashed.load();
    report_.blobs_checked += todo.size();
    report_.objects_checked += todo.size();
    for (auto& [id, rec] : todo) {
      if (rec->damage) any_damage_ = true;
      if (rec->actual != rec->claimed || rec->bad_target) needs_attribution_ = true;
    }
  }

  // ---- the report ----

  VerifyReport Finish() {
    if (any_damage_ || needs_attribution_) Attribute();
    for (const auto& [id, rec] : snaps_) {
      SnapshotVerdict v;
      v.id = id;
      v.reachable = rec.reachable;
      v.checksum_valid = rec.checksum_ok;
      v.payload_hash_valid = rec.checksum_ok && !rec.payload_bad;
      v.error = rec.error;
      report_.snapshots.push_back(std::move(v));
    }
    for (auto& p : descriptor_problems_) report_.problems.push_back(std::move(p));
    for (auto& p : attributed_) report_.problems.push_back(std::move(p));
    // Damage that no snapshot reached (should not happen; never hide it).
    for (const auto& [id, rec] : trees_)
      if (rec.damage && !reported_.count(id.bytes()))
        report_.problems.push_back(
            Unattributed(ObjectKind::kTree, id.hex(), *rec.damage, rec.reachable));
    for (const auto& [id, rec] : blobs_)
      if (rec.damage && !reported_.count(id.bytes()))
        report_.problems.push_back(
            Unattributed(ObjectKind::kBlob, id.hex(), *rec.damage, rec.reachable));
    for (auto& p : oplog_problems_) report_.problems.push_back(std::move(p));
    std::sort(report_.problems.begin(), report_.problems.end(),
              [](const VerifyProblem& a, const VerifyProblem& b) { return a.message < b.message; });
    report_.objects_checked += report_.oplog.operations + report_.oplog.views;
    report_.trees_checked = trees_.size();
    report_.objects_checked += trees_.size();
    report_.oplog.ok = oplog_problems_.empty();
    return std::move(report_);
  }

  VerifyReport& report() { return report_; }

 private:
  struct SnapRec {
    bool reachable = true;
    bool checksum_ok = true;
    bool payload_bad = false;
    std::optional<TreeId> root;
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
  struct Memo {
    bool bad = false;
    uint64_t total = 0;
  };

  void Tick() {
    if (!walk_progress_)
      walk_progress_ = std::make_unique<ProgressScope>(options_.progress, "verify");
    walk_progress_->Add(1, 0);
  }

  Result<std::vector<std::string>> ListNames(const fs::path& dir) {
    auto fd = env_->Open(dir, O_RDONLY | O_DIRECTORY);
    if (!fd.ok()) {
      if (fd.error().code() == ErrorCode::kNotFound) return std::vector<std::string>{};
      return fd.error();
    }
    JVS_ASSIGN_OR_RETURN(auto entries, env_->ReadDir(fd->get()));
    std::vector<std::string> out;
    out.reserve(entries.size());
    for (auto& e : entries) out.push_back(std::move(e.name));
    std::sort(out.begin(), out.end());
    return out;
  }

  // Calls `unreached(id)` for every object file of `kind` in the store; an
  // object for which it returns true is counted by the census.
  template <typename Fn>
  Status ForEachStored(const char* dir, ObjectKind kind, Fn unreached) {
    UnreachableObjects u{kind};
    JVS_ASSIGN_OR_RETURN(auto fans, ListNames(store_ / dir));
    for (const auto& fan : fans) {
      if (fan.size() != 2) continue;
      JVS_ASSIGN_OR_RETURN(auto names, ListNames(store_ / dir / fan));
      for (const auto& n : names) {
        std::string hex = fan + n;
        if (!IsLowerHexId(hex)) continue;
        auto d = DigestFromHex(hex);
        if (!d.ok() || !unreached(*d)) continue;
        Census(&u, hex, store_ / dir / fan / n);
      }
    }
    FinishCensus(std::move(u));
    return OkStatus();
  }

  void Census(UnreachableObjects* u, const std::string& hex, const fs::path& path) {
    if (!options_.census) return;
    u->count++;
    auto st = env_->Lstat(path);
    if (st.ok()) u->bytes += static_cast<uint64_t>(st->st_size);
    if (u->sample.size() < kSampleIds) u->sample.push_back(hex);
  }

  void FinishCensus(UnreachableObjects u) {
    if (options_.census && u.count > 0) report_.unreachable.push_back(std::move(u));
  }

  void AddOpLogProblem(ObjectKind kind, ProblemType type, std::string id, bool reachable,
                       std::string message) {
    VerifyProblem p;
    p.kind = kind;
    p.type = type;
    p.id = std::move(id);
    p.reachable = reachable;
    p.message = std::move(message);
    oplog_problems_.push_back(std::move(p));
  }

  void AddTree(const TreeId& id, uint64_t claimed, bool reachable) {
    auto [it, inserted] = trees_.try_emplace(id, TreeRec{reachable, claimed});
    if (inserted) {
      tree_frontier_.push_back(id);
      return;
    }
    if (claimed == kNoClaim) return;
    if (it->second.claimed == kNoClaim) {
      it->second.claimed = claimed;
      needs_attribution_ = true;  // the size is checked against the decoded tree there
    } else if (it->second.claimed != claimed) {
      needs_attribution_ = true;  // two entries disagree about its size
    }
  }

  void AddBlob(const BlobId& id, uint64_t claimed, bool reachable, bool symlink) {
    auto [it, inserted] = blobs_.try_emplace(id, BlobRec{reachable, false, claimed});
    if (!inserted && it->second.claimed != claimed) needs_attribution_ = true;
    if (symlink) it->second.symlink = true;
  }

  // Reads, checks and decodes every tree of the frontier, level by level.
  void WalkTrees(bool reachable) {
    struct Item {
      std::optional<Damage> damage;
      Tree tree;
    };
    while (!tree_frontier_.empty()) {
      std::vector<TreeId> level = std::move(tree_frontier_);
      tree_frontier_.clear();
      std::vector<Item> items(level.size());
      ParallelFor(pool_, level.size(),
                  [&](size_t i) { items[i].damage = LoadTree(level[i], &items[i].tree); });
      for (size_t i = 0; i < level.size(); ++i) {
        Tick();
        TreeRec& rec = trees_.at(level[i]);
        if (items[i].damage) {
          rec.damage = std::move(items[i].damage);
          any_damage_ = true;
          continue;
        }
        const Tree& t = items[i].tree;
        if (rec.claimed != kNoClaim && rec.claimed != t.TotalSize()) needs_attribution_ = true;
        for (const auto& e : t.entries) {
          if (e.kind == EntryKind::kTree)
            AddTree(TreeId(e.id), e.size, reachable);
          else
            AddBlob(BlobId(e.id), e.size, reachable, e.kind == EntryKind::kSymlink);
        }
      }
    }
  }

  std::optional<Damage> LoadTree(const TreeId& id, Tree* out) {
    std::string hex = id.hex();
    std::string raw;
    auto damage = ReadRaw(env_, store_ / "trees" / hex.substr(0, 2) / hex.substr(2), id.bytes(),
                          kMaxStoreObject, &raw);
    if (damage && damage->type == ProblemType::kMissing && id == EmptyTreeId()) {
      *out = Tree{};  // known without being stored
      return std::nullopt;
    }
    if (damage) return damage;
    auto decoded = Tree::Decode(raw);
    if (!decoded.ok()) return MakeDamage(ProblemType::kMalformed, decoded.error().message());
    if (decoded->Encode() != raw)
      return MakeDamage(ProblemType::kMalformed, "not in canonical form");
    *out = std::move(decoded).value();
    return std::nullopt;
  }

  void CheckBlob(const BlobId& id, BlobRec& rec, const ProgressScope& progress,
                 std::atomic<uint64_t>& hashed) {
    rec.done = true;
    auto fd = env_->Open(
        [&] {
          std::string hex = id.hex();
          return store_ / "blobs" / hex.substr(0, 2) / hex.substr(2);
        }(),
        O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (!fd.ok()) {
      rec.damage = fd.error().code() == ErrorCode::kNotFound
                       ? MakeDamage(ProblemType::kMissing)
                       : MakeDamage(ProblemType::kUnreadable, fd.error().message());
      progress.Add(1, 0);
      return;
    }
    auto st = env_->Fstat(fd->get());
    if (!st.ok() || !S_ISREG(st->st_mode)) {
      rec.damage = st.ok() ? MakeDamage(ProblemType::kMalformed, "not a regular file")
                           : MakeDamage(ProblemType::kUnreadable, st.error().message());
      progress.Add(1, 0);
      return;
    }
    if (!options_.hash_blobs) {
      rec.actual = static_cast<uint64_t>(st->st_size);
      // The tree naming it was verified against its id: without hashing, a
      // blob of another size is the blob's damage (with hashing, a blob whose
      // content matches its id proves the tree entry wrong instead).
      if (rec.claimed != kNoClaim && rec.actual != rec.claimed)
        rec.damage = MakeDamage(ProblemType::kSizeMismatch,
                                "the blob holds " + std::to_string(rec.actual) +
                                    " bytes, its tree entry says " + std::to_string(rec.claimed) +
                                    " (damaged or tampered)");
      progress.Add(1, 0);
      return;
    }
    if (st->st_size > (256 << 10)) ::posix_fadvise(fd->get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    Sha256 hasher;
    char* buf = BlobBuffer();
    uint64_t total = 0, unreported = 0;
    while (true) {
      auto n = env_->Read(fd->get(), buf, kReadChunk);
      if (!n.ok()) {
        rec.damage = MakeDamage(ProblemType::kUnreadable, n.error().message());
        hashed += total;
        progress.Add(1, unreported);
        return;
      }
      if (*n == 0) break;
      hasher.Update(buf, *n);
      if (rec.symlink && std::memchr(buf, 0, *n) != nullptr) rec.bad_target = true;
      total += *n;
      unreported += *n;
      if (unreported >= (64u << 20)) {
        progress.Add(0, unreported);
        unreported = 0;
      }
    }
    hashed += total;
    progress.Add(1, unreported);
    rec.actual = total;
    if (rec.symlink && total == 0) rec.bad_target = true;
    if (BlobId(hasher.Finish()) != id) rec.damage = MakeDamage(ProblemType::kHashMismatch);
  }

  // ---- attribution ----

  std::shared_ptr<const Tree> CachedTree(const TreeId& id) {
    auto it = cache_.find(id);
    if (it != cache_.end()) return it->second;
    auto rec = trees_.find(id);
    if (rec == trees_.end() || rec->second.damage) return nullptr;
    auto tree = std::make_shared<Tree>();
    if (auto damage = LoadTree(id, tree.get())) {
      // Changed since the walk: damaged now.
      rec->second.damage = std::move(damage);
      return nullptr;
    }
    if (cache_.size() > 200000) cache_.clear();
    cache_.emplace(id, tree);
    return tree;
  }

  void DamageTree(const TreeId& id, Damage d) {
    auto& rec = trees_.at(id);
    if (!rec.damage) rec.damage = std::move(d);
  }

  // Whether the tree `root` contains any damage (memoised, iterative: a
  // crafted tree may be very deep). Also checks every entry's size.
  bool Evaluate(const TreeId& root) {
    if (auto m = memo_.find(root); m != memo_.end()) return m->second.bad;
    struct Frame {
      TreeId id;
      std::shared_ptr<const Tree> tree;
      size_t next = 0;
      bool bad = false;
    };
    std::vector<Frame> stack;
    stack.push_back(Frame{root});
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == 0 && !f.tree) {
        f.tree = CachedTree(f.id);
        if (!f.tree) {
          memo_[f.id] = Memo{true, 0};
          stack.pop_back();
          continue;
        }
        if (trees_.at(f.id).damage) f.bad = true;
      }
      if (f.next < f.tree->entries.size()) {
        const TreeEntry& e = f.tree->entries[f.next];
        if (e.kind == EntryKind::kTree) {
          TreeId child(e.id);
          auto m = memo_.find(child);
          if (m == memo_.end()) {
            stack.push_back(Frame{child});  // f is invalidated; come back to this entry
            continue;
          }
          if (m->second.bad) f.bad = true;
          auto rec = trees_.find(child);
          bool child_ok = rec != trees_.end() && !rec->second.damage;
          if (child_ok && m->second.total != e.size) {
            DamageTree(f.id, MakeDamage(ProblemType::kSizeMismatch,
                                        "entry '" + e.name + "' says " + std::to_string(e.size) +
                                            " bytes below it, the tree holds " +
                                            std::to_string(m->second.total)));
            f.bad = true;
          }
        } else {
          auto b = blobs_.find(BlobId(e.id));
          if (b != blobs_.end()) {
            if (b->second.damage) {
              f.bad = true;
            } else if (e.kind == EntryKind::kSymlink && b->second.bad_target) {
              DamageTree(f.id, MakeDamage(ProblemType::kMalformed,
                                          "symlink '" + e.name +
                                              "' has an empty target or one containing NUL"));
              f.bad = true;
            } else if (b->second.actual != kNoClaim && b->second.actual != e.size) {
              DamageTree(f.id, MakeDamage(ProblemType::kSizeMismatch,
                                          "entry '" + e.name + "' says " + std::to_string(e.size) +
                                              " bytes, the blob holds " +
                                              std::to_string(b->second.actual)));
              f.bad = true;
            }
          }
        }
        f.next++;
        continue;
      }
      memo_[f.id] = Memo{f.bad || trees_.at(f.id).damage.has_value(), f.tree->TotalSize()};
      stack.pop_back();
    }
    return memo_.at(root).bad;
  }

  struct Item {
    ObjectKind kind;
    std::string hex;
    std::string path;
    Damage damage;
    bool reachable;
  };

  // The damaged objects below `root`, depth-first in entry order.
  std::vector<Item> Collect(const TreeId& root) {
    std::vector<Item> items;
    std::vector<std::pair<TreeId, std::string>> stack{{root, ""}};
    while (!stack.empty() && items.size() < kMaxItemsPerSnapshot) {
      auto [id, path] = stack.back();
      stack.pop_back();
      const TreeRec& rec = trees_.at(id);
      if (rec.damage)
        items.push_back({ObjectKind::kTree, id.hex(), path, *rec.damage, rec.reachable});
      auto tree = CachedTree(id);
      if (!tree) continue;
      std::vector<std::pair<TreeId, std::string>> children;
      for (const auto& e : tree->entries) {
        std::string p = path.empty() ? e.name : path + "/" + e.name;
        if (e.kind == EntryKind::kTree) {
          auto m = memo_.find(TreeId(e.id));
          if (m != memo_.end() && m->second.bad) children.emplace_back(TreeId(e.id), p);
        } else if (auto b = blobs_.find(BlobId(e.id)); b != blobs_.end() && b->second.damage) {
          items.push_back(
              {ObjectKind::kBlob, b->first.hex(), p, *b->second.damage, b->second.reachable});
        }
      }
      for (auto it = children.rbegin(); it != children.rend(); ++it)
        stack.push_back(std::move(*it));
    }
    return items;
  }

  static std::string Describe(const Item& item) {
    std::string what = std::string(ObjectKindName(item.kind)) + " for " + item.path;
    if (item.kind == ObjectKind::kTree && item.path.empty()) what = "root tree";
    return what + ": " + item.damage.text;
  }

  void Attribute() {
    for (auto& [id, rec] : snaps_) {
      if (!rec.root) continue;
      if (!Evaluate(*rec.root)) continue;
      rec.payload_bad = true;
      std::vector<Item> items = Collect(*rec.root);
      if (items.empty()) continue;
      rec.error = Describe(items[0]);
      if (items.size() > 1) rec.error += " (and " + std::to_string(items.size() - 1) + " more)";
      for (const auto& item : items) {
        auto d = DigestFromHex(item.hex);
        if (!d.ok()) continue;
        auto [it, inserted] = reported_.try_emplace(*d, attributed_.size());
        if (!inserted) {
          attributed_[it->second].snapshots_affected++;
          continue;
        }
        VerifyProblem p;
        p.kind = item.kind;
        p.type = item.damage.type;
        p.id = item.hex;
        p.snapshot = id;
        p.path = item.path;
        p.snapshots_affected = 1;
        p.reachable = item.reachable;
        p.message = "snapshot " + Short(id.hex()) + ": " + Describe(item);
        attributed_.push_back(std::move(p));
      }
    }
  }

  static VerifyProblem Unattributed(ObjectKind kind, const std::string& hex, const Damage& d,
                                    bool reachable) {
    VerifyProblem p;
    p.kind = kind;
    p.type = d.type;
    p.id = hex;
    p.reachable = reachable;
    p.message = std::string(ObjectKindName(kind)) + " " + Short(hex) + ": " + d.text;
    return p;
  }

  struct DigestHash {
    size_t operator()(const Digest& d) const {
      size_t h;
      std::memcpy(&h, d.data(), sizeof(h));
      return h;
    }
  };

  Env* env_;
  fs::path control_, store_, ops_dir_;
  VerifyOptions options_;
  ThreadPool& pool_;
  VerifyReport report_;
  std::unique_ptr<ProgressScope> walk_progress_;
  std::unordered_map<OperationId, bool, IdHash> ops_;
  std::set<OperationId> horizon_;
  std::unordered_map<ViewId, bool, IdHash> views_;
  std::map<SnapshotId, SnapRec> snaps_;
  std::vector<std::pair<SnapshotId, std::string>> pending_snapshots_;
  std::unordered_map<TreeId, TreeRec, IdHash> trees_;
  std::vector<TreeId> tree_frontier_;
  std::unordered_map<BlobId, BlobRec, IdHash> blobs_;
  bool any_damage_ = false;
  bool needs_attribution_ = false;
  std::unordered_map<TreeId, Memo, IdHash> memo_;
  std::unordered_map<TreeId, std::shared_ptr<const Tree>, IdHash> cache_;
  std::unordered_map<Digest, size_t, DigestHash> reported_;  // object -> index in attributed_
  std::vector<VerifyProblem> attributed_, descriptor_problems_, oplog_problems_;

 public:
  void EndWalkProgress() { walk_progress_.reset(); }
};

Status CheckFormat(Env* env, const fs::path& control) {
  auto data = env->ReadFile(control / "format", 64);
  if (!data.ok())
    return Error(ErrorCode::kCorrupt, "'" + (control / "format").string() + "' is missing",
                 "this .jvs folder is damaged or not a jvs repository; run 'jvs doctor'");
  std::string s = *data;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), ::isdigit) || std::stoi(s) < 1)
    return Error(ErrorCode::kCorrupt, "repository format file is malformed", "run 'jvs doctor'");
  if (std::stoi(s) > kRepoFormatVersion)
    return Error(ErrorCode::kFormatTooNew,
                 "repository format " + s + " is newer than this jvs supports",
                 "upgrade jvs to verify this repository");
  return OkStatus();
}

}  // namespace

Result<VerifyReport> VerifySnapshots(Repo& repo, const std::vector<SnapshotId>& ids,
                                     const VerifyOptions& options) {
  Verifier v(repo.env(), repo.control_dir(), options);
  v.AddSnapshots(ids);
  v.DrainPendingSnapshots(true, /*follow_parents=*/false);
  v.EndWalkProgress();
  v.BlobPass();
  return v.Finish();
}

Result<VerifyReport> VerifyAll(Env* env, const fs::path& root, const VerifyOptions& options) {
  fs::path control = root / kControlDirName;
  JVS_TRY(CheckFormat(env, control));
  Verifier v(env, control, options);
  v.LoadHorizon();
  JVS_ASSIGN_OR_RETURN(auto heads, v.ListHeads());
  std::vector<std::pair<OperationId, std::string>> roots;
  for (const auto& h : heads)
    roots.emplace_back(h, " (named by op head " + h.hex().substr(0, 12) + ")");
  // 1. Everything the op heads reach.
  v.WalkOperations(roots, true);
  v.DrainPendingSnapshots(true);
  // 2. Every other operation, view and snapshot file present (and the census).
  JVS_TRY(v.WalkUnreachable());
  v.EndWalkProgress();
  v.BlobPass();
  v.report().oplog.checked = true;
  return v.Finish();
}

}  // namespace jvs
