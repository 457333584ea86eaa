#include "engine/select.h"

#include <unistd.h>

namespace jvs {

namespace {

class ReflinkEngine final : public CloneEngine {
 public:
  std::string_view name() const override { return "reflink"; }
  bool shares_data() const override { return true; }
  Status CloneContent(Env* env, int src_fd, int dst_fd, uint64_t size) override {
    counters_.files++;
    if (env->CloneFile(src_fd, dst_fd).ok()) {
      counters_.cloned++;
      return OkStatus();
    }
    counters_.fallbacks++;
    counters_.copied++;
    return CopyBytes(env, src_fd, dst_fd, size, &counters_);
  }
};

// Creates two files in `dir` and tries FICLONE between them.
bool ProbeReflink(Env* env, const fs::path& dir) {
  fs::path a = dir / (".probe-a-" + std::to_string(::getpid()));
  fs::path b = dir / (".probe-b-" + std::to_string(::getpid()));
  bool ok = false;
  {
    auto fa = env->Open(a, O_RDWR | O_CREAT | O_TRUNC, 0600);
    auto fb = env->Open(b, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fa.ok() && fb.ok()) {
      char block[4096] = {1};
      if (env->Write(fa->get(), block, sizeof(block)).ok())
        ok = env->CloneFile(fa->get(), fb->get()).ok();
    }
  }
  (void)env->Unlink(a);
  (void)env->Unlink(b);
  return ok;
}

}  // namespace

std::unique_ptr<CloneEngine> MakeReflinkEngine() { return std::make_unique<ReflinkEngine>(); }

Result<EngineChoice> ChooseEngine(Env* env, const fs::path& control_dir,
                                  const std::optional<std::string>& forced) {
  EngineChoice c;
  if (forced) {
    if (*forced == "copy") {
      c.engine = MakeCopyEngine();
    } else if (*forced == "reflink") {
      c.engine = MakeReflinkEngine();
    } else {
      return Error(ErrorCode::kInvalidArgument, "unknown engine '" + *forced + "' in JVS_ENGINE",
                   "use JVS_ENGINE=reflink or JVS_ENGINE=copy (or unset it)");
    }
    c.reason = "forced by JVS_ENGINE";
    return c;
  }
  fs::path probe_dir = control_dir / "tmp";
  if (!env->Exists(probe_dir)) probe_dir = control_dir;
  if (ProbeReflink(env, probe_dir)) {
    c.engine = MakeReflinkEngine();
    c.reason = "the filesystem supports reflink (FICLONE probe succeeded)";
  } else {
    c.engine = MakeCopyEngine();
    c.reason = "the filesystem has no reflink (FICLONE probe failed): in-kernel copy";
  }
  return c;
}

}  // namespace jvs
