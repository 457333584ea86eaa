// LocalBackend::Ingest: a workspace file into a blob, read once (hash and
// store in the same pass), through the clone engine.
#include <fcntl.h>

#include <cerrno>

#include "engine/scratch.h"
#include "jvs/base/hash.h"
#include "store/local_backend.h"

namespace jvs {

namespace {
constexpr size_t kSmallFile = 1u << 20;  // read whole, hash, then write only if new
constexpr int kMaxIngestAttempts = 5;

bool SameStat(const struct stat& a, const struct stat& b) {
  return a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
         a.st_mtim.tv_nsec == b.st_mtim.tv_nsec && a.st_ino == b.st_ino &&
         a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}
}  // namespace

Result<IngestResult> LocalBackend::Ingest(int dirfd, const char* name, CloneEngine& engine) {
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
      if (!Has(StoreKind::kBlob, r.id.bytes())) {
        JVS_TRY(Write(StoreKind::kBlob, r.id.bytes(), buf));
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
    JVS_ASSIGN_OR_RETURN(r.stored, Publish(tmp, ObjectPath(StoreKind::kBlob, r.id.bytes())));
    if (r.stored) bytes_written_ += r.size;
    return r;
  }
  return Error(ErrorCode::kIo, std::string("'") + name + "' kept changing while it was read",
               "stop the program writing to it, then snapshot again");
}

Result<std::optional<IngestResult>> LocalBackend::IngestUnderLease(int fd, const struct stat& before,
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
  bool have = Has(StoreKind::kBlob, r.id.bytes());
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
    JVS_ASSIGN_OR_RETURN(r.stored, Publish(tmp, ObjectPath(StoreKind::kBlob, r.id.bytes())));
    if (r.stored) bytes_written_ += r.size;
  }
  return std::optional<IngestResult>(std::move(r));
}

}  // namespace jvs
