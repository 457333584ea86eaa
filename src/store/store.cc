#include "jvs/store/store.h"

#include <cerrno>
#include <random>
#include <unordered_set>
#include <vector>

#include "jvs/base/hash.h"
#include "store/snapshot_index.h"

namespace jvs {

namespace {
constexpr size_t kMaxObjectSize = 64u << 20;  // trees and descriptors
}  // namespace

Store::Store(Env* env, fs::path dir, std::unique_ptr<Backend> backend)
    : env_(env), dir_(std::move(dir)), backend_(std::move(backend)) {}

Store::~Store() = default;

Status Store::Create(Env* env, const fs::path& dir, std::string_view backend_name) {
  return CreateBackend(env, dir, backend_name);
}

Result<std::unique_ptr<Store>> Store::Open(Env* env, const fs::path& dir) {
  JVS_ASSIGN_OR_RETURN(std::unique_ptr<Backend> backend, OpenBackend(env, dir));
  return Open(env, dir, std::move(backend));
}

std::unique_ptr<Store> Store::Open(Env* env, const fs::path& dir, std::unique_ptr<Backend> backend) {
  return std::unique_ptr<Store>(new Store(env, dir, std::move(backend)));
}

Result<std::string> Store::ReadObject(StoreKind kind, const Digest& id) {
  auto data = backend_->Read(kind, id, kMaxObjectSize);
  if (!data.ok()) {
    if (data.error().code() == ErrorCode::kNotFound)
      return Error(ErrorCode::kNotFound, std::string(StoreKindName(kind)) + " " +
                                            ToHex(id.data(), id.size()) + " is missing from the store")
          .WithRemedy(Remedy::kInspectRepository);
    return data.error();
  }
  if (Sha256Of(*data) != id)
    return Error(ErrorCode::kCorrupt, std::string(StoreKindName(kind)) + " " + ToHex(id.data(), id.size()) +
                                          " does not match its id (damaged or tampered)")
        .WithRemedy(Remedy::kFindDamagedObjects);
  return data;
}

bool Store::HasBlob(const BlobId& id) { return backend_->Has(StoreKind::kBlob, id.bytes()); }

Result<UniqueFd> Store::OpenBlob(const BlobId& id) {
  auto fd = backend_->OpenBlob(id.bytes());
  if (!fd.ok() && fd.error().code() == ErrorCode::kNotFound)
    return Error(ErrorCode::kNotFound, "blob " + id.hex() + " is missing from the store")
        .WithRemedy(Remedy::kInspectRepository);
  return fd;
}

Status Store::MaterializeBlob(const BlobId& id, uint64_t size, const fs::path& dst, mode_t mode,
                              CloneEngine& engine, bool hash_clones) {
  Status st = backend_->Materialize(id.bytes(), size, dst, mode, engine, hash_clones);
  if (st.ok()) return st;
  if (st.error().code() == ErrorCode::kNotFound && !backend_->Has(StoreKind::kBlob, id.bytes()))
    return Error(ErrorCode::kNotFound, "blob " + id.hex() + " is missing from the store")
        .WithRemedy(Remedy::kInspectRepository);
  if (st.error().code() == ErrorCode::kCorrupt) return st.error().WithRemedy(Remedy::kFindDamagedObjects);
  return st;
}

Result<std::string> Store::ReadBlob(const BlobId& id, uint64_t max_size) {
  auto data = backend_->Read(StoreKind::kBlob, id.bytes(), max_size);
  if (!data.ok() && data.error().code() == ErrorCode::kNotFound)
    return Error(ErrorCode::kNotFound, "blob " + id.hex() + " is missing from the store")
        .WithRemedy(Remedy::kInspectRepository);
  return data;
}

Result<BlobId> Store::WriteBlob(std::string_view data) {
  BlobId id(Sha256Of(data));
  JVS_TRY(backend_->Write(StoreKind::kBlob, id.bytes(), data));
  return id;
}

Result<IngestResult> Store::IngestFile(int dirfd, const char* name, CloneEngine& engine) {
  return backend_->Ingest(dirfd, name, engine);
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
  JVS_ASSIGN_OR_RETURN(std::string data, ReadObject(StoreKind::kTree, id.bytes()));
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
  // The empty tree is known without reading (ReadTree), so it is never
  // written: an empty folder scanned by a fork or a snapshot leaves no object
  // behind for doctor and gc to find unreferenced.
  if (id == EmptyTreeId()) return id;
  {
    std::lock_guard<std::mutex> l(cache_mu_);
    if (tree_cache_.count(id)) return id;
  }
  JVS_TRY(backend_->Write(StoreKind::kTree, id.bytes(), data));
  return id;
}

Result<std::shared_ptr<const Snapshot>> Store::ReadSnapshot(const SnapshotId& id) {
  {
    std::lock_guard<std::mutex> l(cache_mu_);
    auto it = snapshot_cache_.find(id);
    if (it != snapshot_cache_.end()) return it->second;
  }
  bool use_index = false;
  {
    std::lock_guard<std::mutex> l(cache_mu_);
    use_index = use_snapshot_index_ > 0;
  }
  std::optional<Snapshot> from_index;
  if (use_index) {
    std::lock_guard<std::recursive_mutex> il(index_mu_);
    snapshot_index_->Load(env_);
    if (auto pos = snapshot_index_->Find(id)) {
      auto s = snapshot_index_->SnapshotAt(*pos);  // a damaged entry: read the object instead
      if (s.ok()) from_index = std::move(s).value();
    }
  }
  if (from_index) {
    auto ptr = std::make_shared<const Snapshot>(std::move(*from_index));
    std::lock_guard<std::mutex> l(cache_mu_);
    if (snapshot_cache_.size() > 200000) snapshot_cache_.clear();
    snapshot_cache_.emplace(id, ptr);
    return ptr;
  }
  JVS_ASSIGN_OR_RETURN(std::string data, ReadObject(StoreKind::kSnapshot, id.bytes()));
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
  JVS_TRY(backend_->Write(StoreKind::kSnapshot, id.bytes(), data));
  std::lock_guard<std::mutex> l(cache_mu_);
  fanout_cache_.erase(id.hex().substr(0, 2));
  return id;
}

bool Store::HasSnapshot(const SnapshotId& id) {
  return backend_->Has(StoreKind::kSnapshot, id.bytes());
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
    JVS_ASSIGN_OR_RETURN(std::vector<Digest> ids, backend_->ListFanout(StoreKind::kSnapshot, fan_name));
    fan->reserve(ids.size());
    for (const auto& d : ids) fan->push_back(SnapshotId(d));  // sorted by the backend
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
  {
    std::lock_guard<std::recursive_mutex> il(index_mu_);
    if (on && !snapshot_index_) snapshot_index_ = std::make_unique<SnapshotIndex>(dir_ / "index");
  }
  std::lock_guard<std::mutex> l(cache_mu_);
  use_snapshot_index_ = on ? use_snapshot_index_ + 1 : std::max(use_snapshot_index_ - 1, 0);
}

Status Store::WithSnapshotIndex(const std::function<Status(SnapshotIndex&)>& f) {
  std::lock_guard<std::recursive_mutex> il(index_mu_);
  if (!snapshot_index_) snapshot_index_ = std::make_unique<SnapshotIndex>(dir_ / "index");
  snapshot_index_->Load(env_);
  return f(*snapshot_index_);
}

Status Store::IndexSnapshots(const std::vector<SnapshotId>& from, bool missing_ok) {
  return WithSnapshotIndex([&](SnapshotIndex& index) -> Status {
    struct Frame {
      SnapshotId id;
      std::shared_ptr<const Snapshot> snap;
      size_t next_parent = 0;
    };
    std::vector<Frame> stack;
    std::unordered_set<SnapshotId, IdHash> missing;
    auto push = [&](const SnapshotId& id) -> Status {
      if (missing.count(id) || index.Find(id)) return OkStatus();
      auto s = ReadSnapshot(id);
      if (!s.ok()) {
        if (!missing_ok || s.error().code() != ErrorCode::kNotFound) return s.error();
        missing.insert(id);
        return OkStatus();
      }
      stack.push_back({id, std::move(s).value()});
      return OkStatus();
    };
    for (const auto& id : from) {
      JVS_TRY(push(id));
      while (!stack.empty()) {
        Frame& f = stack.back();
        if (f.next_parent < f.snap->parents.size()) {
          JVS_TRY(push(f.snap->parents[f.next_parent++]));  // may move f
          continue;
        }
        index.Add(f.id, *f.snap);
        stack.pop_back();
      }
    }
    return OkStatus();
  });
}

Status Store::FlushSnapshotIndex() {
  std::lock_guard<std::recursive_mutex> il(index_mu_);
  if (!snapshot_index_) return OkStatus();
  const uint32_t before = snapshot_index_->chain().empty() ? 0 : 1;
  JVS_TRY(snapshot_index_->Flush(env_));
  // The cache file of the first format (one file of descriptors) goes once
  // an index is written.
  if (!before && !snapshot_index_->chain().empty()) (void)env_->Unlink(dir_ / "snapshot_index");
  return OkStatus();
}

Status Store::DropSnapshotIndex() {
  std::lock_guard<std::recursive_mutex> il(index_mu_);
  if (snapshot_index_) snapshot_index_ = std::make_unique<SnapshotIndex>(dir_ / "index");
  (void)env_->Unlink(dir_ / "snapshot_index");
  Status st = env_->RemoveAll(dir_ / "index");
  if (!st.ok() && st.error().code() == ErrorCode::kNotFound) return OkStatus();
  return st;
}

}  // namespace jvs
