// Backend: where the store's objects (blobs, trees, snapshots) live and how
// their bytes are moved. A backend knows nothing of encodings, verification or
// caches (Store does that on top of it): it keeps opaque byte strings under
// their ids. Each implementation has a name, written at init in
// `.jvs/store/type` and checked at open (OpenBackend below); the local
// backend ("local", src/store/local_backend.h) is the only code that knows
// the folder layout of `.jvs/store`.
//
// Writes are content-addressed and idempotent: writing an id that is already
// stored keeps the stored object. Nothing is made durable per object; Sync()
// is the one durability barrier per operation. A failed write leaves neither
// the object nor a temp file.
//
// Implementations are thread-safe: any call may run concurrently with any
// other, including two writers of the same object.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/base/env.h"
#include "jvs/base/object_id.h"
#include "jvs/base/type_file.h"
#include "jvs/engine/engine.h"

namespace jvs {

class SyncSet;

// The kinds of object a backend stores (not the operation log's: those live
// in the OpStore).
enum class StoreKind : uint8_t { kBlob, kTree, kSnapshot };
inline constexpr StoreKind kStoreKinds[] = {StoreKind::kBlob, StoreKind::kTree, StoreKind::kSnapshot};
// "blob", "tree", "snapshot".
std::string_view StoreKindName(StoreKind kind);

struct ObjectStat {
  uint64_t size = 0;        // bytes of the object
  uint64_t disk_bytes = 0;  // bytes it occupies on disk (what deleting it frees)
  int64_t mtime_ns = 0;     // when it was stored, by the filesystem's clock
};

struct IngestResult {
  BlobId id;
  uint64_t size = 0;
  struct stat st {};  // the file's stat after it was read (stable during the read)
  bool stored = false;  // false when the store already had the blob
};

// A temp file a writer of the backend left (see TempFiles()).
struct BackendTempFile {
  std::string name;  // opaque to the caller; pass back to RemoveTemp()
  fs::path path;     // for messages
  struct stat st {};
  int64_t pid = 0;   // the writer's pid when the name says (0: unknown)
  std::string host;  // the writer's host when the name says ("": unknown, e.g. older names)
};

class Backend {
 public:
  virtual ~Backend() = default;
  // What `.jvs/store/type` holds (without the newline): "local".
  virtual std::string_view name() const = 0;

  // ---- reading ----
  virtual bool Has(StoreKind kind, const Digest& id) = 0;
  // kNotFound when the object is absent.
  virtual Result<ObjectStat> Stat(StoreKind kind, const Digest& id) = 0;
  // The whole object, unverified; kNotFound when absent, kCorrupt when it is
  // larger than `max_size`.
  virtual Result<std::string> Read(StoreKind kind, const Digest& id, uint64_t max_size) = 0;
  // A read-only descriptor of a blob (for engines that clone from it);
  // kNotFound when absent.
  virtual Result<UniqueFd> OpenBlob(const Digest& id) = 0;

  // ---- listing ----
  // Every stored id of `kind`, in no particular order (temp files and stray
  // names are skipped).
  virtual Result<std::vector<Digest>> List(StoreKind kind) = 0;
  // Every stored id of `kind` whose hex form starts with `two_hex` (two
  // lowercase hex digits: one fan-out bucket), sorted.
  virtual Result<std::vector<Digest>> ListFanout(StoreKind kind, std::string_view two_hex) = 0;

  // ---- writing ----
  // Stores `data` as object `id` (the caller computed id = SHA-256 of data).
  // Returns false when the object was already stored.
  virtual Result<bool> Write(StoreKind kind, const Digest& id, std::string_view data) = 0;
  // Reads the file `name` in directory `dirfd` once, hashing it and storing
  // it through `engine` if the backend does not have it yet (small files: one
  // read into memory; engines that hash under a read lease: hash the source,
  // then clone only new content; others: clone or copy while hashing). Retries
  // if the file changes while it is read. Symlinks are not files.
  virtual Result<IngestResult> Ingest(int dirfd, const char* name, CloneEngine& engine) = 0;
  // kNotFound when absent. Not durable until Sync().
  virtual Status Delete(StoreKind kind, const Digest& id) = 0;

