#include "jvs/store/store.h"

#include <cerrno>
#include <random>
#include <vector>

#include "base/sync_set.h"
#include "engine/scratch.h"
#include "jvs/base/hash.h"
#include "store/snapshot_index.h"

namespace jvs {

namespace {
constexpr const char* kBlobs = "blobs";
constexpr const char* kTrees = "trees";
constexpr const char* kSnapshots = "snapshots";
constexpr size_t kSmallFile = 1u << 20;  // read whole, hash, then write only if new
constexpr size_t kMaxObjectSize = 64u << 20;  // trees and descriptors
constexpr int kMaxIngestAttempts = 5;

bool SameStat(const struct stat& a, const struct stat& b) {
  return a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
         a.st_mtim.tv_nsec == b.st_mtim.tv_nsec && a.st_ino == b.st_ino &&
         a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}
}  // namespace

Store::Store(Env* env, fs::path dir)
    : env_(env), dir_(std::move(dir)), sync_set_(std::make_unique<SyncSet>()) {}

Store::~Store() = default;

Status Store::Create(Env* env, const fs::path& dir) {
  JVS_TRY(env->MkdirAll(dir));
  for (const char* sub : {kBlobs, kTrees, kSnapshots, "tmp"}) JVS_TRY(env->MkdirAll(dir / sub));
  return env->WriteFileAtomic(dir / "type", "local\n");
}

Result<std::unique_ptr<Store>> Store::Open(Env* env, const fs::path& dir) {
  auto type = env->ReadFile(dir / "type", 1024);
  if (!type.ok())
    return Error(ErrorCode::kCorrupt, "store type file is missing: " + type.error().message())
        .WithRemedy(Remedy::kInspectRepository);
  if (*type != "local\n")
    return Error(ErrorCode::kUnsupported, "unknown store backend '" + *type + "'",
                 "this repository was created by a jvs with another store backend");
  return std::unique_ptr<Store>(new Store(env, dir));
}

fs::path Store::ObjectPath(const char* kind, const Digest& id) const {
  std::string hex = ToHex(id.data(), id.size());
  return dir_ / kind / hex.substr(0, 2) / hex.substr(2);
}

fs::path Store::BlobPath(const BlobId& id) const { return ObjectPath(kBlobs, id.bytes()); }

fs::path Store::TempPath() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return dir_ / "tmp" /
         ("obj-" + std::to_string(::getpid()) + "-" + std::to_string(temp_counter_++) + "-" +
          std::to_string(rng() & 0xffffff));
}

Result<bool> Store::Publish(const fs::path& tmp, const fs::path& final_path) {
  Status st = env_->RenameNoReplace(tmp, final_path);
  if (!st.ok() && st.error().code() == ErrorCode::kNotFound) {
    Status m = env_->Mkdir(final_path.parent_path());
    if (!m.ok() && m.error().code() != ErrorCode::kAlreadyExists) {
      (void)env_->Unlink(tmp);
      return m.error();
    }
    if (m.ok()) sync_set_->Add(final_path.parent_path());  // its entry in the parent too
    st = env_->RenameNoReplace(tmp, final_path);
  }
  if (!st.ok()) {
    (void)env_->Unlink(tmp);
    if (st.error().code() == ErrorCode::kAlreadyExists) return false;
    return st.error();
  }
  sync_set_->Add(final_path);
  objects_written_++;
  return true;
}

Status Store::WriteObject(const char* kind, const Digest& id, std::string_view data) {
  fs::path final_path = ObjectPath(kind, id);
  if (env_->Exists(final_path)) return OkStatus();
  fs::path tmp = TempPath();
  {
    JVS_ASSIGN_OR_RETURN(UniqueFd fd, env_->Open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0444));
    Status st = env_->Write(fd.get(), data.data(), data.size());
    if (!st.ok()) {
      (void)env_->Unlink(tmp);
      return st;
    }
  }
  JVS_TRY(Publish(tmp, final_path));
  bytes_written_ += data.size();
  return OkStatus();
}

Result<std::string> Store::ReadObject(const char* kind, const Digest& id) {
  auto data = env_->ReadFile(ObjectPath(kind, id), kMaxObjectSize);
  if (!data.ok()) {
    if (data.error().code() == ErrorCode::kNotFound)
      return Error(ErrorCode::kNotFound, std::string(kind == kTrees ? "tree" : "snapshot") + " " +
                                            ToHex(id.data(), id.size()) + " is missing from the store")
          .WithRemedy(Remedy::kInspectRepository);
    return data.error();
  }
  if (Sha256Of(*data) != id)
    return Error(ErrorCode::kCorrupt, std::string(kind == kTrees ? "tree" : "snapshot") + " " +
                                          ToHex(id.data(), id.size()) +
                                          " does not match its id (damaged or tampered)")
        .WithRemedy(Remedy::kFindDamagedObjects);
  return data;
}

