// Doctor: the report, the driver and the findings that doctor only reports
// (see include/jvs/integrity/doctor.h and integrity/doctor_internal.h):
// format and identity files, interrupted restores and locks held now, and
// the object walk of verify (missing, damaged and unreachable objects; doctor
// never deletes objects). The findings it can repair are in doctor_repair.cc.
// Paths inside the store, the op store and the op heads come from those parts
// (integrity/parts.h); doctor knows only the repository-level files.
#include "jvs/integrity/doctor.h"

#include <sys/file.h>

#include <algorithm>
#include <cerrno>

#include "integrity/doctor_internal.h"
#include "jvs/oplog/oplog.h"
#include "jvs/repo/workspace.h"

namespace jvs {

bool DoctorReport::healthy() const {
  return std::none_of(findings.begin(), findings.end(),
                      [](const DoctorFinding& f) { return !f.repaired && f.severity != "info"; });
}

bool DoctorReport::corruption() const {
  return std::any_of(findings.begin(), findings.end(),
                     [](const DoctorFinding& f) { return f.corruption && !f.repaired; });
}

bool DoctorReport::errors_remain() const {
  return std::any_of(findings.begin(), findings.end(),
                     [](const DoctorFinding& f) { return !f.repaired && f.severity == "error"; });
}

uint64_t DoctorReport::repaired() const {
  return static_cast<uint64_t>(std::count_if(findings.begin(), findings.end(),
                                             [](const DoctorFinding& f) { return f.repaired; }));
}

namespace doctor_internal {

namespace {

// True when someone holds the flock on `path` right now (never creates it).
bool LockHeld(Env* env, const fs::path& path) {
  auto fd = env->Open(path, O_RDONLY | O_CLOEXEC);
  if (!fd.ok()) return false;
  if (::flock(fd->get(), LOCK_SH | LOCK_NB) == 0) return false;  // released with the fd
  return errno == EWOULDBLOCK;
}

}  // namespace

Result<std::vector<DirEntry>> List(Env* env, const fs::path& dir) {
  auto fd = env->Open(dir, O_RDONLY | O_DIRECTORY);
  if (!fd.ok()) {
    if (fd.error().code() == ErrorCode::kNotFound) return std::vector<DirEntry>{};
    return fd.error();
  }
  JVS_ASSIGN_OR_RETURN(auto entries, env->ReadDir(fd->get()));
  std::sort(entries.begin(), entries.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return entries;
}

Result<DoctorReport> DoctorRun::Run() {
  if (!CheckFormat()) return std::move(report_);
  CheckIdentity();
  CheckControlFolderMode();
  JVS_TRY(CheckTempFiles());
  JVS_TRY(CheckWorktrees());
  JVS_TRY(CheckForkLeftovers());
  JVS_TRY(CheckOpHeads());
  JVS_TRY(CheckWorktreeRecords());
  JVS_TRY(CheckTreeStates());
  JVS_TRY(CheckSnapshotIndex());
  CheckObjects();
  return std::move(report_);
}

DoctorFinding& DoctorRun::Add(std::string category, std::string severity, std::string description,
                              const fs::path& path, bool corruption) {
  DoctorFinding f;
  f.category = std::move(category);
  f.severity = std::move(severity);
  f.description = std::move(description);
  f.path = path.string();
  f.corruption = corruption;
  report_.findings.push_back(std::move(f));
  return report_.findings.back();
}

// False when nothing else can be interpreted.
bool DoctorRun::CheckFormat() {
  fs::path p = control_ / "format";
  RepoFormat format = ReadRepoFormat(env_, control_);
  switch (format.state) {
    case RepoFormat::State::kOk:
      return true;
    case RepoFormat::State::kMissing:
      Add("format", "error",
          "the format file is missing: this .jvs folder is damaged or not a jvs repository", p, true);
      return false;
    case RepoFormat::State::kMalformed:
      Add("format", "error", "the format file is malformed ('" + format.text.substr(0, 20) + "')", p,
          true);
      return false;
    case RepoFormat::State::kTooNew:
      break;
  }
  Add("format", "error",
      "repository format " + format.text + " is newer than this jvs supports (" +
          std::to_string(kRepoFormatVersion) + "); upgrade jvs",
      p);
  return false;
}

void DoctorRun::CheckIdentity() {
  fs::path id_path = control_ / "repo_id";
  auto id = env_->ReadFile(id_path, 256);
  std::string s = id.ok() ? *id : "";
  while (!s.empty() && s.back() == '\n') s.pop_back();
  if (!id.ok() || s.size() != 32 || !IsHexString(s))
    Add("format", "error",
        id.ok() ? "the repository id is malformed" : "the repository id file is missing", id_path,
        true);
  fs::path type_path = BackendTypePath(StoreDir(control_));
  auto type = env_->ReadFile(type_path, 1024);
  auto known = [&] {
    for (std::string_view name : BackendNames())
      if (*type == std::string(name) + "\n") return true;
    return false;
  };
  if (!type.ok())
    Add("format", "error", "the store type file is missing", type_path, true);
  else if (!known())
    Add("format", "error", "unknown store backend '" + type->substr(0, 40) + "'", type_path);
}

// Whether the operation of a checkout_pending marker was published (any
// doubt counts as published: the marker then asks to finish the restore).
bool DoctorRun::MarkerPublished(const std::string& worktree, const std::string& text) {
  OpStore& ops = *parts_.ops;
  if (!ops.LoadHorizon().ok()) return true;
  auto heads = Heads();
  if (!heads.ok()) return true;
  auto published = CheckoutMarkerPublished(ops, *heads, worktree, text);
  return !published.ok() || *published;
}

Status DoctorRun::CheckWorktrees() {
  JVS_ASSIGN_OR_RETURN(auto worktrees, List(env_, control_ / "worktrees"));
  for (const auto& w : worktrees) {
    fs::path dir = control_ / "worktrees" / w.name;
    bool locked = LockHeld(env_, dir / "lock");
    fs::path marker = dir / "checkout_pending";
    auto data = env_->ReadFile(marker, 4096);
    if (data.ok()) {
      std::string target = data->substr(0, std::min<size_t>(12, data->find('\n')));
      if (locked) {
        Add("lock", "info", "worktree '" + w.name + "' is being restored by a running jvs command",
            dir / "lock");
      } else if (!MarkerPublished(w.name, *data)) {
        // Its restore died before publishing: nothing had changed, the next
        // command in the worktree removes it.
        DoctorFinding& f = Add("temp_file", "warning",
                               "marker of a restore of worktree '" + w.name + "' (to " + target +
                                   ") interrupted before it was recorded; nothing had changed",
                               marker);
        if (options_.repair && env_->Unlink(marker).ok()) {
          f.repaired = true;
          f.description += "; removed";
        }
      } else {
        Add("interrupted_operation", "error",
            "an interrupted restore (to " + target + ") left worktree '" + w.name +
                "' partly updated (finish it in that worktree)",
            marker)
            .remedies.push_back({Remedy::kFinishRestore, target});
      }
      continue;
    }
    if (locked)
      Add("lock", "info", "worktree '" + w.name + "' is locked by a running jvs command",
          dir / "lock");
  }
  if (LockHeld(env_, control_ / "op_heads.lock"))
    Add("lock", "info", "concurrent operations are being merged by a running jvs command",
        control_ / "op_heads.lock");
  return OkStatus();
}

fs::path DoctorRun::ObjectPath(ObjectKind kind, const std::string& hex) const {
  auto d = DigestFromHex(hex);
  if (hex.size() != kIdHexLength || !d.ok()) return {};
  if (auto store_kind = integrity_internal::ToStoreKind(kind))
    return parts_.backend->Describe(*store_kind, *d);
  switch (kind) {
    case ObjectKind::kOperation:
      return parts_.ops->OperationPath(OperationId(*d));
    case ObjectKind::kView:
      return parts_.ops->ViewPath(ViewId(*d));
    case ObjectKind::kOpHead:
      return parts_.heads->HeadPath(OperationId(*d));
    default:
      return {};
  }
}

void DoctorRun::CheckObjects() {
  VerifyOptions vo;
  vo.progress = settings_.progress;
  vo.pool = options_.pool;
  vo.hash_blobs = options_.strict;
  vo.census = true;
  auto verified = VerifyAll(env_, root_, vo);
  if (!verified.ok()) {
    Add("corrupt_object", "error",
        "the objects could not be checked: " + verified.error().message(), control_,
        verified.error().code() == ErrorCode::kCorrupt);
    return;
  }
  for (const auto& p : verified->problems) {
    if (p.kind == ObjectKind::kOpHead) continue;  // CheckOpHeads covers the heads
    fs::path path = ObjectPath(p.kind, p.id);
    if (p.type == ProblemType::kMissing && !p.reachable) {
      Add("orphan_object", "info", p.message + "; nothing reaches it", path)
          .remedies.push_back({Remedy::kCollectGarbage, ""});
    } else if (p.type == ProblemType::kMissing) {
      Add("missing_object", "error", p.message + "; it cannot be recovered from this repository",
          path);
    } else {
      Add("corrupt_object", "error", p.message, path, true);
    }
  }
  for (const auto& u : verified->unreachable) {
    std::string kind(ObjectKindName(u.kind));
    auto store_kind = integrity_internal::ToStoreKind(u.kind);
    fs::path dir = u.kind == ObjectKind::kOperation ? parts_.ops->OperationsPath()
                   : u.kind == ObjectKind::kView    ? parts_.ops->ViewsPath()
                   : store_kind                     ? fs::path(parts_.backend->Describe(*store_kind))
                                                    : control_;
    Add("orphan_object", "info",
        std::to_string(u.count) + " " + kind + (u.count == 1 ? "" : "s") + " (" +
            std::to_string(u.bytes) +
            " bytes) that no operation reaches, e.g. left by an interrupted command (doctor never "
            "deletes objects)",
        dir)
        .remedies.push_back({Remedy::kCollectGarbage, ""});
  }
  report_.verify = std::move(verified).value();
}

}  // namespace doctor_internal

const std::vector<DoctorRepair>& DoctorRepairs() {
  static const std::vector<DoctorRepair> repairs = {
      {"temp_file",
       "remove temp files and staging folders of commands whose process is gone (at once when no command has "
       "the repository open, else once old enough)"},
      {"op_heads",
       "remove dangling operation heads, re-create a missing one from the operations, merge several into one"},
      {"permissions", "restrict a control folder readable by group or others to its owner (0700)"},
  };
  return repairs;
}

Result<DoctorReport> Doctor(Env* env, const fs::path& root, const Settings& settings,
                            const DoctorOptions& options) {
  doctor_internal::DoctorRun d(env, root, settings, options);
  return d.Run();
}

}  // namespace jvs
