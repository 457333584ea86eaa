// Doctor (doctor_internal.h): who may read the control folder, and the
// directories of interrupted forks.
#include <sys/file.h>
#include <sys/stat.h>

#include <cstdio>

#include "integrity/doctor_internal.h"

namespace jvs::doctor_internal {

void DoctorRun::CheckControlFolderMode() {
  auto st = env_->Lstat(control_);
  if (!st.ok() || !S_ISDIR(st->st_mode)) return;
  const mode_t mode = st->st_mode & 07777;
  if ((mode & 077) == 0) return;
  char octal[16];
  std::snprintf(octal, sizeof(octal), "%04o", static_cast<unsigned>(mode));
  DoctorFinding& f = Add("permissions", "warning",
                         std::string("the control folder has mode ") + octal +
                             ": group or others can read the content of every snapshotted file through the "
                             "store, also of files they cannot read in the workspace",
                         control_);
  if (options_.repair && env_->Chmod(control_, 0700).ok()) {
    f.repaired = true;
    f.description += "; set to 0700";
  } else {
    f.remedies.push_back({Remedy::kRestrictControlFolder, control_.string()});
  }
}

Status DoctorRun::CheckForkLeftovers() {
  JVS_ASSIGN_OR_RETURN(auto worktrees, List(env_, control_ / "worktrees"));
  // With `.jvs/gc.lock` free, no command is running: a marker is a leftover
  // whatever its age (as for temp files).
  bool quiet = false;
  if (auto fd = env_->Open(control_ / "gc.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600); fd.ok())
    quiet = env_->Flock(fd->get(), /*exclusive=*/true, std::chrono::milliseconds(0)).ok();
  const int64_t min_age = quiet ? 0 : static_cast<int64_t>(options_.temp_min_age.count()) * 1000000000;
  for (const auto& w : worktrees) {
    const fs::path marker = control_ / "worktrees" / w.name / "fork_pending";
    auto text = env_->ReadFile(marker, 4096);
    if (!text.ok()) continue;
    auto st = env_->Lstat(marker);
    if (!st.ok() || env_->NowNanos() - (int64_t{st->st_mtim.tv_sec} * 1000000000 + st->st_mtim.tv_nsec) < min_age)
      continue;  // a fork may still be running
    if (env_->Exists(control_ / "worktrees" / w.name / "tree_state")) continue;  // published; a stale marker
    std::string dir = text->substr(0, text->find('\n'));
    if (!env_->Exists(dir)) continue;  // nothing left on disk; the next fork of that name removes the marker
    Add("fork_leftover", "warning",
        "'" + dir + "' was left by a fork of worktree '" + w.name +
            "' that was interrupted before it was recorded: it holds files that fork cloned, and maybe files "
            "added since; running the fork again replaces it only when it holds nothing else",
        dir);
  }
  return OkStatus();
}

}  // namespace jvs::doctor_internal