bool Store::HasBlob(const BlobId& id) { return env_->Exists(BlobPath(id)); }

Result<UniqueFd> Store::OpenBlob(const BlobId& id) {
  auto fd = env_->Open(BlobPath(id), O_RDONLY);
  if (!fd.ok() && fd.error().code() == ErrorCode::kNotFound)
    return Error(ErrorCode::kNotFound, "blob " + id.hex() + " is missing from the store")
        .WithRemedy(Remedy::kInspectRepository);
  return fd;
}

Result<std::string> Store::ReadBlob(const BlobId& id, uint64_t max_size) {
  auto fd = OpenBlob(id);
  if (!fd.ok()) return fd.error();
  (void)max_size;
  return env_->ReadFile(BlobPath(id), max_size);
}

Result<BlobId> Store::WriteBlob(std::string_view data) {
  BlobId id(Sha256Of(data));
  JVS_TRY(WriteObject(kBlobs, id.bytes(), data));
  return id;
}

Result<IngestResult> Store::IngestFile(int dirfd, const char* name, CloneEngine& engine) {
  for (int attempt = 0; attempt < kMaxIngestAttempts; ++attempt) {
    JVS_ASSIGN_OR_RETURN(UniqueFd fd, env_->OpenAt(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK));
    JVS_ASSIGN_OR_RETURN(struct stat before, env_->Fstat(fd.get()));
    if (!S_ISREG(before.st_mode))
      return Error(ErrorCode::kInvalidArgument, std::string("'") + name + "' is not a regular file");
    IngestResult r;
    uint64_t size = static_cast<uint64_t>(before.st_size);
    Sha256 hasher;
    if (size <= std::min<uint64_t>(kSmallFile, engine.small_file_limit())) {
      // Small file: one read into memory, hash, write only if the store lacks it
      // (the engine's limit: measured faster than a clone, docs/engines.md).
      std::string buf(size + 1, '\0');
      size_t got = 0;
      while (got < buf.size()) {
        JVS_ASSIGN_OR_RETURN(size_t n, env_->Read(fd.get(), buf.data() + got, buf.size() - got));
        if (n == 0) break;
        got += n;
      }
      JVS_ASSIGN_OR_RETURN(struct stat after, env_->Fstat(fd.get()));
      if (got != size || !SameStat(before, after)) continue;  // changed while read: retry
      buf.resize(got);
      r.id = BlobId(Sha256Of(buf));
      r.size = got;
      r.st = after;
      if (!HasBlob(r.id)) {
        JVS_TRY(WriteObject(kBlobs, r.id.bytes(), buf));
        r.stored = true;
        if (got > 0) {  // bytes were copied: the descriptor must say so
          engine.counters().files++;
          engine.counters().copied++;
          engine.counters().bytes_copied += got;
        }
      }
      return r;
    }
    if (engine.hashes_source_under_lease()) {
      JVS_ASSIGN_OR_RETURN(std::optional<IngestResult> leased, IngestUnderLease(fd.get(), before, engine));
      if (leased) return *std::move(leased);
      // Refused or broken: clone first and hash the clone.
      if (::lseek(fd.get(), 0, SEEK_SET) < 0) return ErrnoError(errno, "seek failed");
    }
    fs::path tmp = TempPath();
    // O_RDWR: a sharing engine reads the clone back to hash it.
    JVS_ASSIGN_OR_RETURN(UniqueFd out, env_->Open(tmp, O_RDWR | O_CREAT | O_EXCL, 0444));
    // One read in all: clone then hash the clone, or hash while copying.
    auto hashed = engine.CloneAndHash(env_, fd.get(), out.get(), size, hasher);
    if (!hashed.ok()) {
      out.reset();
      (void)env_->Unlink(tmp);
      return hashed.error();
    }
    r.size = *hashed;
    out.reset();
    JVS_ASSIGN_OR_RETURN(struct stat after, env_->Fstat(fd.get()));
    if (r.size != size || !SameStat(before, after)) {
      (void)env_->Unlink(tmp);
      continue;
    }
    r.id = BlobId(hasher.Finish());
    r.st = after;
    JVS_ASSIGN_OR_RETURN(r.stored, Publish(tmp, BlobPath(r.id)));
    if (r.stored) bytes_written_ += r.size;
    return r;
  }
  return Error(ErrorCode::kIo, std::string("'") + name + "' kept changing while it was read",
               "stop the program writing to it, then snapshot again");
}

