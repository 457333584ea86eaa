// Doctor (see include/jvs/doctor.h). Looks only inside `.jvs`.
#include "jvs/integrity/doctor.h"

#include <signal.h>
#include <sys/file.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <unordered_set>

#include "jvs/oplog/oplog.h"
#include "jvs/oplog/simple.h"

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

namespace {

constexpr int64_t kUnknownOwnerAgeNs = int64_t{24} * 3600 * 1000000000;

bool IsLowerHexId(std::string_view s) {
  if (s.size() != kIdHexLength) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// The pid in a temp name written by jvs, or 0 when `name` is not one:
// obj-<pid>-<n>-<rand> (store/tmp), <file>.tmp-jvs-<pid>-<n> (atomic writes),
// staging-<pid> (restore), .engine-probe-<pid>-<n>-{a,b} (engine detection),
// .clock-<pid>-<n> (filesystem clock probe).
long TempOwner(std::string_view name) {
  auto digits = [](std::string_view s, bool whole) -> long {
    size_t n = 0;
    while (n < s.size() && n < 10 && s[n] >= '0' && s[n] <= '9') ++n;
    if (n == 0 || (whole ? n != s.size() : (n < s.size() && s[n] != '-'))) return 0;
    long v = std::stol(std::string(s.substr(0, n)));
    return v > 0 ? v : 0;
  };
  for (std::string_view prefix : {"obj-", ".engine-probe-", ".clock-"})
    if (name.substr(0, prefix.size()) == prefix) return digits(name.substr(prefix.size()), false);
  if (name.substr(0, 8) == "staging-") return digits(name.substr(8), true);
  if (size_t pos = name.find(".tmp-jvs-"); pos != std::string_view::npos && pos > 0)
    return digits(name.substr(pos + 9), false);
  return 0;
}

bool ProcessAlive(long pid) {
  if (pid <= 0 || pid > 0x3fffffff) return false;
  if (pid == static_cast<long>(::getpid())) return true;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// True when someone holds the flock on `path` right now (never creates it).
bool LockHeld(Env* env, const fs::path& path) {
  auto fd = env->Open(path, O_RDONLY | O_CLOEXEC);
  if (!fd.ok()) return false;
  if (::flock(fd->get(), LOCK_SH | LOCK_NB) == 0) return false;  // released with the fd
  return errno == EWOULDBLOCK;
}

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

class DoctorRun {
 public:
  DoctorRun(Env* env, fs::path root, const Settings& settings, const DoctorOptions& options)
      : env_(env),
        root_(std::move(root)),
        control_(root_ / kControlDirName),
        settings_(settings),
        options_(options) {}

  Result<DoctorReport> Run() {
    if (!CheckFormat()) return std::move(report_);
    CheckIdentity();
    JVS_TRY(CheckTempFiles());
    JVS_TRY(CheckWorktrees());
    JVS_TRY(CheckOpHeads());
    CheckObjects();
    return std::move(report_);
  }

 private:
  DoctorFinding& Add(std::string category, std::string severity, std::string description,
                     const fs::path& path, bool corruption = false) {
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
  bool CheckFormat() {
    fs::path p = control_ / "format";
    auto data = env_->ReadFile(p, 64);
    if (!data.ok()) {
      Add("format", "error",
          "the format file is missing: this .jvs folder is damaged or not a jvs repository", p,
          true);
      return false;
    }
    std::string s = *data;
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), ::isdigit) ||
        std::stoi(s) < 1) {
      Add("format", "error", "the format file is malformed ('" + s.substr(0, 20) + "')", p, true);
      return false;
    }
    if (std::stoi(s) > kRepoFormatVersion) {
      Add("format", "error",
          "repository format " + s + " is newer than this jvs supports (" +
              std::to_string(kRepoFormatVersion) + "); upgrade jvs",
          p);
      return false;
    }
    return true;
  }

  void CheckIdentity() {
    fs::path id_path = control_ / "repo_id";
    auto id = env_->ReadFile(id_path, 256);
    std::string s = id.ok() ? *id : "";
    while (!s.empty() && s.back() == '\n') s.pop_back();
    if (!id.ok() || s.size() != 32 || !IsHexString(s))
      Add("format", "error",
          id.ok() ? "the repository id is malformed" : "the repository id file is missing", id_path,
          true);
    fs::path type_path = control_ / "store" / "type";
    auto type = env_->ReadFile(type_path, 1024);
    if (!type.ok())
      Add("format", "error", "the store type file is missing", type_path, true);
    else if (*type != "local\n")
      Add("format", "error", "unknown store backend '" + type->substr(0, 40) + "'", type_path);
  }

  // ---- temp files ----

  Status CheckTempFiles() {
    struct Dir {
      fs::path path;
      bool all_temp;  // everything in it is temporary
    };
    std::vector<Dir> dirs = {{control_, false},
                             {control_ / "tmp", true},
                             {control_ / "store", false},
                             {control_ / "store" / "tmp", true},
                             {control_ / "op_store", false},
                             {control_ / "op_store" / "operations", false},
                             {control_ / "op_store" / "views", false},
                             {control_ / "op_heads", false},
                             {control_ / "gc", false}};
    JVS_ASSIGN_OR_RETURN(auto worktrees, List(env_, control_ / "worktrees"));
    for (const auto& w : worktrees) dirs.push_back({control_ / "worktrees" / w.name, false});
    // Every jvs command holds `.jvs/gc.lock` shared while it has the
    // repository open. When it can be taken exclusively right now, no
    // command anywhere is using the repository, so no temp file is in use:
    // neither its age nor its pid matters. Released before the op heads are
    // looked at (opening the repository takes the lock shared again).
    UniqueFd quiet_lock;
    if (auto fd = env_->Open(control_ / "gc.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644); fd.ok())
      if (env_->Flock(fd->get(), /*exclusive=*/true, std::chrono::milliseconds(0)).ok())
        quiet_lock = std::move(fd).value();
    const bool quiet = quiet_lock.valid();
    int64_t now = env_->NowNanos();
    int64_t min_age = quiet ? 0 : static_cast<int64_t>(options_.temp_min_age.count()) * 1000000000;
    for (const auto& d : dirs) {
      JVS_ASSIGN_OR_RETURN(auto entries, List(env_, d.path));
      for (const auto& e : entries) {
        long pid = TempOwner(e.name);
        if (pid == 0 && !d.all_temp) continue;
        fs::path p = d.path / e.name;
        auto st = env_->Lstat(p);
        if (!st.ok()) continue;  // gone meanwhile
        int64_t mtime = int64_t{st->st_mtim.tv_sec} * 1000000000 + st->st_mtim.tv_nsec;
        int64_t age = now - mtime;
        bool is_dir = S_ISDIR(st->st_mode);
        std::string what = is_dir ? "temp folder" : "temp file";
        std::string description;
        bool removable;
        if (pid != 0) {
          if (!quiet && ProcessAlive(pid)) continue;  // its command is still running
          description = what + " of an interrupted jvs command (" +
                        (quiet ? std::string("no jvs command has the repository open")
                               : "process " + std::to_string(pid) + " is gone") +
                        ")";
          removable = age >= min_age;
          if (!removable)
            description +=
                "; younger than " + std::to_string(options_.temp_min_age.count()) +
                " s, left for a later run (a command on another machine may still be writing it)";
        } else {
          if (!quiet && age < kUnknownOwnerAgeNs) continue;  // may be in use
          description = "leftover " + what + " in a jvs temp folder (older than a day)";
          removable = true;
        }
        DoctorFinding& f = Add("temp_file", "warning", description, p);
        if (options_.repair && removable) {
          Status rm = is_dir ? env_->RemoveAll(p) : env_->Unlink(p);
          if (rm.ok() || rm.error().code() == ErrorCode::kNotFound) {
            f.repaired = true;
            f.description += "; removed";
          } else {
            f.description += "; could not remove it: " + rm.error().message();
          }
        }
      }
    }
    return OkStatus();
  }

  // ---- worktrees: interrupted restores and locks ----

  Status CheckWorktrees() {
    JVS_ASSIGN_OR_RETURN(auto worktrees, List(env_, control_ / "worktrees"));
    for (const auto& w : worktrees) {
      fs::path dir = control_ / "worktrees" / w.name;
      bool locked = LockHeld(env_, dir / "lock");
      fs::path marker = dir / "checkout_pending";
      auto data = env_->ReadFile(marker, 4096);
      if (data.ok()) {
        std::string target = data->substr(0, std::min<size_t>(12, data->find('\n')));
        if (locked) {
          Add("lock", "info",
              "worktree '" + w.name + "' is being restored by a running jvs command", dir / "lock");
        } else {
          Add("interrupted_operation", "error",
              "an interrupted restore (to " + target + ") left worktree '" + w.name +
                  "' partly updated; run 'jvs restore " + target +
                  "' in it to finish (the files as they are now are saved first)",
              marker);
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

  // ---- op heads ----

  Result<std::vector<std::string>> Heads() {
    JVS_ASSIGN_OR_RETURN(auto entries, List(env_, control_ / "op_heads"));
    std::vector<std::string> out;
    for (const auto& e : entries)
      if (IsLowerHexId(e.name)) out.push_back(e.name);
    return out;
  }

  Status CheckOpHeads() {
    fs::path heads_dir = control_ / "op_heads";
    fs::path ops_dir = control_ / "op_store" / "operations";
    JVS_ASSIGN_OR_RETURN(auto heads, Heads());
    std::vector<std::string> valid;
    for (const auto& h : heads) {
      if (env_->Exists(ops_dir / h)) {
        valid.push_back(h);
        continue;
      }
      DoctorFinding& f = Add(
          "op_heads", "error",
          "op head " + h.substr(0, 12) + " names an operation that is missing from the op store",
          heads_dir / h, true);
      if (options_.repair) {
        // The operation is gone whatever we do; without its head file the
        // repository falls back to the newest operations that remain.
        Status rm = env_->Unlink(heads_dir / h);
        f.repaired = rm.ok();
        f.description += f.repaired ? "; removed the dangling head"
                                    : "; could not remove it: " + rm.error().message();
      }
    }
    if (valid.empty()) {
      DoctorFinding& f =
          Add("op_heads", "error", "the repository has no operation head", heads_dir);
      if (options_.repair) {
        auto tips = RecoverHeads();
        if (tips.ok() && *tips > 0) {
          f.repaired = true;
          f.description +=
              "; re-created " + std::to_string(*tips) + " head(s) from the newest operations";
          JVS_ASSIGN_OR_RETURN(heads, Heads());
          valid = heads;
        } else {
          f.description +=
              tips.ok() ? "; no operation is left to recover from" : "; " + tips.error().message();
        }
      }
    }
    if (valid.size() > 1) {
      DoctorFinding& f =
          Add("op_heads", "warning",
              std::to_string(valid.size()) +
                  " op heads: concurrent operations not merged yet (any jvs command that changes "
                  "the repository merges them)",
              heads_dir);
      if (options_.repair) {
        auto repo = Repo::Open(env_, root_, settings_);  // opening merges the heads
        if (!repo.ok()) {
          f.description += "; could not merge them: " + repo.error().message();
        } else {
          JVS_ASSIGN_OR_RETURN(auto after, Heads());
          f.repaired = after.size() == 1;
          f.description += f.repaired
                               ? "; merged into operation " + (*repo)->op_id().hex().substr(0, 12)
                               : "; still " + std::to_string(after.size()) + " heads after merging";
        }
      }
    }
    return OkStatus();
  }

  // Creates a head for every operation that no other operation names as a
  // parent. Returns how many.
  Result<size_t> RecoverHeads() {
    SimpleOpStore ops(env_, control_ / "op_store");
    JVS_ASSIGN_OR_RETURN(auto entries, List(env_, control_ / "op_store" / "operations"));
    std::vector<OperationId> all;
    std::unordered_set<OperationId, IdHash> parents;
    for (const auto& e : entries) {
      if (!IsLowerHexId(e.name)) continue;
      auto id = OperationId::FromHex(e.name);
      if (!id.ok()) continue;
      auto op = ops.ReadOperation(*id);
      if (!op.ok()) continue;  // damaged: reported by the object walk
      all.push_back(*id);
      for (const auto& p : op->parents) parents.insert(p);
    }
    size_t made = 0;
    for (const auto& id : all) {
      if (parents.count(id)) continue;
      JVS_TRY(env_->WriteFileAtomic(control_ / "op_heads" / id.hex(), "", true));
      made++;
    }
    if (made > 0) {
      JVS_ASSIGN_OR_RETURN(UniqueFd dfd, env_->Open(control_ / "op_heads", O_RDONLY | O_DIRECTORY));
      JVS_TRY(env_->Fsync(dfd.get()));
    }
    return made;
  }

  // ---- objects ----

  fs::path ObjectPath(ObjectKind kind, const std::string& hex) const {
    if (hex.size() != kIdHexLength) return {};
    switch (kind) {
      case ObjectKind::kBlob:
        return control_ / "store" / "blobs" / hex.substr(0, 2) / hex.substr(2);
      case ObjectKind::kTree:
        return control_ / "store" / "trees" / hex.substr(0, 2) / hex.substr(2);
      case ObjectKind::kSnapshot:
        return control_ / "store" / "snapshots" / hex.substr(0, 2) / hex.substr(2);
      case ObjectKind::kOperation:
        return control_ / "op_store" / "operations" / hex;
      case ObjectKind::kView:
        return control_ / "op_store" / "views" / hex;
      case ObjectKind::kOpHead:
        return control_ / "op_heads" / hex;
    }
    return {};
  }

  void CheckObjects() {
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
        Add("orphan_object", "info",
            p.message + "; nothing reaches it ('jvs gc' removes such leftovers)", path);
      } else if (p.type == ProblemType::kMissing) {
        Add("missing_object", "error", p.message + "; it cannot be recovered from this repository",
            path);
      } else {
        Add("corrupt_object", "error", p.message, path, true);
      }
    }
    for (const auto& u : verified->unreachable) {
      std::string kind(ObjectKindName(u.kind));
      fs::path dir = u.kind == ObjectKind::kOperation ? control_ / "op_store" / "operations"
                     : u.kind == ObjectKind::kView    ? control_ / "op_store" / "views"
                                                      : control_ / "store" / (kind + "s");
      Add("orphan_object", "info",
          std::to_string(u.count) + " " + kind + (u.count == 1 ? "" : "s") + " (" +
              std::to_string(u.bytes) +
              " bytes) that no operation reaches, e.g. left by an interrupted command; 'jvs gc' "
              "removes "
              "them, doctor never deletes objects",
          dir);
    }
    report_.verify = std::move(verified).value();
  }

  Env* env_;
  fs::path root_, control_;
  const Settings& settings_;
  DoctorOptions options_;
  DoctorReport report_;
};

}  // namespace

Result<DoctorReport> Doctor(Env* env, const fs::path& root, const Settings& settings,
                            const DoctorOptions& options) {
  DoctorRun d(env, root, settings, options);
  return d.Run();
}

}  // namespace jvs
