// Store: the content-addressed object store of one repository (blobs, trees,
// snapshots). The local backend keeps every object as one file named by its id
// under `.jvs/store/{blobs,trees,snapshots}/xx/yyyy...`; blobs are stored whole,
// uncompressed and read-only so that a clone engine can share their extents.
// Objects are written to a temp file and renamed into place; nothing is
// fsync'ed per object: `Sync()` is the one durability barrier per operation.
// Trees and snapshots are verified against their id when read and cached in
// memory. Thread-safe.
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "jvs/engine/engine.h"
#include "jvs/base/env.h"
#include "jvs/store/objects.h"

namespace jvs {
class SnapshotIndex;
class SyncSet;
}

namespace jvs {

struct IngestResult {
  BlobId id;
  uint64_t size = 0;
  struct stat st {};  // the file's stat after it was read (stable during the read)
  bool stored = false;  // false when the store already had the blob
};

class Store {
 public:
  // Opens the store in `dir` (`.jvs/store`), which must exist.
  static Result<std::unique_ptr<Store>> Open(Env* env, const fs::path& dir);
  // Creates the directory layout in `dir`.
  static Status Create(Env* env, const fs::path& dir);

  std::string_view name() const { return "local"; }
  const fs::path& dir() const { return dir_; }

  // ---- blobs ----
  bool HasBlob(const BlobId& id);
  fs::path BlobPath(const BlobId& id) const;
  Result<UniqueFd> OpenBlob(const BlobId& id);
  Result<std::string> ReadBlob(const BlobId& id, uint64_t max_size = 1ull << 32);
  Result<BlobId> WriteBlob(std::string_view data);
  // Reads the file `name` in directory `dirfd` once, hashing it and storing it
  // through `engine` if the store does not have it yet. Retries if the file
  // changes while it is read. Symlinks are not files: use WriteBlob(target).
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

  // The snapshot index (store/snapshot_index, see snapshot_index.h): with it
  // on, ReadSnapshot takes descriptors from that one cache file and files the
  // ones it lacks there. Off by default, so that verify, doctor and gc always
  // read the objects themselves; history turns it on. FlushSnapshotIndex
  // writes what was added (best effort: the index is only a cache).
  void UseSnapshotIndex(bool on);
  Status FlushSnapshotIndex();

  // The durability barrier: everything written so far (objects here and any
  // file added to sync_set()) reaches stable storage.
  Status Sync();
  SyncSet& sync_set() { return *sync_set_; }

  // Counters for --debug and tests.
  uint64_t objects_written() const { return objects_written_.load(); }
  uint64_t bytes_written() const { return bytes_written_.load(); }

 private:
  Store(Env* env, fs::path dir);
 public:
  ~Store();

 private:
  fs::path ObjectPath(const char* kind, const Digest& id) const;
  fs::path TempPath();
  // IngestFile for engines that hash the source under a read lease; nullopt
  // when the lease is refused or broken (the caller clones and hashes the clone).
  Result<std::optional<IngestResult>> IngestUnderLease(int fd, const struct stat& before, CloneEngine& engine);
  // Renames a finished temp file to `final_path`, creating the fan-out
  // directory if needed. An existing object is kept (same content).
  Result<bool> Publish(const fs::path& tmp, const fs::path& final_path);
  Status WriteObject(const char* kind, const Digest& id, std::string_view data);
  Result<std::string> ReadObject(const char* kind, const Digest& id);

  Env* env_;
  fs::path dir_;
  std::atomic<uint64_t> temp_counter_{0};
  std::atomic<uint64_t> objects_written_{0};
  std::atomic<uint64_t> bytes_written_{0};
  std::unique_ptr<SyncSet> sync_set_;
  std::mutex cache_mu_;
  std::unordered_map<TreeId, std::shared_ptr<const Tree>, IdHash> tree_cache_;
  std::unordered_map<SnapshotId, std::shared_ptr<const Snapshot>, IdHash> snapshot_cache_;
  // "xx" -> sorted ids
  std::unordered_map<std::string, std::shared_ptr<const std::vector<SnapshotId>>> fanout_cache_;
  bool use_snapshot_index_ = false;
  std::unique_ptr<SnapshotIndex> snapshot_index_;  // guarded by cache_mu_
};

}  // namespace jvs