Result<std::optional<IngestResult>> Store::IngestUnderLease(int fd, const struct stat& before,
                                                            CloneEngine& engine) {
  if (!env_->TakeReadLease(fd).ok()) return std::optional<IngestResult>();  // open for writing elsewhere, ...
  struct Release {
    Env* env;
    int fd;
    ~Release() { env->ReleaseLease(fd); }
  } release{env_, fd};
  // A writer that opens the file now waits for the lease: look at the lease
  // every few MiB and give way (hash the clone instead) once it is broken.
  constexpr uint64_t kCheckEvery = 8u << 20;
  const uint64_t size = static_cast<uint64_t>(before.st_size);
  if (size > (256u << 10)) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  Sha256 hasher;
  char* buf = engine_internal::ThreadScratch();
  uint64_t total = 0, unchecked = 0;
  while (true) {
    JVS_ASSIGN_OR_RETURN(size_t n, env_->Read(fd, buf, engine_internal::kScratchSize));
    if (n == 0) break;
    hasher.Update(buf, n);
    total += n;
    unchecked += n;
    if (unchecked >= kCheckEvery) {
      JVS_ASSIGN_OR_RETURN(bool held, env_->ReadLeaseHeld(fd));
      if (!held) return std::optional<IngestResult>();
      unchecked = 0;
    }
  }
  if (total != size) return std::optional<IngestResult>();
  IngestResult r;
  r.id = BlobId(hasher.Finish());
  r.size = total;
  bool have = HasBlob(r.id);
  fs::path tmp;
  if (!have) {
    tmp = TempPath();
    JVS_ASSIGN_OR_RETURN(UniqueFd out, env_->Open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0444));
    Status cloned = engine.CloneContent(env_, fd, out.get(), size);
    if (!cloned.ok()) {
      out.reset();
      (void)env_->Unlink(tmp);
      return cloned.error();
    }
  }
  // Still held: nobody opened the file for writing since the lease was
  // granted, so the clone holds exactly the bytes hashed.
  JVS_ASSIGN_OR_RETURN(bool held, env_->ReadLeaseHeld(fd));
  JVS_ASSIGN_OR_RETURN(struct stat after, env_->Fstat(fd));
  if (!held || !SameStat(before, after)) {
    if (!have) (void)env_->Unlink(tmp);
    return std::optional<IngestResult>();
  }
  r.st = after;
  engine.counters().hashed_in_place++;
  if (!have) {
    JVS_ASSIGN_OR_RETURN(r.stored, Publish(tmp, BlobPath(r.id)));
    if (r.stored) bytes_written_ += r.size;
  }
  return std::optional<IngestResult>(std::move(r));
}

Result<std::shared_ptr<const Tree>> Store::ReadTree(const TreeId& id) {
  if (id == EmptyTreeId()) {
    // The empty tree is known without reading; it is only stored when used.
    static const auto kEmpty = std::make_shared<const Tree>();
    return kEmpty;
  }
  {
    std::lock_guard<std::mutex> l(cache_mu_);
    auto it = tree_cache_.find(id);
    if (it != tree_cache_.end()) return it->second;
  }
  JVS_ASSIGN_OR_RETURN(std::string data, ReadObject(kTrees, id.bytes()));
  auto tree = Tree::Decode(data);
  if (!tree.ok()) return tree.error().WithContext("tree " + id.hex());
  auto ptr = std::make_shared<const Tree>(std::move(tree).value());
  std::lock_guard<std::mutex> l(cache_mu_);
  if (tree_cache_.size() > 100000) tree_cache_.clear();
  tree_cache_.emplace(id, ptr);
  return ptr;
}

Result<TreeId> Store::WriteTree(const Tree& tree) {
  std::string data = tree.Encode();
  TreeId id(Sha256Of(data));
  {
    std::lock_guard<std::mutex> l(cache_mu_);
    if (tree_cache_.count(id)) return id;
  }
  JVS_TRY(WriteObject(kTrees, id.bytes(), data));
  return id;
}

