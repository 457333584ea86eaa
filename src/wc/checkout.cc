// Checkout: applies a tree diff to a directory in place (limits, preflight,
// staging, apply, materialise). Over 400 lines on purpose: the steps share
// their crash-safety ordering and are easier to check together.
#include "wc/checkout.h"

#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>

#include "jvs/base/fault.h"
#include "jvs/base/hash.h"
#include "jvs/base/interrupt.h"
#include "jvs/base/thread_pool.h"

namespace jvs {

namespace {
bool IsFileKind(EntryKind k) { return k == EntryKind::kFile || k == EntryKind::kExecutable; }
mode_t ModeFor(const TreeEntry& e) { return static_cast<mode_t>(e.EffectiveMode()); }
// Files are created readable and writable by their owner while content goes in;
// the recorded mode is set once it is complete.
constexpr mode_t kCreateMode = 0600;
}  // namespace

Checkout::Checkout(Env* env, Store& store, CloneEngine& engine, fs::path workspace, fs::path control_dir)
    : env_(env), store_(store), engine_(engine), workspace_(std::move(workspace)),
      staging_(control_dir / ("staging-" + std::to_string(::getpid()))) {}

Checkout::~Checkout() { Abandon(); }

void Checkout::Abandon() {
  if (!staged_.empty() || env_->Exists(staging_)) (void)env_->RemoveAll(staging_);
  staged_.clear();
}

Status Checkout::FaultPoint(const char* step) const {
  if (!fault::Armed()) return OkStatus();
  return fault::Point(fault_flow_ + "." + step);
}

bool Checkout::NeedsContent(const TreeChange& c) {
  if (!c.new_entry || !IsFileKind(c.new_entry->kind)) return false;
  // Only the executable bit changed: a chmod, no content to move.
  if (c.old_entry && IsFileKind(c.old_entry->kind) && c.old_entry->id == c.new_entry->id) return false;
  return true;
}

Result<std::string> Checkout::ReadLinkTarget(const TreeChange& c) {
  const TreeEntry& e = *c.new_entry;
  JVS_ASSIGN_OR_RETURN(std::string target, store_.ReadBlob(BlobId(e.id), 1 << 20));
  if (target.empty() || target.size() != e.size || target.find('\0') != std::string::npos)
    return Error(ErrorCode::kCorrupt,
                 "symlink '" + c.path.str() + "': its target in blob " + BlobId(e.id).hex().substr(0, 12) +
                     " is empty, contains NUL or does not match the tree entry's size")
        .WithRemedy(Remedy::kFindDamagedObjects);
  if (Sha256Of(target) != e.id)
    return Error(ErrorCode::kCorrupt, "cannot place symlink '" + c.path.str() + "'" +
                                          (source_.empty() ? std::string() : " of " + source_) + ": blob " +
                                          BlobId(e.id).hex() +
                                          " does not match its id (damaged or tampered store object)")
        .WithRemedy(Remedy::kFindDamagedObjects);
  return target;
}

Status Checkout::PlaceBlob(const TreeChange& c, const fs::path& dst) {
  const TreeEntry& e = *c.new_entry;
  Status st = store_.MaterializeBlob(BlobId(e.id), e.size, dst, ModeFor(e), engine_, hash_clones_);
  if (st.ok() || st.error().code() != ErrorCode::kCorrupt) return st;
  // Damaged content never reaches the workspace: name what it would have been.
  return st.error().WithContext("cannot place '" + c.path.str() + "'" +
                                (source_.empty() ? std::string() : " of " + source_));
}

void Checkout::RemoveStaleStaging() {
  // Only the holder of the worktree lock stages: any other staging folder was
  // left by a process that died (killed mid-restore).
  fs::path dir = staging_.parent_path();
  auto dfd = env_->Open(dir, O_RDONLY | O_DIRECTORY);
  if (!dfd.ok()) return;
  auto entries = env_->ReadDir(dfd->get());
  if (!entries.ok()) return;
  for (const auto& e : *entries)
    if (e.name.rfind("staging-", 0) == 0 && e.name != staging_.filename().string()) (void)env_->RemoveAll(dir / e.name);
}

Status Checkout::Stage(const std::vector<TreeChange>& changes, ProgressSink* sink, std::string_view phase) {
  RemoveStaleStaging();
  staged_.assign(changes.size(), "");
  // Symlink targets are read and checked here, before anything is published.
  targets_.assign(changes.size(), std::nullopt);
  for (size_t i = 0; i < changes.size(); ++i) {
    const TreeChange& c = changes[i];
    if (!c.new_entry || c.new_entry->kind != EntryKind::kSymlink) continue;
    JVS_ASSIGN_OR_RETURN(targets_[i], ReadLinkTarget(c));
  }
  std::vector<size_t> todo;
  for (size_t i = 0; i < changes.size(); ++i)
    if (NeedsContent(changes[i])) todo.push_back(i);
  if (todo.empty()) return OkStatus();
  (void)env_->RemoveAll(staging_);
  JVS_TRY(env_->MkdirAll(staging_));
  uint64_t total_bytes = 0;
  for (size_t i : todo) total_bytes += changes[i].new_entry->size;
  ProgressScope progress(sink, phase, todo.size(), total_bytes);
  std::mutex mu;
  std::optional<Error> error;
  ParallelFor(ThreadPool::Shared(), todo.size(), [&](size_t k) {
    {
      std::lock_guard<std::mutex> l(mu);
      if (error) return;
    }
    if (Status c = CheckInterrupt("restoring files"); !c.ok()) {
      std::lock_guard<std::mutex> l(mu);
      if (!error) error = c.error();
      return;
    }
    size_t i = todo[k];
    const TreeEntry& e = *changes[i].new_entry;
    fs::path dst = staging_ / std::to_string(i);
    auto run = [&]() -> Status {
      JVS_TRY(FaultPoint("stage_file"));
      return PlaceBlob(changes[i], dst);
    };
    Status st = run();
    progress.Add(1, e.size);
    std::lock_guard<std::mutex> l(mu);
    if (!st.ok()) {
      if (!error)
        error = st.error().code() == ErrorCode::kCorrupt
                    ? st.error()
                    : st.error().WithContext("staging '" + changes[i].path.str() + "'");
      return;
    }
    staged_[i] = dst.string();
  });
  if (error) {
    Abandon();
    return *error;
  }
  return OkStatus();
}

namespace {
bool RemovedBy(const TreeChange& c) {
  if (!c.old_entry) return false;
  if (!c.new_entry) return true;
  return (c.old_entry->kind == EntryKind::kTree) != (c.new_entry->kind == EntryKind::kTree) ||
         (c.old_entry->kind == EntryKind::kSymlink) != (c.new_entry->kind == EntryKind::kSymlink);
}
}  // namespace

Status Checkout::Preflight(const std::vector<TreeChange>& changes) {
  std::set<std::string> removed;
  for (const auto& c : changes)
    if (RemovedBy(c)) removed.insert(c.path.str());
  // A directory where the target has a file or symlink: Apply first removes
  // every tracked entry below it, then the emptied directory. Anything else
  // in it (untracked, ignored, created since the scan) would stay, so the
  // file could not be placed after the operation is published: refuse now.
  std::set<std::string> dirs_checked;
  auto check_replaced_dir = [&](const RepoPath& dir, EntryKind new_kind) -> Status {
    if (!dirs_checked.insert(dir.str()).second) return OkStatus();
    JVS_ASSIGN_OR_RETURN(std::optional<std::string> kept, FirstKeptEntry(dir, removed));
    if (!kept) return OkStatus();
    return Error(ErrorCode::kRefused,
                 "cannot restore " +
                     std::string(new_kind == EntryKind::kSymlink ? "symlink" : "file") + " '" +
                     dir.str() + "': a directory with untracked files is in the way ('" + *kept +
                     "' is untracked or ignored)",
                 "move '" + *kept + "' out of '" + dir.str() + "', then run the command again");
  };
  std::set<std::string> checked;
  for (const auto& c : changes) {
    if (!c.new_entry) continue;
    RepoPath cur;
    auto comps = c.path.components();
    for (size_t i = 0; i < comps.size(); ++i) {
      cur = cur.Join(comps[i]);
      bool last = i + 1 == comps.size();
      if (removed.count(cur.str())) {  // replaced by this checkout
        if (last && c.old_entry && c.old_entry->kind == EntryKind::kTree &&
            c.new_entry->kind != EntryKind::kTree) {
          auto st = env_->Lstat(cur.ToFsPath(workspace_));
          if (st.ok() && S_ISDIR(st->st_mode)) JVS_TRY(check_replaced_dir(cur, c.new_entry->kind));
        }
        break;
      }
      if (!last && !checked.insert(cur.str()).second) continue;
      auto st = env_->Lstat(cur.ToFsPath(workspace_));
      if (!st.ok()) {
        if (st.error().code() == ErrorCode::kNotFound) break;  // created by Apply
        return st.error();
      }
      if (!last && (S_ISLNK(st->st_mode) || !S_ISDIR(st->st_mode)))
        return Error(ErrorCode::kRefused,
                     "'" + cur.str() + "' in the workspace is " +
                         (S_ISLNK(st->st_mode) ? "a symlink" : "not a directory") +
                         " but the snapshot needs a directory there; refusing to write through it",
                     "move '" + cur.str() + "' away (it may be ignored by .jvsignore)" +
                         (S_ISLNK(st->st_mode) ? ", or restore the path '" + cur.str() +
                                                     "' itself, which replaces the symlink"
                                               : "") +
                         ", then run the command again");
      if (last && c.new_entry->kind != EntryKind::kTree && S_ISDIR(st->st_mode))
        JVS_TRY(check_replaced_dir(cur, c.new_entry->kind));
    }
  }
  return OkStatus();
}

Result<std::optional<std::string>> Checkout::FirstKeptEntry(const RepoPath& dir,
                                                            const std::set<std::string>& removed) {
  // Iterative (explicit stack): a directory stays when it holds an entry this
  // checkout does not remove, or when it is empty and not itself removed
  // (Apply removes only tracked entries and the directories they emptied).
  // Stops at the first entry that stays, so the cost follows the removals.
  std::vector<RepoPath> todo{dir};
  while (!todo.empty()) {
    RepoPath d = std::move(todo.back());
    todo.pop_back();
    JVS_ASSIGN_OR_RETURN(UniqueFd dfd,
                         env_->Open(d.ToFsPath(workspace_), O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    JVS_ASSIGN_OR_RETURN(auto names, env_->ReadDir(dfd.get()));
    if (names.empty() && !removed.count(d.str())) return std::optional<std::string>(d.str());
    std::sort(names.begin(), names.end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    for (const auto& n : names) {
      if (!ValidateName(n.name).ok())
        return std::optional<std::string>(d.str() + "/" + n.name);  // never tracked
      RepoPath p = d.Join(n.name);
      auto st = env_->LstatAt(dfd.get(), n.name.c_str());
      if (!st.ok()) {
        if (st.error().code() == ErrorCode::kNotFound) continue;  // gone meanwhile
        return st.error();
      }
      if (S_ISDIR(st->st_mode)) {
        todo.push_back(std::move(p));
      } else if (!removed.count(p.str())) {
        return std::optional<std::string>(p.str());
      }
    }
  }
  return std::optional<std::string>();
}

Status Checkout::CheckLimits(const std::vector<TreeChange>& changes) const {
  // A temp name (".jvs-tmp-<pid>-<n>") may be placed beside any entry.
  constexpr size_t kTempName = 40;
  const size_t base = workspace_.string().size() + 1;
  for (const auto& c : changes) {
    if (!c.new_entry) continue;
    const std::string& p = c.path.str();
    size_t depth = 0;
    size_t name_start = 0;
    for (size_t k = 0; k <= p.size(); ++k) {
      if (k < p.size() && p[k] != '/') continue;
      if (k - name_start > NAME_MAX)
        return Error(ErrorCode::kUnsupported,
                     "cannot write '" + p.substr(0, 200) + "': a name is longer than " +
                         std::to_string(NAME_MAX) + " bytes",
                     "nothing was changed; the snapshot cannot be materialised on this filesystem");
      ++depth;
      name_start = k + 1;
    }
    if (depth > kMaxTreeDepth + 1)  // kMaxTreeDepth directories, then the entry
      return Error(ErrorCode::kUnsupported,
                   "cannot write '" + p.substr(0, 200) + "...': it is " + std::to_string(depth) +
                       " levels deep (the limit is " + std::to_string(kMaxTreeDepth) + ")",
                   "nothing was changed; the snapshot cannot be materialised on a filesystem");
    const size_t leaf = p.size() - (p.rfind('/') == std::string::npos ? 0 : p.rfind('/') + 1);
    const size_t need = base + p.size() - leaf + std::max(leaf, kTempName);
    if (need >= PATH_MAX)
      return Error(ErrorCode::kUnsupported,
                   "cannot write '" + p.substr(0, 200) + "...': its path in the workspace would be " +
                       std::to_string(base + p.size()) + " bytes long (the limit is " +
                       std::to_string(PATH_MAX - 1 - (std::max(leaf, kTempName) - leaf)) + ")",
                   "nothing was changed; restore it into a worktree with a shorter path, or restore "
                   "only some paths");
  }
  return OkStatus();
}

Status Checkout::EnsureRealDir(const RepoPath& dir, bool create) {
  RepoPath cur;
  for (std::string_view comp : dir.components()) {
    cur = cur.Join(comp);
    if (verified_dirs_.count(cur.str())) continue;
    fs::path p = cur.ToFsPath(workspace_);
    auto st = env_->Lstat(p);
    if (!st.ok()) {
      if (st.error().code() != ErrorCode::kNotFound || !create) return st.error();
      JVS_TRY(env_->Mkdir(p));
      created_dirs_.insert(cur.str());
    } else if (S_ISLNK(st->st_mode) || !S_ISDIR(st->st_mode)) {
      return Error(ErrorCode::kRefused,
                   "'" + cur.str() + "' in the workspace is " + (S_ISLNK(st->st_mode) ? "a symlink" : "not a directory") +
                       " but the snapshot needs a directory there; refusing to write through it",
                   "move '" + cur.str() + "' away (it may be ignored by .jvsignore), then run the command again");
    }
    verified_dirs_.insert(cur.str());
  }
  return OkStatus();
}

Result<CheckoutStats> Checkout::Materialize(const std::vector<TreeChange>& changes, const TreeGetter& get,
                                            const TreeId& target_root, ProgressSink* sink,
                                            std::string_view phase) {
  CheckoutStats stats;
  // Directories first, parents before children (sorted paths put a parent
  // before anything below it). mkdir fails on anything already there, so
  // nothing is ever written through a symlink planted meanwhile.
  std::set<std::string> made;
  auto make_dir = [&](const RepoPath& dir) -> Status {
    RepoPath cur;
    for (std::string_view comp : dir.components()) {
      cur = cur.Join(comp);
      if (!made.insert(cur.str()).second) continue;
      JVS_TRY(env_->Mkdir(cur.ToFsPath(workspace_)));
      created_dirs_.insert(cur.str());
    }
    return OkStatus();
  };
  std::vector<size_t> files;
  for (size_t i = 0; i < changes.size(); ++i) {
    const TreeChange& c = changes[i];
    if (c.old_entry || !c.new_entry)
      return Error(ErrorCode::kInternal, "materialize into a fresh directory got a change of '" + c.path.str() + "'");
    if (c.new_entry->kind == EntryKind::kTree) {
      JVS_TRY(make_dir(c.path));
    } else {
      JVS_TRY(make_dir(c.path.parent()));
      files.push_back(i);
    }
  }
  uint64_t total_bytes = 0;
  for (size_t i : files) total_bytes += changes[i].new_entry->size;
  ProgressScope progress(sink, phase, files.size(), total_bytes);
  std::vector<std::optional<FileState>> states(changes.size());
  std::vector<char> placed(changes.size(), 0);  // written into the workspace
  std::mutex mu;
  std::optional<Error> error;
  std::atomic<uint64_t> bytes{0};
  ParallelFor(ThreadPool::Shared(), files.size(), [&](size_t k) {
    {
      std::lock_guard<std::mutex> l(mu);
      if (error) return;
    }
    size_t i = files[k];
    const TreeEntry& e = *changes[i].new_entry;
    fs::path dst = changes[i].path.ToFsPath(workspace_);
    auto run = [&]() -> Status {
      JVS_TRY(FaultPoint("materialize_file"));
      if (e.kind == EntryKind::kSymlink) {
        JVS_ASSIGN_OR_RETURN(std::string target, ReadLinkTarget(changes[i]));
        JVS_TRY(env_->Symlink(target, dst));
        placed[i] = 1;
        JVS_ASSIGN_OR_RETURN(struct stat st, env_->Lstat(dst));
        states[i] = FileStateFromStat(st, e.kind, e.id);
        progress.Add(1, e.size);
        return OkStatus();
      }
      JVS_TRY(PlaceBlob(changes[i], dst));
      placed[i] = 1;
      JVS_ASSIGN_OR_RETURN(struct stat st, env_->Lstat(dst));
      states[i] = FileStateFromStat(st, e.kind, e.id);
      bytes.fetch_add(e.size, std::memory_order_relaxed);
      progress.Add(1, e.size);
      return OkStatus();
    };
    Status st = run();
    if (!st.ok()) {
      std::lock_guard<std::mutex> l(mu);
      if (!error)
        error = st.error().code() == ErrorCode::kCorrupt
                    ? st.error()
                    : st.error().WithContext("writing '" + changes[i].path.str() + "'");
    }
  });
  if (error) {
    // Nothing half-written stays: what this call wrote goes, then the
    // directories it made (deepest first; a directory it did not make stays).
    for (size_t i : files)
      if (placed[i]) (void)env_->Unlink(changes[i].path.ToFsPath(workspace_));
    for (auto it = created_dirs_.rbegin(); it != created_dirs_.rend(); ++it) {
      JVS_ASSIGN_OR_RETURN(RepoPath rp, RepoPath::Parse(*it));
      (void)env_->Rmdir(rp.ToFsPath(workspace_));
    }
    created_dirs_.clear();
    return *error;
  }
  JVS_TRY(SetDirModes(changes, get, target_root));  // after the content: a 0500 directory is filled first
  for (size_t i : files) {
    stats.written.emplace_back(changes[i].path.str(), *states[i]);
    stats.files_written++;
  }
  stats.bytes_written = bytes.load();
  return stats;
}

Result<CheckoutStats> Checkout::Apply(const std::vector<TreeChange>& changes, const TreeGetter& get,
                                      const TreeId& target_root) {
  CheckoutStats stats;
  // 0. Directories written into must be writable by the owner for a while.
  JVS_TRY(OpenDirsForWriting(changes));
  // 1. Removals, deepest first: entries that go away or change between
  //    file/symlink and directory.
  std::set<std::string> parents_to_check;
  std::set<std::string> not_empty;  // removed directories that still held something
  for (size_t k = changes.size(); k-- > 0;) {
    const TreeChange& c = changes[k];
    if (!c.old_entry) continue;
    bool kind_flip = c.new_entry && ((c.old_entry->kind == EntryKind::kTree) !=
                                     (c.new_entry->kind == EntryKind::kTree));
    bool symlink_flip = c.new_entry && ((c.old_entry->kind == EntryKind::kSymlink) !=
                                        (c.new_entry->kind == EntryKind::kSymlink));
    if (c.new_entry && !kind_flip && !symlink_flip) continue;
    JVS_TRY(FaultPoint("apply_file"));  // removals count as applied entries too
    fs::path p = c.path.ToFsPath(workspace_);
    if (Status guard = EnsureRealDir(c.path.parent(), false); !guard.ok()) {
      if (guard.error().code() == ErrorCode::kNotFound) continue;  // already gone
      return guard.error();
    }
    Status st = c.old_entry->kind == EntryKind::kTree ? env_->Rmdir(p) : env_->Unlink(p);
    if (!st.ok() && st.error().code() != ErrorCode::kNotFound) {
      if (c.old_entry->kind == EntryKind::kTree && st.error().code() == ErrorCode::kAlreadyExists) {
        // Not empty yet: its emptied subdirectories go below; judged after them.
        not_empty.insert(c.path.str());
        parents_to_check.insert(c.path.str());
      } else {
        return st.error();
      }
    } else {
      stats.files_removed++;
    }
    for (RepoPath d = c.path.parent(); !d.is_root(); d = d.parent()) parents_to_check.insert(d.str());
  }
  // Directories the target no longer has are removed once empty (deepest first).
  std::vector<std::string> dirs(parents_to_check.begin(), parents_to_check.end());
  std::sort(dirs.begin(), dirs.end(), [](const std::string& a, const std::string& b) {
    return std::count(a.begin(), a.end(), '/') > std::count(b.begin(), b.end(), '/');
  });
  for (const auto& d : dirs) {
    JVS_ASSIGN_OR_RETURN(RepoPath rp, RepoPath::Parse(d));
    JVS_ASSIGN_OR_RETURN(auto in_target, LookupPath(get, target_root, rp));
    if (in_target && in_target->kind == EntryKind::kTree) continue;
    if (!EnsureRealDir(rp.parent(), false).ok()) continue;
    auto st = env_->Lstat(rp.ToFsPath(workspace_));
    if (!st.ok() || !S_ISDIR(st->st_mode)) continue;
    Status removed_dir = env_->Rmdir(rp.ToFsPath(workspace_));  // ENOTEMPTY: untracked files stay
    verified_dirs_.erase(rp.str());
    if (not_empty.count(d)) {
      if (removed_dir.ok())
        stats.files_removed++;
      else
        stats.warnings.push_back("kept directory '" + d + "': it holds untracked files");
    }
  }
  // 2. Additions and modifications, parents first.
  for (size_t i = 0; i < changes.size(); ++i) {
    const TreeChange& c = changes[i];
    if (!c.new_entry) continue;
    const TreeEntry& e = *c.new_entry;
    fs::path dst = c.path.ToFsPath(workspace_);
    if (e.kind == EntryKind::kTree) {
      JVS_TRY(EnsureRealDir(c.path, true));
      continue;
    }
    JVS_TRY(FaultPoint("apply_file"));
    JVS_TRY(EnsureRealDir(c.path.parent(), true));
    if (auto cur = env_->Lstat(dst); cur.ok() && S_ISDIR(cur->st_mode)) {
      // A directory the snapshot does not have (untracked content kept it alive).
      return Error(ErrorCode::kRefused,
                   "cannot restore file '" + c.path.str() + "': a directory with untracked files is in the way",
                   "move '" + c.path.str() + "' away, then run the command again");
    }
    if (e.kind == EntryKind::kSymlink) {
      std::string target;
      if (targets_.size() > i && targets_[i]) {
        target = *targets_[i];
      } else {
        JVS_ASSIGN_OR_RETURN(target, ReadLinkTarget(c));
      }
      fs::path tmp = dst.parent_path() / (".jvs-tmp-" + std::to_string(::getpid()) + "-" + std::to_string(i));
      (void)env_->Unlink(tmp);
      JVS_TRY(env_->Symlink(target, tmp));
      Status st = env_->Rename(tmp, dst);
      if (!st.ok()) {
        (void)env_->Unlink(tmp);
        return st.error();
      }
    } else if (staged_.size() > i && !staged_[i].empty()) {
      Status st = env_->Rename(staged_[i], dst);
      if (!st.ok() && st.error().code() == ErrorCode::kUnsupported) {
        // Staging on another filesystem (EXDEV): copy into a temp beside dst
        // (the staged file, whose content was checked when it was staged).
        fs::path tmp = dst.parent_path() / (".jvs-tmp-" + std::to_string(::getpid()) + "-" + std::to_string(i));
        JVS_ASSIGN_OR_RETURN(UniqueFd src, env_->Open(staged_[i], O_RDONLY));
        JVS_ASSIGN_OR_RETURN(UniqueFd out, env_->Open(tmp, O_WRONLY | O_CREAT | O_TRUNC, kCreateMode));
        JVS_TRY(engine_.CloneContent(env_, src.get(), out.get(), e.size));
        JVS_TRY(env_->Fchmod(out.get(), ModeFor(e)));
        out.reset();
        st = env_->Rename(tmp, dst);
      }
      if (!st.ok()) return st.error().WithContext("placing '" + c.path.str() + "'");
      stats.bytes_written += e.size;
    } else {
      // Same content, only the mode differs.
      JVS_TRY(env_->Chmod(dst, ModeFor(e)));
    }
    stats.files_written++;
    JVS_ASSIGN_OR_RETURN(struct stat st, env_->Lstat(dst));
    stats.written.emplace_back(c.path.str(), FileStateFromStat(st, e.kind, e.id));
  }
  // 3. Directory modes, once their content is in place.
  JVS_TRY(SetDirModes(changes, get, target_root));
  Abandon();
  return stats;
}

}  // namespace jvs
