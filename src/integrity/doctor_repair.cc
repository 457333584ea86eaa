// Doctor, the findings it can repair, each with its repair (with
// DoctorOptions::repair): temp files and staging folders of jvs commands
// whose process is gone (removed once old enough, or at once when no command
// has the repository open), and op heads: dangling ones (removed), none at
// all (re-created from the operations no other names as a parent), several
// (merged by opening the repository, as any command would).
// The folders of the store, the op store and the op heads where temp files
// may lie, and every head and operation, come from those parts (TempPlaces,
// List, Add, Remove, Sync).
#include <signal.h>
#include <sys/file.h>

#include <algorithm>
#include <cerrno>
#include <unordered_set>

#include "integrity/doctor_internal.h"
#include "jvs/oplog/oplog.h"

namespace jvs::doctor_internal {

namespace {

constexpr int64_t kUnknownOwnerAgeNs = int64_t{24} * 3600 * 1000000000;

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

}  // namespace

Status DoctorRun::CheckTempFiles() {
  struct Dir {
    fs::path path;
    bool all_temp;  // everything in it is temporary
  };
  std::vector<Dir> dirs = {{control_, false}, {control_ / "tmp", true}};
  for (auto places : {parts_.backend->TempPlaces(), parts_.ops->TempPlaces(), parts_.heads->TempPlaces()})
    for (auto& p : places) dirs.push_back({std::move(p.dir), p.all_temp});
  dirs.push_back({control_ / "gc", false});
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

Result<std::vector<OperationId>> DoctorRun::Heads() {
  return integrity_internal::NoneIfMissing(parts_.heads->List());
}

Status DoctorRun::CheckOpHeads() {
  JVS_ASSIGN_OR_RETURN(auto heads, Heads());
  std::vector<OperationId> valid;
  for (const auto& h : heads) {
    if (parts_.ops->HasOperation(h)) {
      valid.push_back(h);
      continue;
    }
    DoctorFinding& f =
        Add("op_heads", "error",
            "op head " + h.hex().substr(0, 12) + " names an operation that is missing from the op store",
            parts_.heads->HeadPath(h), true);
    if (options_.repair) {
      // The operation is gone whatever we do; without its head file the
      // repository falls back to the newest operations that remain.
      Status rm = parts_.heads->Remove(h);
      f.repaired = rm.ok();
      f.description += f.repaired ? "; removed the dangling head"
                                  : "; could not remove it: " + rm.error().message();
    }
  }
  if (valid.empty()) {
    DoctorFinding& f =
        Add("op_heads", "error", "the repository has no operation head", parts_.heads->Location());
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
            parts_.heads->Location());
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
Result<size_t> DoctorRun::RecoverHeads() {
  OpStore& ops = *parts_.ops;
  JVS_ASSIGN_OR_RETURN(auto ids, integrity_internal::NoneIfMissing(ops.ListOperations()));
  std::sort(ids.begin(), ids.end());
  std::vector<OperationId> all;
  std::unordered_set<OperationId, IdHash> parents;
  for (const auto& id : ids) {
    auto op = ops.ReadOperation(id);
    if (!op.ok()) continue;  // damaged: reported by the object walk
    all.push_back(id);
    for (const auto& p : op->parents) parents.insert(p);
  }
  size_t made = 0;
  for (const auto& id : all) {
    if (parents.count(id)) continue;
    JVS_TRY(parts_.heads->Add(id));
    made++;
  }
  if (made > 0) JVS_TRY(parts_.heads->Sync());
  return made;
}

}  // namespace jvs::doctor_internal