Result<std::shared_ptr<const Snapshot>> Store::ReadSnapshot(const SnapshotId& id) {
  {
    std::lock_guard<std::mutex> l(cache_mu_);
    auto it = snapshot_cache_.find(id);
    if (it != snapshot_cache_.end()) return it->second;
  }
  std::string data;
  bool use_index = false, indexed = false;
  {
    std::lock_guard<std::mutex> l(cache_mu_);
    use_index = use_snapshot_index_;
    if (use_index) {
      snapshot_index_->Load(env_);
      if (auto d = snapshot_index_->Find(id)) {
        data = *d;
        indexed = true;
      }
    }
  }
  if (!indexed) {
    JVS_ASSIGN_OR_RETURN(data, ReadObject(kSnapshots, id.bytes()));
    if (use_index) {
      std::lock_guard<std::mutex> l(cache_mu_);
      snapshot_index_->Add(id, data);
    }
  }
  auto snap = Snapshot::Decode(data);
  if (!snap.ok()) return snap.error().WithContext("snapshot " + id.hex());
  auto ptr = std::make_shared<const Snapshot>(std::move(snap).value());
  std::lock_guard<std::mutex> l(cache_mu_);
  if (snapshot_cache_.size() > 200000) snapshot_cache_.clear();
  snapshot_cache_.emplace(id, ptr);
  return ptr;
}

Result<SnapshotId> Store::WriteSnapshot(const Snapshot& snapshot) {
  std::string data = snapshot.Encode();
  SnapshotId id(Sha256Of(data));
  JVS_TRY(WriteObject(kSnapshots, id.bytes(), data));
  std::lock_guard<std::mutex> l(cache_mu_);
  fanout_cache_.erase(id.hex().substr(0, 2));
  return id;
}

bool Store::HasSnapshot(const SnapshotId& id) {
  return env_->Exists(ObjectPath(kSnapshots, id.bytes()));
}

Result<std::shared_ptr<const std::vector<SnapshotId>>> Store::SnapshotsInFanout(std::string_view two_hex) {
  std::string fan_name(two_hex);
  {
    std::lock_guard<std::mutex> l(cache_mu_);
    auto it = fanout_cache_.find(fan_name);
    if (it != fanout_cache_.end()) return it->second;
  }
  auto fan = std::make_shared<std::vector<SnapshotId>>();
  if (fan_name.size() == 2 && IsHexString(fan_name)) {
    auto dfd = env_->Open(dir_ / kSnapshots / fan_name, O_RDONLY | O_DIRECTORY);
    if (!dfd.ok() && dfd.error().code() != ErrorCode::kNotFound) return dfd.error();
    if (dfd.ok()) {
      JVS_ASSIGN_OR_RETURN(auto entries, env_->ReadDir(dfd->get()));
      fan->reserve(entries.size());
      for (const auto& e : entries) {
        if (e.name.size() != kIdHexLength - 2) continue;
        auto id = SnapshotId::FromHex(fan_name + e.name);
        if (id.ok()) fan->push_back(*id);
      }
      std::sort(fan->begin(), fan->end());
    }
  }
  std::lock_guard<std::mutex> l(cache_mu_);
  fanout_cache_[fan_name] = fan;
  return std::shared_ptr<const std::vector<SnapshotId>>(std::move(fan));
}

Result<std::vector<SnapshotId>> Store::FindSnapshotsByPrefix(std::string_view prefix) {
  std::vector<SnapshotId> out;
  if (prefix.size() < 2 || prefix.size() > kIdHexLength || !IsHexString(prefix)) return out;
  std::string lower(prefix);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  JVS_ASSIGN_OR_RETURN(auto fan, SnapshotsInFanout(lower.substr(0, 2)));
  if (lower.size() == 2) return *fan;
  for (const auto& id : *fan)
    if (id.hex().compare(0, lower.size(), lower) == 0) out.push_back(id);
  return out;
}

void Store::UseSnapshotIndex(bool on) {
  std::lock_guard<std::mutex> l(cache_mu_);
  use_snapshot_index_ = on;
  if (on && !snapshot_index_) snapshot_index_ = std::make_unique<SnapshotIndex>(dir_ / "snapshot_index");
}

Status Store::FlushSnapshotIndex() {
  std::lock_guard<std::mutex> l(cache_mu_);
  if (!snapshot_index_) return OkStatus();
  return snapshot_index_->Flush(env_);
}

Status Store::Sync() {
  if (sync_set_->empty()) return OkStatus();
  return sync_set_->Barrier(env_, dir_);
}

}  // namespace jvs
