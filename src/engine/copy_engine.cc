// The copy engine and the byte-copying helpers every engine falls back to.
// Only the data segments of the source are copied (SEEK_DATA / SEEK_HOLE), so
// a sparse file stays sparse; each segment moves by copy_file_range (in the
// kernel; on XFS and btrfs the kernel may even share the extents) and by
// read/write when the kernel refuses.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "engine/scratch.h"
#include "jvs/engine/engine.h"
#include "jvs/base/hash.h"

namespace jvs {

namespace {

constexpr size_t kBufferSize = 1u << 20;

// The next data segment [*data, *end) of `fd` at or after `off`, clipped to
// `size`. False when only a hole remains. A filesystem without SEEK_DATA
// (EINVAL) reports everything as data.
Result<bool> NextDataSegment(int fd, uint64_t off, uint64_t size, uint64_t* data, uint64_t* end) {
  off_t d = ::lseek(fd, static_cast<off_t>(off), SEEK_DATA);
  if (d < 0) {
    if (errno == ENXIO) return false;  // a hole up to the end of the file
    if (errno != EINVAL && errno != EOPNOTSUPP) return ErrnoError(errno, "SEEK_DATA failed");
    *data = off;
    *end = size;
    return true;
  }
  if (static_cast<uint64_t>(d) >= size) return false;
  off_t h = ::lseek(fd, d, SEEK_HOLE);
  if (h < 0) h = static_cast<off_t>(size);
  *data = static_cast<uint64_t>(d);
  *end = std::min<uint64_t>(static_cast<uint64_t>(h), size);
  return true;
}

bool CanUseReadWrite(const Error& e) {
  return e.code() != ErrorCode::kNoSpace && e.code() != ErrorCode::kInterrupted;
}

// Copies [off, end) with read/write; returns the end actually reached (less
// than `end` when the source shrank).
Result<uint64_t> ReadWriteRange(Env* env, int src_fd, int dst_fd, uint64_t off, uint64_t end,
                                Sha256* hasher) {
  if (::lseek(src_fd, static_cast<off_t>(off), SEEK_SET) < 0 ||
      ::lseek(dst_fd, static_cast<off_t>(off), SEEK_SET) < 0)
    return ErrnoError(errno, "seek failed");
  char* buf = engine_internal::ThreadScratch();
  while (off < end) {
    JVS_ASSIGN_OR_RETURN(size_t n, env->Read(src_fd, buf, std::min<uint64_t>(engine_internal::kScratchSize, end - off)));
    if (n == 0) break;
    if (hasher) hasher->Update(buf, n);
    JVS_TRY(env->Write(dst_fd, buf, n));
    off += n;
  }
  return off;
}

void HashZeros(Sha256& hasher, uint64_t n) {
  static const std::vector<char> zeros(kBufferSize, 0);
  while (n > 0) {
    size_t k = static_cast<size_t>(std::min<uint64_t>(n, zeros.size()));
    hasher.Update(zeros.data(), k);
    n -= k;
  }
}

}  // namespace

Status CopyBytes(Env* env, int src_fd, int dst_fd, uint64_t size, EngineCounters* counters) {
  bool use_cfr = true, shrank = false, trailing_hole = false;
  uint64_t off = 0, copied = 0, data = 0, end = 0;
  Status result = OkStatus();
  while (off < size && result.ok()) {
    auto seg = NextDataSegment(src_fd, off, size, &data, &end);
    if (!seg.ok()) {
      result = seg.error();
      break;
    }
    if (!*seg) {
      trailing_hole = true;
      break;
    }
    uint64_t pos = data;
    while (use_cfr && pos < end) {
      int64_t in_off = static_cast<int64_t>(pos), out_off = static_cast<int64_t>(pos);
      size_t chunk = static_cast<size_t>(std::min<uint64_t>(end - pos, 1u << 30));
      auto n = env->CopyFileRange(src_fd, &in_off, dst_fd, &out_off, chunk);
      if (!n.ok()) {
        if (!CanUseReadWrite(n.error())) result = n.error();
        use_cfr = false;  // EXDEV, EOPNOTSUPP, EINVAL...: read/write from here on
        break;
      }
      if (*n == 0) break;  // the source shrank
      copied += *n;
      pos += *n;
    }
    if (!result.ok()) break;
    if (pos < end && !use_cfr) {
      auto reached = ReadWriteRange(env, src_fd, dst_fd, pos, end, nullptr);
      if (!reached.ok()) {
        result = reached.error();
        break;
      }
      copied += *reached - pos;
      pos = *reached;
    }
    if (pos < end) {
      shrank = true;
      break;
    }
    off = end;
  }
  if (counters) counters->bytes_copied += copied;
  JVS_TRY(result);
  if (trailing_hole) {
    // A hole up to `size`, or bytes cut off the source meanwhile?
    struct stat st;
    if (::fstat(src_fd, &st) == 0 && static_cast<uint64_t>(st.st_size) < size) shrank = true;
  }
  if (shrank) return Error(ErrorCode::kIo, "file changed size while it was being copied");
  // A trailing hole (and an empty file) gets its size from ftruncate.
  return env->Ftruncate(dst_fd, static_cast<int64_t>(size));
}

Result<uint64_t> CopyAndHash(Env* env, int src_fd, int dst_fd, uint64_t size, Sha256& hasher,
                             EngineCounters* counters) {
  if (size > (256u << 10)) ::posix_fadvise(src_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  uint64_t off = 0, copied = 0, data = 0, end = 0;
  while (off < size) {
    JVS_ASSIGN_OR_RETURN(bool seg, NextDataSegment(src_fd, off, size, &data, &end));
    if (!seg) data = end = size;
    HashZeros(hasher, data - off);  // the hole before the segment
    if (!seg) {
      off = size;
      break;
    }
    auto reached = ReadWriteRange(env, src_fd, dst_fd, data, end, &hasher);
    if (!reached.ok()) {
      if (counters) counters->bytes_copied += copied;
      return reached.error();
    }
    copied += *reached - data;
    off = *reached;
    if (off < end) break;  // the source shrank
  }
  if (counters) counters->bytes_copied += copied;
  // Holes (a trailing one too) get their size here; a source that shrank is
  // caught by the caller, which compares its stat before and after.
  JVS_TRY(env->Ftruncate(dst_fd, static_cast<int64_t>(off)));
  return off;
}

namespace {

class CopyEngine final : public CloneEngine {
 public:
  std::string_view name() const override { return "copy"; }
  bool shares_data() const override { return false; }

 protected:
  Status Transfer(Env* env, int src_fd, int dst_fd, uint64_t size) override {
    return CopyBytes(env, src_fd, dst_fd, size, &counters_);
  }
};

}  // namespace

std::unique_ptr<CloneEngine> MakeCopyEngine() { return std::make_unique<CopyEngine>(); }

}  // namespace jvs
