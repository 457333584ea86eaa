// CloneEngine: how file content moves between a workspace and the store.
// Engines differ only in cost, never in result:
//   - `copy`: copy_file_range in the kernel (server-side on NFS 4.2 / CIFS),
//     read/write when the kernel refuses; holes of sparse files are kept.
//   - `reflink`: FICLONE, the new file shares the source's extents (XFS with
//     reflink, btrfs, bcachefs, ...).
//   - `juicefs`: on a JuiceFS mount, copy_file_range is a metadata-only clone;
//     whole directories are cloned by `juicefs clone SRC DST -p`.
// A sharing engine falls back to copying for one file when the clone fails
// (EXDEV, EOPNOTSUPP, EINVAL, ...); the counters record what really ran, and
// RanAs() turns them into the name a snapshot descriptor records.
// Engines are stateless apart from their counters and are thread-safe.
// Selection per filesystem lives in src/engine/select.h; docs/engines.md
// explains detection, fallbacks and the mtime policy.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/base/env.h"
#include "jvs/base/object_id.h"
#include "jvs/base/result.h"

namespace jvs {

class Sha256;

// A plain copy of the counters at one moment; subtract two to get what one
// operation did.
struct EngineUsage {
  uint64_t files = 0;         // files moved
  uint64_t cloned = 0;        // moved by sharing extents
  uint64_t copied = 0;        // moved by copying bytes (fallbacks and policy)
  uint64_t fallbacks = 0;     // files where the engine's own method failed
  uint64_t bytes_copied = 0;  // bytes that were really copied
  uint64_t trees_cloned = 0;  // whole directories cloned in one operation
  uint64_t hashed_in_place = 0;  // ingested files hashed from the workspace under a read lease

  EngineUsage operator-(const EngineUsage& o) const;
  EngineUsage& operator+=(const EngineUsage& o);
  bool operator==(const EngineUsage&) const = default;
};

struct EngineCounters {
  std::atomic<uint64_t> files{0};
  std::atomic<uint64_t> cloned{0};
  std::atomic<uint64_t> copied{0};
  std::atomic<uint64_t> fallbacks{0};
  std::atomic<uint64_t> bytes_copied{0};
  std::atomic<uint64_t> trees_cloned{0};
  std::atomic<uint64_t> hashed_in_place{0};

  EngineUsage Load() const;
};

class CloneEngine {
 public:
  virtual ~CloneEngine() = default;
  // "copy", "reflink", "juicefs".
  virtual std::string_view name() const = 0;
  // True when the engine's own method shares data instead of copying it.
  virtual bool shares_data() const = 0;

  // Makes dst_fd (a new, empty, writable regular file) hold the first `size`
  // bytes of src_fd. Falls back to copying for this file only when the
  // engine's own method fails; counters say what really ran.
  Status CloneContent(Env* env, int src_fd, int dst_fd, uint64_t size);

  // For ingest: like CloneContent, and feeds `hasher` exactly the bytes dst
  // now holds, reading the data once: a sharing engine clones and then hashes
  // the clone (a private, read-only file nobody else can change); a copying
  // engine hashes the buffer it writes. dst_fd must be open O_RDWR. Returns
  // the number of bytes hashed (less than `size` when the source shrank).
  Result<uint64_t> CloneAndHash(Env* env, int src_fd, int dst_fd, uint64_t size, Sha256& hasher);

  // For checkout (Backend::Materialize): like CloneContent, then hashes what
  // dst now holds, so that the caller can compare it with the blob's id,
  // whenever that costs no read from the device: when the bytes were copied
  // (this engine copies, or its clone fell back to copying for this file)
  // they are read back from the page cache they were just written to. A
  // shared clone is hashed only when `hash_clones` is set (its data is not in
  // the cache: one read of every byte). dst_fd must be open O_RDWR. `hashed`
  // is false when nothing was hashed.
  struct Placed {
    bool hashed = false;
    Digest digest{};
    uint64_t bytes = 0;  // bytes hashed (less than `size` when the source shrank)
  };
  Result<Placed> CloneContentHashing(Env* env, int src_fd, int dst_fd, uint64_t size, bool hash_clones);

  // Files up to this size are ingested by the store itself (read once into
  // memory, hashed, written only if new) instead of through the engine:
  // measured faster than cloning them (docs/engines.md, "Small files").
  virtual uint64_t small_file_limit() const { return 1u << 20; }

