// Store: the content-addressed object store of one repository (blobs, trees,
// snapshots), on top of a Backend (backend.h) that keeps the bytes; the Store
// owns it. The Store encodes, decodes and verifies: trees and snapshots are
// checked against their id when read and cached in memory; it keeps the
// snapshot index (segment files of snapshot metadata, a cache). Where and how objects are
// kept is the backend's business (`.jvs/store/type` names it). Nothing is
// made durable per object: `Sync()` is the one durability barrier per
// operation. Thread-safe.
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "jvs/base/env.h"
#include "jvs/engine/engine.h"
#include "jvs/store/backend.h"
#include "jvs/store/objects.h"

namespace jvs {
class SnapshotIndex;
class SyncSet;
}

namespace jvs {

class Store {
 public:
  // Opens the store in `dir` (`.jvs/store`), which must exist, with the
  // backend its type file names.
  static Result<std::unique_ptr<Store>> Open(Env* env, const fs::path& dir);
  // A store in `dir` on `backend` (tests run one against every backend).
  static std::unique_ptr<Store> Open(Env* env, const fs::path& dir, std::unique_ptr<Backend> backend);
  // Creates an empty store in `dir` on backend `backend_name`.
  static Status Create(Env* env, const fs::path& dir, std::string_view backend_name = kDefaultBackend);

  // The backend's name ("local").
  std::string_view name() const { return backend_->name(); }
  const fs::path& dir() const { return dir_; }
  Backend& backend() { return *backend_; }

  // ---- blobs ----
  bool HasBlob(const BlobId& id);
  Result<UniqueFd> OpenBlob(const BlobId& id);
  Result<std::string> ReadBlob(const BlobId& id, uint64_t max_size = 1ull << 32);
  // Creates `dst` (which must not exist) holding blob `id` of `size` bytes
  // with mode `mode`, through `engine` (Backend::Materialize): copied content
  // is hashed, and a shared clone too when `hash_clones` is set.
  // kNotFound when the blob is missing; kCorrupt (dst removed) when its size
  // or content does not match.
  Status MaterializeBlob(const BlobId& id, uint64_t size, const fs::path& dst, mode_t mode,
                         CloneEngine& engine, bool hash_clones);
  Result<BlobId> WriteBlob(std::string_view data);
  // Reads the file `name` in directory `dirfd` once, hashing it and storing it
  // through `engine` if the store does not have it yet. Retries if the file
  // changes while it is read. Symlinks are not files: use WriteBlob(target).
  // (Backend::Ingest.)
  Result<IngestResult> IngestFile(int dirfd, const char* name, CloneEngine& engine);

  // ---- trees and snapshots ----
  Result<std::shared_ptr<const Tree>> ReadTree(const TreeId& id);
  Result<TreeId> WriteTree(const Tree& tree);
  Result<std::shared_ptr<const Snapshot>> ReadSnapshot(const SnapshotId& id);
  Result<SnapshotId> WriteSnapshot(const Snapshot& snapshot);
  bool HasSnapshot(const SnapshotId& id);
  // Every stored snapshot whose hex id starts with `prefix` (>= 2 hex digits),
  // sorted. Each fan-out directory is listed once per Store (and again after
  // this Store writes a snapshot into it).
  Result<std::vector<SnapshotId>> FindSnapshotsByPrefix(std::string_view prefix);
  // Every stored snapshot in the fan-out directory `two_hex` (the first two
  // hex digits of their ids), sorted; listed once and shared, not copied.
  Result<std::shared_ptr<const std::vector<SnapshotId>>> SnapshotsInFanout(std::string_view two_hex);

  // The snapshot index (store/snapshot_index.h: for every indexed snapshot
  // its generation, parents, time, change id and descriptor strings, in
  // segment files under `index/`). While a UseSnapshotIndex(true) is in
  // force (they nest), ReadSnapshot rebuilds indexed descriptors from it,
  // each checked against its id, instead of reading the objects. Off by
  // default, so that verify, doctor and gc always read the objects.
  void UseSnapshotIndex(bool on);
  // Runs `f` on the loaded index under its lock (which `f` may take again:
  // it may read snapshots and call IndexSnapshots).
  Status WithSnapshotIndex(const std::function<Status(SnapshotIndex&)>& f);
  // Indexes every snapshot reachable from `from` that the index lacks,
  // parents first, reading their objects. One missing from the store is
  // kNotFound, or with `missing_ok` left out (a child records it missing).
  Status IndexSnapshots(const std::vector<SnapshotId>& from, bool missing_ok);
  // Writes what was indexed (best effort for readers: the index is a cache).
  Status FlushSnapshotIndex();
  // Removes the index (before snapshots are deleted, so that it never
  // answers for a deleted one); absent is fine.
  Status DropSnapshotIndex();

  // The durability barrier: everything written so far (objects here and any
  // file added to sync_set()) reaches stable storage.
  Status Sync() { return backend_->Sync(); }
  SyncSet& sync_set() { return backend_->sync_set(); }

  // Counters for --debug and tests.
  uint64_t objects_written() const { return backend_->objects_written(); }
  uint64_t bytes_written() const { return backend_->bytes_written(); }

  ~Store();

 private:
  Store(Env* env, fs::path dir, std::unique_ptr<Backend> backend);
  // A tree or snapshot, verified against its id.
  Result<std::string> ReadObject(StoreKind kind, const Digest& id);

  Env* env_;
  fs::path dir_;
  std::unique_ptr<Backend> backend_;
  std::mutex cache_mu_;
  std::unordered_map<TreeId, std::shared_ptr<const Tree>, IdHash> tree_cache_;
  std::unordered_map<SnapshotId, std::shared_ptr<const Snapshot>, IdHash> snapshot_cache_;
  // "xx" -> sorted ids
  std::unordered_map<std::string, std::shared_ptr<const std::vector<SnapshotId>>> fanout_cache_;
  int use_snapshot_index_ = 0;  // guarded by cache_mu_
  // Taken before cache_mu_, never while holding it.
  std::recursive_mutex index_mu_;
  std::unique_ptr<SnapshotIndex> snapshot_index_;  // guarded by index_mu_
};

}  // namespace jvs
