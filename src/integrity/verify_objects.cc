// Verification, the object pass. The metadata walk goes breadth-first from
// the pending snapshots (those the views name, or those the caller gave)
// through their descriptors (and parents) to their trees, level by level,
// reading the trees of one level in parallel; every object is re-hashed
// against its id, decoded (decoders refuse malformed input) and re-encoded
// (the bytes must be canonical). Each distinct object is read once. The blob
// pass then reads every distinct blob once with large reads, biggest first,
// in parallel on the thread pool, and compares its SHA-256 and size with the
// tree entries (or, without hashing, only its size).
// Objects are read through the store backend (Read, OpenBlob), never by path.
#include <fcntl.h>

#include <algorithm>
#include <cstring>
#include <deque>

#include "integrity/verify_internal.h"
#include "jvs/base/hash.h"

namespace jvs::verify_internal {

namespace {

// A per-thread read buffer for the blob pass (allocated once, never zeroed).
char* BlobBuffer() {
  thread_local std::unique_ptr<char[]> buf(new char[kReadChunk]);
  return buf.get();
}

}  // namespace

std::optional<Damage> LoadTree(const VerifyState& s, const TreeId& id, Tree* out) {
  std::string raw;
  auto damage = CheckRaw(s.backend.Read(StoreKind::kTree, id.bytes(), kMaxStoreObject), id.bytes(), &raw);
  if (damage && damage->type == ProblemType::kMissing && id == EmptyTreeId()) {
    *out = Tree{};  // known without being stored
    return std::nullopt;
  }
  if (damage) return damage;
  auto decoded = Tree::Decode(raw);
  if (!decoded.ok()) return MakeDamage(ProblemType::kMalformed, decoded.error().message());
  if (decoded->Encode() != raw) return MakeDamage(ProblemType::kMalformed, "not in canonical form");
  *out = std::move(decoded).value();
  return std::nullopt;
}

void ObjectPass::AddSnapshots(const std::vector<SnapshotId>& ids) {
  for (const auto& id : ids) s_.pending_snapshots.emplace_back(id, "");
}

void ObjectPass::DrainPendingSnapshots(bool reachable, bool follow_parents) {
  std::deque<std::pair<SnapshotId, std::string>> queue;
  for (auto& p : s_.pending_snapshots)
    if (s_.snaps.try_emplace(p.first, SnapRec{reachable}).second) queue.push_back(std::move(p));
  s_.pending_snapshots.clear();
  while (!queue.empty()) {
    auto [id, context] = queue.front();
    queue.pop_front();
    SnapRec& rec = s_.snaps.at(id);
    std::string raw;
    std::string hex = id.hex();
    auto damage =
        CheckRaw(s_.backend.Read(StoreKind::kSnapshot, id.bytes(), kMaxStoreObject), id.bytes(), &raw);
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
    s_.Tick();
    s_.report.objects_checked++;
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
      s_.descriptor_problems.push_back(std::move(p));
      continue;
    }
    // Every term of a conflicted root is verified (and attributed) alike.
    rec.roots = snap.root_terms;
    for (const auto& t : snap.root_terms) AddTree(t, kNoClaim, reachable);
    if (!follow_parents) continue;
    for (const auto& p : snap.parents)
      if (s_.snaps.try_emplace(p, SnapRec{reachable}).second)
        queue.emplace_back(p, " (parent of snapshot " + Short(hex) + ")");
  }
  WalkTrees(reachable);
}

void ObjectPass::AddTree(const TreeId& id, uint64_t claimed, bool reachable) {
  auto [it, inserted] = s_.trees.try_emplace(id, TreeRec{reachable, claimed});
  if (inserted) {
    tree_frontier_.push_back(id);
    return;
  }
  if (claimed == kNoClaim) return;
  if (it->second.claimed == kNoClaim) {
    it->second.claimed = claimed;
    s_.needs_attribution = true;  // the size is checked against the decoded tree there
  } else if (it->second.claimed != claimed) {
    s_.needs_attribution = true;  // two entries disagree about its size
  }
}