  // For ingest on engines that share data: whether the store may hash the
  // workspace file itself while holding a read lease on it (Env::TakeReadLease)
  // and clone it only then, instead of cloning first and reading the clone
  // back. A clone is a new inode whose pages are never cached, so reading it
  // always goes to the device, while the workspace file was usually just
  // written or read; and content the store already has is not cloned at all.
  // Where the lease is refused or broken, the clone is hashed as before.
  virtual bool hashes_source_under_lease() const { return false; }

  // Directory materialisation in one operation (fork): makes `dst`, which
  // must not exist, a copy of directory `src` with modes kept. kUnsupported
  // when the engine has none; the caller then materialises file by file.
  virtual bool can_clone_tree() const { return false; }
  virtual Status CloneTree(const fs::path& src, const fs::path& dst);

  EngineCounters& counters() { return counters_; }
  const EngineCounters& counters() const { return counters_; }
  // The error of the latest fallback ("" when none), for --debug.
  std::string last_fallback() const;

  // What really ran during an operation whose counters moved by `delta`:
  // name() when only the engine's own method ran (or nothing moved), "copy"
  // when every file was copied, name() + "+copy" when both happened. This is
  // the `engine` field of a snapshot descriptor.
  std::string RanAs(const EngineUsage& delta) const;

  // Where RecordUsage() accumulates the counters (set by ChooseEngine to
  // `.jvs/engine_stats`; empty: nothing is recorded).
  void set_stats_path(fs::path p) { stats_path_ = std::move(p); }
  // Adds what moved since the previous call to the stats file (best effort,
  // under a lock). Call once at the end of an operation that moved files.
  Status RecordUsage(Env* env);

 protected:
  // The engine's own method: share (or copy) all `size` bytes. An error means
  // "fall back": dst is truncated and the bytes are copied instead.
  virtual Status Transfer(Env* env, int src_fd, int dst_fd, uint64_t size) = 0;
  // Whether an error of Transfer() may be answered by copying (not ENOSPC,
  // not EINTR).
  static bool CanFallBack(const Error& e);
  void NoteFallback(const Error& e);

  EngineCounters counters_;

 private:
  mutable std::mutex mu_;
  std::string last_fallback_;
  fs::path stats_path_;
  EngineUsage recorded_;
};

// ---- factories ----
// copy_file_range in a loop, read/write when the kernel refuses.
std::unique_ptr<CloneEngine> MakeCopyEngine();
// FICLONE, falling back to CopyBytes per file.
std::unique_ptr<CloneEngine> MakeReflinkEngine();
// copy_file_range as a metadata clone. `on_juicefs`: the files really live on
// a JuiceFS mount (else copy_file_range is counted as a copy). `program`: the
// juicefs executable for CloneTree (none: no directory clone).
std::unique_ptr<CloneEngine> MakeJuiceFsEngine(bool on_juicefs, std::optional<fs::path> program);

// ---- shared helpers ----
// Copies `size` bytes from src_fd to dst_fd (both at offset 0, dst empty):
// data segments only (SEEK_DATA/SEEK_HOLE), so holes stay holes; in the kernel
// (copy_file_range) where possible, else read/write. Counts bytes_copied.
Status CopyBytes(Env* env, int src_fd, int dst_fd, uint64_t size, EngineCounters* counters);
// One read of src: hashes and writes every byte (holes hashed as zeros, not
// written). Returns the bytes hashed. Counts bytes_copied.
Result<uint64_t> CopyAndHash(Env* env, int src_fd, int dst_fd, uint64_t size, Sha256& hasher,
                             EngineCounters* counters);

// The argv of `juicefs clone SRC DST -p` (never through a shell).
std::vector<std::string> JuiceFsCloneArgv(const fs::path& program, const fs::path& src,
                                          const fs::path& dst);

// ---- persisted usage (`jvs info`) ----
struct EngineStats {
  EngineUsage total;           // since the stats file was created
  std::string last_fallback;   // the latest fallback error, if any
  std::string updated;         // RFC 3339 time of the latest update
};
// Reads `.jvs/engine_stats` (all zero when missing or unreadable).
EngineStats LoadEngineStats(Env* env, const fs::path& control_dir);

}  // namespace jvs