  // ---- materialising ----
  // Creates `dst` (which must not exist) with mode `mode`, holding blob `id`
  // through `engine`. The blob must be `size` bytes (kCorrupt otherwise: a
  // damaged or crafted tree must not truncate or extend a file). Copied
  // bytes are hashed (CloneEngine::CloneContentHashing), and a shared clone
  // too when `hash_clones` is set; content that does not match
  // `id` is kCorrupt and `dst` is removed. The one path by which blob content
  // reaches a workspace (restore stages through it, fork writes through it).
  virtual Status Materialize(const Digest& id, uint64_t size, const fs::path& dst, mode_t mode,
                             CloneEngine& engine, bool hash_clones = false) = 0;

  // ---- temp files and durability ----
  // Temp files left by writers (of this or a dead process); for cleanup.
  virtual Result<std::vector<BackendTempFile>> TempFiles() = 0;
  virtual Status RemoveTemp(const std::string& name) = 0;
  // The machine this process runs on, put into the names of its temp files
  // beside its pid. Set once, right after opening, before anything is written
  // (default "": names without a host, which no cleanup judges by pid).
  void set_host(std::string host) { host_ = std::move(host); }
  const std::string& host() const { return host_; }
  // Removes the temp files whose name says they were written on this host
  // (host()) by a process that is gone (kill(pid, 0) fails with ESRCH). A
  // file of another host, of a live process, or whose name does not say, is
  // kept (doctor judges those). Best effort per file; returns how many went.
  virtual Result<size_t> RemoveTempsOfDeadWriters() = 0;
  // The durability barrier: everything written so far (objects here and any
  // file added to sync_set()) reaches stable storage.
  virtual Status Sync() = 0;
  virtual SyncSet& sync_set() = 0;

  // Where the object is, for messages only ("…/.jvs/store/blobs/ab/cdef…").
  virtual std::string Describe(StoreKind kind, const Digest& id) const = 0;
  // Where the objects of `kind` are, for messages only ("…/.jvs/store/blobs").
  virtual std::string Describe(StoreKind kind) const = 0;
  // The folders where writers of this backend may leave temp files (doctor
  // removes those of dead processes; TempFiles() lists only the temp folder).
  virtual std::vector<TempPlace> TempPlaces() const = 0;

  // Counters for --debug and tests.
  uint64_t objects_written() const { return objects_written_.load(); }
  uint64_t bytes_written() const { return bytes_written_.load(); }

 protected:
  std::string host_;
  std::atomic<uint64_t> objects_written_{0};
  std::atomic<uint64_t> bytes_written_{0};
};

// ---- the factory ----
inline constexpr std::string_view kDefaultBackend = "local";
// The store's folder in a repository's control folder `control` (`.jvs`).
fs::path StoreDir(const fs::path& control);
// The type file of the store in `dir` (doctor reads it itself).
fs::path BackendTypePath(const fs::path& dir);
// The names OpenBackend/CreateBackend know.
std::vector<std::string_view> BackendNames();
// Creates an empty backend `name` in `dir` (`.jvs/store`) and writes its type file.
Status CreateBackend(Env* env, const fs::path& dir, std::string_view name = kDefaultBackend);
// Opens the backend `dir/type` names. A missing type file is kCorrupt (every
// repository has had one since the first format), an unknown name
// kUnsupported; both errors name the file and the value.
Result<std::unique_ptr<Backend>> OpenBackend(Env* env, const fs::path& dir);
// For verify and doctor, which look inside a repository that OpenBackend may
// refuse: the backend `dir/type` names when it is a known one, else the
// default (a missing or damaged type file is theirs to report). Never fails;
// reads through it report what is missing.
std::unique_ptr<Backend> OpenBackendToInspect(Env* env, const fs::path& dir);

}  // namespace jvs
