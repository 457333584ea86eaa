#include <cerrno>
#include <vector>

#include "jvs/engine.h"

namespace jvs {

Status CopyBytes(Env* env, int src_fd, int dst_fd, uint64_t size, EngineCounters* counters) {
  int64_t in_off = 0, out_off = 0;
  bool use_cfr = true;
  while (static_cast<uint64_t>(in_off) < size) {
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(size - in_off, 1u << 30));
    if (use_cfr) {
      auto n = env->CopyFileRange(src_fd, &in_off, dst_fd, &out_off, chunk);
      if (n.ok()) {
        if (*n == 0) break;  // source shrank
        continue;
      }
      if (n.error().code() == ErrorCode::kUnsupported || n.error().code() == ErrorCode::kIo) {
        use_cfr = false;  // EXDEV, EOPNOTSUPP, EINVAL on old kernels: plain copy
        continue;
      }
      return n.error();
    }
    std::vector<char> buf(1u << 20);
    while (static_cast<uint64_t>(in_off) < size) {
      if (::lseek(src_fd, in_off, SEEK_SET) < 0 || ::lseek(dst_fd, out_off, SEEK_SET) < 0)
        return ErrnoError(errno, "seek failed");
      JVS_ASSIGN_OR_RETURN(size_t n, env->Read(src_fd, buf.data(),
                                               std::min<uint64_t>(buf.size(), size - in_off)));
      if (n == 0) break;
      JVS_TRY(env->Write(dst_fd, buf.data(), n));
      in_off += static_cast<int64_t>(n);
      out_off += static_cast<int64_t>(n);
    }
    break;
  }
  if (counters) counters->bytes_copied += static_cast<uint64_t>(out_off);
  if (static_cast<uint64_t>(out_off) != size)
    return Error(ErrorCode::kIo, "file changed size while it was being copied");
  return OkStatus();
}

namespace {

class CopyEngine final : public CloneEngine {
 public:
  std::string_view name() const override { return "copy"; }
  bool shares_data() const override { return false; }
  Status CloneContent(Env* env, int src_fd, int dst_fd, uint64_t size) override {
    JVS_TRY(CopyBytes(env, src_fd, dst_fd, size, &counters_));
    counters_.files++;
    counters_.copied++;
    return OkStatus();
  }
};

}  // namespace

std::unique_ptr<CloneEngine> MakeCopyEngine() { return std::make_unique<CopyEngine>(); }

}  // namespace jvs
