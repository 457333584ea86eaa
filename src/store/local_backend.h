// LocalBackend ("local"): the store's objects as files on the repository's
// own filesystem, one file per object named by its id,
// `DIR/{blobs,trees,snapshots}/xx/yyyy...` (xx: the first two hex digits),
// written to `DIR/tmp/` and renamed into place. A temp file is named
// `obj-<pid>@<host>-<n>-<rand>` (before: `obj-<pid>-<n>-<rand>`, no host),
// so that its writer can be judged dead only on its own machine. Blobs are stored whole,
// uncompressed and read-only, so that a clone engine can share their extents
// with workspace files. This is the only code that knows that layout.
// Thread-safe (see Backend).
#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include "jvs/store/backend.h"

namespace jvs {

class LocalBackend : public Backend {
 public:
  static constexpr std::string_view kName = "local";
  // Makes the folders of an empty store in `dir` (not the type file).
  // Makes `tmp/` again when it was deleted (every write stages there): a
  // missing folder must not make every snapshot fail. Best effort (a
  // read-only repository keeps working for reading).
  void RecreateTempFolder();
  static Status Create(Env* env, const fs::path& dir);
  LocalBackend(Env* env, fs::path dir);
  ~LocalBackend() override;

  std::string_view name() const override { return kName; }
  bool Has(StoreKind kind, const Digest& id) override;
  Result<ObjectStat> Stat(StoreKind kind, const Digest& id) override;
  Result<std::string> Read(StoreKind kind, const Digest& id, uint64_t max_size) override;
  Result<UniqueFd> OpenBlob(const Digest& id) override;
  Result<std::vector<Digest>> List(StoreKind kind) override;
  Result<std::vector<Digest>> ListFanout(StoreKind kind, std::string_view two_hex) override;
  Result<bool> Write(StoreKind kind, const Digest& id, std::string_view data) override;
  Result<IngestResult> Ingest(int dirfd, const char* name, CloneEngine& engine) override;
  Status Delete(StoreKind kind, const Digest& id) override;
  Status Materialize(const Digest& id, uint64_t size, const fs::path& dst, mode_t mode,
                     CloneEngine& engine, bool hash_clones = false) override;
  Result<std::vector<BackendTempFile>> TempFiles() override;
  Status RemoveTemp(const std::string& name) override;
  Result<size_t> RemoveTempsOfDeadWriters() override;
  Status Sync() override;
  SyncSet& sync_set() override { return *sync_set_; }
  std::string Describe(StoreKind kind, const Digest& id) const override { return ObjectPath(kind, id).string(); }
  std::string Describe(StoreKind kind) const override;
  // The store folder itself (type-file writes) and its temp folder.
  std::vector<TempPlace> TempPlaces() const override;

  // The file of an object (tests that damage objects on purpose).
  fs::path ObjectPath(StoreKind kind, const Digest& id) const;

 private:
  fs::path TempPath();
  // Ingest for engines that hash the source under a read lease; nullopt when
  // the lease is refused or broken (the caller clones and hashes the clone).
  Result<std::optional<IngestResult>> IngestUnderLease(int fd, const struct stat& before, CloneEngine& engine);
  // Renames a finished temp file to `final_path`, creating the fan-out
  // directory if needed. An existing object is kept (same content): false.
  Result<bool> Publish(const fs::path& tmp, const fs::path& final_path);

  Env* env_;
  fs::path dir_;
  std::atomic<uint64_t> temp_counter_{0};
  std::unique_ptr<SyncSet> sync_set_;
};

}  // namespace jvs