void ObjectPass::AddBlob(const BlobId& id, uint64_t claimed, bool reachable, bool symlink) {
  auto [it, inserted] = s_.blobs.try_emplace(id, BlobRec{reachable, false, claimed});
  if (!inserted && it->second.claimed != claimed) s_.needs_attribution = true;
  if (symlink) it->second.symlink = true;
}

// Reads, checks and decodes every tree of the frontier, level by level.
void ObjectPass::WalkTrees(bool reachable) {
  struct Item {
    std::optional<Damage> damage;
    Tree tree;
  };
  while (!tree_frontier_.empty()) {
    std::vector<TreeId> level = std::move(tree_frontier_);
    tree_frontier_.clear();
    std::vector<Item> items(level.size());
    ParallelFor(s_.pool, level.size(),
                [&](size_t i) { items[i].damage = LoadTree(s_, level[i], &items[i].tree); });
    for (size_t i = 0; i < level.size(); ++i) {
      s_.Tick();
      TreeRec& rec = s_.trees.at(level[i]);
      if (items[i].damage) {
        rec.damage = std::move(items[i].damage);
        s_.any_damage = true;
        continue;
      }
      const Tree& t = items[i].tree;
      if (rec.claimed != kNoClaim && rec.claimed != t.TotalSize()) s_.needs_attribution = true;
      for (const auto& e : t.entries) {
        if (e.kind == EntryKind::kTree)
          AddTree(TreeId(e.id), e.size, reachable);
        else
          AddBlob(BlobId(e.id), e.size, reachable, e.kind == EntryKind::kSymlink);
      }
    }
  }
}

void ObjectPass::BlobPass() {
  std::vector<std::pair<const BlobId*, BlobRec*>> todo;
  todo.reserve(s_.blobs.size());
  uint64_t total_bytes = 0;
  for (auto& [id, rec] : s_.blobs) {
    if (rec.done) continue;
    todo.emplace_back(&id, &rec);
    total_bytes += rec.claimed == kNoClaim ? 0 : std::min<uint64_t>(rec.claimed, 1ull << 50);
  }
  // Biggest first: the long hashes start early and the small ones fill in.
  std::sort(todo.begin(), todo.end(), [](const auto& a, const auto& b) {
    return a.second->claimed != b.second->claimed ? a.second->claimed > b.second->claimed
                                                  : *a.first < *b.first;
  });
  ProgressScope progress(s_.options.progress, "verify", todo.size(),
                         s_.options.hash_blobs ? total_bytes : 0);
  std::atomic<uint64_t> hashed{0};
  ParallelFor(s_.pool, todo.size(),
              [&](size_t i) { CheckBlob(*todo[i].first, *todo[i].second, progress, hashed); });
  s_.report.bytes_hashed += hashed.load();
  s_.report.blobs_checked += todo.size();
  s_.report.objects_checked += todo.size();
  for (auto& [id, rec] : todo) {
    if (rec->damage) s_.any_damage = true;
    if (rec->actual != rec->claimed || rec->bad_target) s_.needs_attribution = true;
  }
}

void ObjectPass::CheckBlob(const BlobId& id, BlobRec& rec, const ProgressScope& progress,
                           std::atomic<uint64_t>& hashed) {
  rec.done = true;
  auto fd = s_.backend.OpenBlob(id.bytes());
  if (!fd.ok()) {
    rec.damage = fd.error().code() == ErrorCode::kNotFound
                     ? MakeDamage(ProblemType::kMissing)
                     : MakeDamage(ProblemType::kUnreadable, fd.error().message());
    progress.Add(1, 0);
    return;
  }
  auto st = s_.env->Fstat(fd->get());
  if (!st.ok() || !S_ISREG(st->st_mode)) {
    rec.damage = st.ok() ? MakeDamage(ProblemType::kMalformed, "not a regular file")
                         : MakeDamage(ProblemType::kUnreadable, st.error().message());
    progress.Add(1, 0);
    return;
  }
  if (!s_.options.hash_blobs) {
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
    auto n = s_.env->Read(fd->get(), buf, kReadChunk);
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

}  // namespace jvs::verify_internal
