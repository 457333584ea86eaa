// CloneEngine: the parts every engine shares (fallback, counters, hashing the
// clone, the descriptor name).
#include <fcntl.h>

#include "engine/scratch.h"
#include "jvs/engine/engine.h"
#include "jvs/base/hash.h"

namespace jvs {

EngineUsage EngineUsage::operator-(const EngineUsage& o) const {
  EngineUsage d;
  d.files = files - o.files;
  d.cloned = cloned - o.cloned;
  d.copied = copied - o.copied;
  d.fallbacks = fallbacks - o.fallbacks;
  d.bytes_copied = bytes_copied - o.bytes_copied;
  d.trees_cloned = trees_cloned - o.trees_cloned;
  d.hashed_in_place = hashed_in_place - o.hashed_in_place;
  return d;
}

EngineUsage& EngineUsage::operator+=(const EngineUsage& o) {
  files += o.files;
  cloned += o.cloned;
  copied += o.copied;
  fallbacks += o.fallbacks;
  bytes_copied += o.bytes_copied;
  trees_cloned += o.trees_cloned;
  hashed_in_place += o.hashed_in_place;
  return *this;
}

EngineUsage EngineCounters::Load() const {
  EngineUsage u;
  u.files = files.load();
  u.cloned = cloned.load();
  u.copied = copied.load();
  u.fallbacks = fallbacks.load();
  u.bytes_copied = bytes_copied.load();
  u.trees_cloned = trees_cloned.load();
  u.hashed_in_place = hashed_in_place.load();
  return u;
}

bool CloneEngine::CanFallBack(const Error& e) {
  // A full disk or an interrupt is not cured by copying instead; anything
  // else (EXDEV, EOPNOTSUPP, EINVAL, ENOTTY, ETXTBSY, ...) may be, and a
  // real I/O error shows up again while copying.
  return e.code() != ErrorCode::kNoSpace && e.code() != ErrorCode::kInterrupted;
}

void CloneEngine::NoteFallback(const Error& e) {
  counters_.fallbacks++;
  std::lock_guard<std::mutex> l(mu_);
  last_fallback_ = e.message();
}

std::string CloneEngine::last_fallback() const {
  std::lock_guard<std::mutex> l(mu_);
  return last_fallback_;
}

Status CloneEngine::CloneContent(Env* env, int src_fd, int dst_fd, uint64_t size) {
  if (shares_data()) {
    Status st = Transfer(env, src_fd, dst_fd, size);
    if (st.ok()) {
      counters_.cloned++;
      counters_.files++;
      return OkStatus();
    }
    if (!CanFallBack(st.error())) return st;
    NoteFallback(st.error());
    JVS_TRY(env->Ftruncate(dst_fd, 0));
  }
  JVS_TRY(CopyBytes(env, src_fd, dst_fd, size, &counters_));
  counters_.copied++;
  counters_.files++;
  return OkStatus();
}

Result<uint64_t> CloneEngine::CloneAndHash(Env* env, int src_fd, int dst_fd, uint64_t size,
                                           Sha256& hasher) {
  if (shares_data()) {
    Status st = Transfer(env, src_fd, dst_fd, size);
    if (st.ok()) {
      counters_.cloned++;
      counters_.files++;
      // Hash the clone, not the source: what is hashed is then exactly what
      // the store keeps, whatever another program does to the source.
      if (::lseek(dst_fd, 0, SEEK_SET) < 0) return ErrnoError(errno, "seek failed");
      if (size > (256u << 10)) ::posix_fadvise(dst_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
      char* buf = engine_internal::ThreadScratch();
      uint64_t total = 0;
      while (true) {
        JVS_ASSIGN_OR_RETURN(size_t n, env->Read(dst_fd, buf, engine_internal::kScratchSize));
        if (n == 0) break;
        hasher.Update(buf, n);
        total += n;
      }
      return total;
    }
    if (!CanFallBack(st.error())) return st.error();
    NoteFallback(st.error());
    JVS_TRY(env->Ftruncate(dst_fd, 0));
  }
  JVS_ASSIGN_OR_RETURN(uint64_t total, CopyAndHash(env, src_fd, dst_fd, size, hasher, &counters_));
  counters_.copied++;
  counters_.files++;
  return total;
}

Result<CloneEngine::Placed> CloneEngine::CloneContentHashing(Env* env, int src_fd, int dst_fd,
                                                            uint64_t size, bool hash_clones) {
  Placed out;
  bool cloned = false;
  if (shares_data()) {
    Status st = Transfer(env, src_fd, dst_fd, size);
    if (st.ok()) {
      counters_.cloned++;
      counters_.files++;
      cloned = true;
    } else {
      if (!CanFallBack(st.error())) return st.error();
      NoteFallback(st.error());
      JVS_TRY(env->Ftruncate(dst_fd, 0));
    }
  }
  if (!cloned) {
    JVS_TRY(CopyBytes(env, src_fd, dst_fd, size, &counters_));
    counters_.copied++;
    counters_.files++;
  }
  // Not hashed: reading a clone back would cost a read of every byte.
  if (cloned && !hash_clones) return out;
  // What dst now holds. Copied bytes were just written, so they are read from
  // the page cache (as cheap as hashing the copy buffer, and the kernel's
  // copy_file_range is kept: server-side on NFS, no user-space copy).
  if (::lseek(dst_fd, 0, SEEK_SET) < 0) return ErrnoError(errno, "seek failed");
  if (size > (256u << 10)) ::posix_fadvise(dst_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  Sha256 hasher;
  char* buf = engine_internal::ThreadScratch();
  while (true) {
    JVS_ASSIGN_OR_RETURN(size_t n, env->Read(dst_fd, buf, engine_internal::kScratchSize));
    if (n == 0) break;
    hasher.Update(buf, n);
    out.bytes += n;
  }
  out.hashed = true;
  out.digest = hasher.Finish();
  return out;
}

Status CloneEngine::CloneTree(const fs::path& src, const fs::path& dst) {
  (void)src;
  (void)dst;
  return Error(ErrorCode::kUnsupported,
               "the " + std::string(name()) + " engine cannot clone a directory in one operation");
}

std::string CloneEngine::RanAs(const EngineUsage& delta) const {
  if (delta.copied == 0) return std::string(name());
  if (delta.cloned == 0) return "copy";
  return std::string(name()) + "+copy";
}

}  // namespace jvs
