// Repo: init, open (format, identity, type files, engine), locks, op heads and
// publishing. Over 400 lines on purpose: opening and publishing are one
// sequence of checks whose order matters for crash safety; the merge of
// concurrent operations lives apart in view_merge.cc.
#include "jvs/repo/repo.h"

#include <unistd.h>

#include <algorithm>
#include <set>

#include "engine/select.h"
#include "jvs/base/dag_walk.h"
#include "jvs/base/fault.h"
#include "jvs/base/hash.h"
#include "jvs/repo/operations.h"
#include "jvs/repo/transaction.h"
#include "jvs/base/repo_path.h"
#include "jvs/base/timeutil.h"

namespace jvs {

RepoFormat ReadRepoFormat(Env* env, const fs::path& control) {
  RepoFormat f;
  auto data = env->ReadFile(control / "format", 64);
  if (!data.ok()) return f;  // kMissing
  f.text = *data;
  while (!f.text.empty() && (f.text.back() == '\n' || f.text.back() == ' ')) f.text.pop_back();
  const std::string& s = f.text;
  if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), ::isdigit) || std::stoi(s) < 1) {
    f.state = RepoFormat::State::kMalformed;
    return f;
  }
  f.version = std::stoi(s);
  f.state = f.version > kRepoFormatVersion ? RepoFormat::State::kTooNew : RepoFormat::State::kOk;
  return f;
}

Status CheckRepoFormat(const RepoFormat& f, const fs::path& control, std::string_view verb) {
  switch (f.state) {
    case RepoFormat::State::kOk:
      return OkStatus();
    case RepoFormat::State::kMissing:
      return Error(ErrorCode::kCorrupt, "'" + (control / "format").string() + "' is missing",
                   "this .jvs folder is damaged or not a jvs repository")
          .WithRemedy(Remedy::kInspectRepository);
    case RepoFormat::State::kMalformed:
      return Error(ErrorCode::kCorrupt, "repository format file is malformed");
    case RepoFormat::State::kTooNew:
      break;
  }
  return Error(ErrorCode::kFormatTooNew,
               "repository format " + std::to_string(f.version) + " is newer than this jvs supports (" +
                   std::to_string(kRepoFormatVersion) + ")",
               "upgrade jvs to " + std::string(verb) + " this repository");
}

Repo::~Repo() = default;

void AddPin(View* view, const SnapshotId& id) {
  auto it = std::lower_bound(view->pins.begin(), view->pins.end(), id);
  if (it == view->pins.end() || *it != id) view->pins.insert(it, id);
}

void AddHeads(View* view, const std::vector<SnapshotId>& added, const std::vector<SnapshotId>& replaced) {
  std::set<SnapshotId> heads(view->heads.begin(), view->heads.end());
  for (const auto& r : replaced) heads.erase(r);
  for (const auto& a : added) heads.insert(a);
  view->heads.assign(heads.begin(), heads.end());
}

Result<std::unique_ptr<Repo>> Repo::Init(Env* env, const InitOptions& options, const Settings& settings) {
  fs::path root = options.root;
  fs::path control = root / kControlDirName;
  if (env->Exists(control))
    return Error(ErrorCode::kAlreadyExists, "'" + root.string() + "' already holds a jvs repository",
                 "use it as it is, or choose another directory");
  JVS_TRY(env->MkdirAll(root));
  JVS_TRY(env->MkdirAll(options.workspace));
  // Build everything in a temp folder and rename it into place: a crash
  // leaves either no repository or a complete one.
  fs::path tmp = root / (".jvs-init-" + std::to_string(::getpid()));
  (void)env->RemoveAll(tmp);
  auto build = [&]() -> Status {
    // Owner only: the store holds the content of every snapshotted file, so
    // another user must not read it whatever the files' own modes say.
    JVS_TRY(env->Mkdir(tmp, 0700));
    JVS_TRY(env->Chmod(tmp, 0700));
    JVS_TRY(env->WriteFileAtomic(tmp / "format", std::to_string(kRepoFormatVersion) + "\n"));
    std::string repo_id;
    if (settings.random_seed) {
      std::mt19937_64 rng(*settings.random_seed ^ 0x5eed);
      uint64_t a = rng(), b = rng();
      repo_id = ToHex(reinterpret_cast<uint8_t*>(&a), 8) + ToHex(reinterpret_cast<uint8_t*>(&b), 8);
    } else {
      std::random_device rd;
      uint8_t buf[16];
      for (auto& c : buf) c = static_cast<uint8_t>(rd());
      repo_id = ToHex(buf, 16);
    }
    JVS_TRY(env->WriteFileAtomic(tmp / "repo_id", repo_id + "\n"));
    JVS_TRY(Store::Create(env, StoreDir(tmp)));
    JVS_TRY(CreateOpStore(env, OpStoreDir(tmp)));
    JVS_TRY(CreateOpHeads(env, OpHeadsDir(tmp)));
    JVS_TRY(env->MkdirAll(tmp / "worktrees" / kMainWorktree));
    JVS_TRY(env->Mkdir(tmp / "tmp"));
    std::error_code ec;
    fs::path rel = fs::relative(options.workspace, root, ec);
    if (ec || rel.empty()) rel = ".";
    JVS_TRY(env->WriteFileAtomic(tmp / "worktrees" / kMainWorktree / "path", rel.string() + "\n"));
    std::string gitignore_note =
        "# jvs control folder: do not edit by hand. See docs/formats.md.\n";
    JVS_TRY(env->WriteFileAtomic(tmp / "README", gitignore_note));
    // The root operation: a view with an empty main worktree.
    View view;
    view.worktrees[kMainWorktree] = WorktreeView{};
    JVS_ASSIGN_OR_RETURN(std::unique_ptr<OpStore> ops, OpenOpStore(env, OpStoreDir(tmp)));
    JVS_ASSIGN_OR_RETURN(std::unique_ptr<OpHeads> heads, OpenOpHeads(env, OpHeadsDir(tmp)));
    JVS_ASSIGN_OR_RETURN(ViewId vid, ops->WriteView(view));
    Operation op;
    op.view = vid;
    int64_t now = settings.pinned_time_ns ? *settings.pinned_time_ns : env->NowNanos();
    op.metadata = {FormatRfc3339(now), FormatRfc3339(now), settings.user, settings.host,
                   static_cast<int64_t>(::getpid()), settings.command, "initialize repository", {}};
    JVS_ASSIGN_OR_RETURN(OperationId oid, ops->WriteOperation(op));
    JVS_TRY(heads->Add(oid));
    JVS_ASSIGN_OR_RETURN(UniqueFd fd, env->Open(tmp, O_RDONLY | O_DIRECTORY));
    JVS_TRY(env->SyncFs(fd.get()));
    return env->RenameNoReplace(tmp, control);
  };
  Status st = build();
  if (!st.ok()) {
    (void)env->RemoveAll(tmp);
    return st.error();
  }
  std::unique_ptr<Repo> repo(new Repo(env, settings));
  JVS_TRY(repo->OpenAt(root));
  return repo;
}

Result<fs::path> FindRepoRoot(Env* env, const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec);
  if (ec) return Error(ErrorCode::kNotFound, "cannot resolve '" + start.string() + "'");
  dir = dir.lexically_normal();
  if (dir.has_filename() == false && dir != dir.root_path()) dir = dir.parent_path();
  fs::path found;
  for (fs::path p = dir;; p = p.parent_path()) {
    auto st = env->Stat(p / kControlDirName);
    if (st.ok() && S_ISDIR(st->st_mode)) {
      found = p;
      break;
    }
    if (st.ok() && S_ISREG(st->st_mode)) {
      // A worktree outside the repository root: `.jvs` names the repository.
      auto text = env->ReadFile(p / kControlDirName, 4096);
      const std::string prefix = "jvs-repo: ";
      if (text.ok() && text->rfind(prefix, 0) == 0) {
        std::string root = text->substr(prefix.size());
        while (!root.empty() && (root.back() == '\n' || root.back() == '\r')) root.pop_back();
        auto rst = env->Stat(fs::path(root) / kControlDirName);
        if (rst.ok() && S_ISDIR(rst->st_mode)) {
          found = root;
          break;
        }
      }
      return Error(ErrorCode::kNotARepository,
                   "'" + (p / kControlDirName).string() + "' points to a repository that is gone",
                   "the worktree's repository was moved or deleted; pass --repo PATH");
    }
    if (p == p.root_path() || p.empty()) break;
  }
  if (found.empty())
    return Error(ErrorCode::kNotARepository,
                 "not inside a jvs repository: '" + dir.string() + "'")
        .WithRemedy(Remedy::kCreateRepository);
  return found;
}

Result<fs::path> Repo::FindRoot(Env* env, const fs::path& start) { return FindRepoRoot(env, start); }

Result<std::unique_ptr<Repo>> Repo::Open(Env* env, const fs::path& start, const Settings& settings,
                                         std::optional<std::string> at_op) {
  JVS_ASSIGN_OR_RETURN(fs::path found, FindRepoRoot(env, start));
  std::unique_ptr<Repo> repo(new Repo(env, settings));
  if (at_op) {
    repo->read_only_ = true;
    JVS_TRY(repo->OpenAt(found));
    auto& ops = *repo->op_store_;
    JVS_ASSIGN_OR_RETURN(OperationId target, ResolveOperation(*repo, *at_op));
    JVS_ASSIGN_OR_RETURN(repo->op_, ops.ReadOperation(target));
    JVS_ASSIGN_OR_RETURN(repo->view_, ops.ReadView(repo->op_.view));
    repo->op_id_ = target;
    return repo;
  }
  JVS_TRY(repo->OpenAt(found));
  return repo;
}

Status Repo::OpenAt(const fs::path& root) {
  root_ = root;
  fs::path control = control_dir();
  JVS_TRY(CheckRepoFormat(ReadRepoFormat(env_, control), control, "open"));
  auto id = env_->ReadFile(control / "repo_id", 256);
  if (!id.ok())
    return Error(ErrorCode::kCorrupt, "repository id file is missing").WithRemedy(Remedy::kInspectRepository);
  repo_id_ = *id;
  while (!repo_id_.empty() && repo_id_.back() == '\n') repo_id_.pop_back();
  JVS_ASSIGN_OR_RETURN(store_, Store::Open(env_, StoreDir(control)));
  store_->backend().set_host(settings_.host);  // in temp names, beside the pid
  JVS_ASSIGN_OR_RETURN(op_store_, OpenOpStore(env_, OpStoreDir(control), &store_->sync_set()));
  JVS_ASSIGN_OR_RETURN(op_heads_, OpenOpHeads(env_, OpHeadsDir(control)));
  JVS_TRY(TakeGcLock());
  JVS_TRY(op_store_->LoadHorizon());
  start_ns_ = NowNanos();
  JVS_TRY(SelectEngine());
  return LoadHeads();
}

Status Repo::TakeGcLock() {
  auto fd = env_->Open(control_dir() / "gc.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (!fd.ok()) {
    // A repository this user cannot write to (read-only mount, other owner):
    // reading it needs no lock, and writing fails anyway.
    if (fd.error().code() == ErrorCode::kPermissionDenied) return OkStatus();
    return fd.error();
  }
  Status st = env_->Flock(fd->get(), /*exclusive=*/false, settings_.lock_wait);
  if (!st.ok()) {
    if (st.error().code() == ErrorCode::kLocked)
      return Error(ErrorCode::kLocked,
                   "the repository is busy: a gc is deleting objects (waited " +
                       std::to_string(settings_.lock_wait.count()) + " ms)",
                   "run the command again when it has finished")
          .WithRemedy(Remedy::kRaiseLockWait);
    return st;
  }
  gc_lock_ = std::move(fd).value();
  return OkStatus();
}

Status Repo::LockRepositoryExclusive() {
  // flock converts shared to exclusive by dropping the shared lock first, so
  // while this waits the repository is not locked by us at all; nothing has
  // been read yet that could go stale (the caller re-reads after).
  if (!gc_lock_.valid())
    return Error(ErrorCode::kPermissionDenied, "cannot lock the repository (no write access to .jvs)",
                 "run the command as a user who can write to the repository");
  Status st = env_->Flock(gc_lock_.get(), /*exclusive=*/true, settings_.lock_wait);
  if (!st.ok() && st.error().code() == ErrorCode::kLocked)
    return Error(ErrorCode::kLocked,
                 "other jvs commands are using the repository (waited " +
                     std::to_string(settings_.lock_wait.count()) + " ms for them to finish)",
                 "")
        .WithRemedy(Remedy::kRunGcLater)
        .WithRemedy(Remedy::kRaiseLockWait);
  return st;
}

Status Repo::SelectEngine() {
  JVS_ASSIGN_OR_RETURN(EngineChoice choice, ChooseEngine(env_, control_dir(), settings_.engine, settings_.engine_origin,
                                                               settings_.program_path));
  engine_ = std::move(choice.engine);
  engine_reason_ = std::move(choice.reason);
  if (!choice.warning.empty()) warnings_.push_back(std::move(choice.warning));
  return OkStatus();
}

Status Repo::Reload() {
  if (read_only_) return OkStatus();
  return LoadHeads();
}

Status Repo::LoadHeads() {
  JVS_ASSIGN_OR_RETURN(auto heads, op_heads_->List());
  if (heads.empty())
    return Error(ErrorCode::kCorrupt, "the repository has no operation head",
                 "the latest operation can be recovered")
        .WithRemedy(Remedy::kRepairRepository);
  if (heads.size() > 1 && read_only_) {
    // --at-op never writes: "@" is the newest head.
    std::optional<Operation> newest;
    for (const auto& h : heads) {
      JVS_ASSIGN_OR_RETURN(Operation op, op_store_->ReadOperation(h));
      if (!newest || op.metadata.end_time > newest->metadata.end_time) {
        newest = op;
        op_id_ = h;
      }
    }
    op_ = *newest;
    JVS_ASSIGN_OR_RETURN(view_, op_store_->ReadView(op_.view));
    return OkStatus();
  }
  if (heads.size() > 1) return MergeHeads(heads);
  JVS_ASSIGN_OR_RETURN(op_, op_store_->ReadOperation(heads[0]));
  JVS_ASSIGN_OR_RETURN(view_, op_store_->ReadView(op_.view));
  op_id_ = heads[0];
  return OkStatus();
}

Result<OperationId> Repo::Publish(View view, std::string description,
                                  std::map<std::string, std::string> attributes) {
  Transaction tx(*this);
  tx.SetView(std::move(view));
  for (auto& [k, v] : attributes) tx.SetAttribute(k, std::move(v));
  return tx.Commit(std::move(description));
}

Result<OperationId> Repo::PublishOperation(View view, std::string description,
                                           std::map<std::string, std::string> attributes,
                                           std::map<SnapshotId, std::vector<SnapshotId>> predecessors) {
  if (read_only_)
    return Error(ErrorCode::kRefused, "cannot change the repository while looking at an earlier operation",
                 "drop --at-op to run commands that change the repository");
  JVS_ASSIGN_OR_RETURN(ViewId vid, op_store_->WriteView(view));
  JVS_FAULT("publish.after_view");
  Operation op;
  op.parents = {op_id_};
  op.view = vid;
  op.metadata = {FormatRfc3339(start_ns_), Now(), settings_.user, settings_.host,
                 static_cast<int64_t>(::getpid()), settings_.command, std::move(description),
                 std::move(attributes)};
  op.predecessors = std::move(predecessors);
  JVS_ASSIGN_OR_RETURN(OperationId oid, op_store_->WriteOperation(op));
  JVS_FAULT("publish.after_op");
  // One durability barrier for every object of this operation, then the head.
  JVS_TRY(store_->Sync());
  JVS_FAULT("publish.after_barrier");
  JVS_TRY(op_heads_->Add(oid));
  // From here on the operation is published: a failure is a warning, never
  // the command's error (a retry would repeat the operation).
  if (Status f = fault::Point("publish.after_new_head"); !f.ok()) {
    // As if the old head could not be removed: two heads, one an ancestor.
    warnings_.push_back("the operation was recorded, but the previous head could not be removed: " +
                        f.error().message());
  } else {
    op_heads_->RemoveOld(oid, {op_id_});
  }
  {
    Status st = fault::Point("publish.after_remove_old_head");
    if (st.ok()) st = op_heads_->Sync();
    if (!st.ok())
      warnings_.push_back("the operation was recorded but may not survive a power loss: " + st.error().message());
  }
  op_id_ = oid;
  op_ = std::move(op);
  view_ = std::move(view);
  return oid;
}

std::vector<std::string> Repo::WorktreeNames() const {
  std::vector<std::string> out;
  for (const auto& [name, wt] : view_.worktrees) out.push_back(name);
  return out;
}

Result<fs::path> Repo::WorktreePath(const std::string& name) const {
  auto data = env_->ReadFile(WorktreeControlDir(name) / "path", 4096);
  if (!data.ok())
    return Error(ErrorCode::kNotFound, "worktree '" + name + "' does not exist")
        .WithRemedy(Remedy::kListWorktrees);
  std::string rel = *data;
  while (!rel.empty() && rel.back() == '\n') rel.pop_back();
  if (rel == "." || rel.empty()) return root_;
  fs::path p = fs::path(rel).is_absolute() ? fs::path(rel) : (root_ / rel);
  p = p.lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  return p;
}

std::string Repo::WorktreeForPath(const fs::path& path) const {
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(path, ec), ec);
  std::string best = kMainWorktree;
  size_t best_len = 0;
  // Every recorded worktree directory counts, also one the current view no
  // longer has (then opening it says so instead of silently using main).
  std::vector<std::string> names = WorktreeNames();
  if (auto dfd = env_->Open(control_dir() / "worktrees", O_RDONLY | O_DIRECTORY); dfd.ok())
    if (auto entries = env_->ReadDir(dfd->get()); entries.ok())
      for (const auto& e : *entries) names.push_back(e.name);
  for (const auto& name : names) {
    auto wp = WorktreePath(name);
    if (!wp.ok()) continue;
    fs::path w = fs::weakly_canonical(*wp, ec);
    auto [a, b] = std::mismatch(w.begin(), w.end(), abs.begin(), abs.end());
    (void)b;
    if (a == w.end()) {
      size_t len = w.string().size();
      if (len > best_len) {
        best_len = len;
        best = name;
      }
    }
  }
  return best;
}

Result<UniqueFd> Repo::LockWorktree(const std::string& name) {
  fs::path dir = WorktreeControlDir(name);
  JVS_TRY(env_->MkdirAll(dir));
  auto fd = env_->LockFile(dir / "lock", settings_.lock_wait);
  if (!fd.ok() && fd.error().code() == ErrorCode::kLocked)
    return Error(ErrorCode::kLocked,
                 "worktree '" + name + "' is locked by another jvs command (waited " +
                     std::to_string(settings_.lock_wait.count()) + " ms)",
                 "wait for the other command to finish")
        .WithRemedy(Remedy::kRaiseLockWait);
  // Whoever holds a lock cleans up after killed commands: temp files that a
  // process of this host left in the store when it died (best effort).
  if (fd.ok()) (void)store_->backend().RemoveTempsOfDeadWriters();
  return fd;
}

int64_t Repo::NowNanos() {
  return settings_.pinned_time_ns ? *settings_.pinned_time_ns : env_->NowNanos();
}

std::string Repo::Now() { return FormatRfc3339(NowNanos()); }

std::string Repo::NewChangeId() {
  uint8_t buf[16];
  if (settings_.random_seed) {
    if (!rng_) {
      // Mix the seed with the current operation so that successive commands
      // under the same seed still get distinct, reproducible ids.
      uint64_t mix;
      std::memcpy(&mix, op_id_.bytes().data(), sizeof(mix));
      rng_.emplace(*settings_.random_seed ^ mix);
    }
    for (int i = 0; i < 16; i += 8) {
      uint64_t v = (*rng_)();
      std::memcpy(buf + i, &v, 8);
    }
  } else {
    std::random_device rd;
    for (auto& c : buf) c = static_cast<uint8_t>(rd());
  }
  return ToHex(buf, 16);
}

Result<std::vector<SnapshotId>> Repo::AllVisibleSnapshots() {
  return ReachableBreadthFirst<SnapshotId, IdHash>(
      view_.ReferencedSnapshots(), [this](const SnapshotId& id) -> Result<std::vector<SnapshotId>> {
        JVS_ASSIGN_OR_RETURN(auto snap, store_->ReadSnapshot(id));
        return snap->parents;
      });
}

std::string Repo::ShortId(const SnapshotId& id) {
  std::string hex = id.hex();
  // The fan-out listing is sorted and cached by the store: only the two
  // neighbours of `id` can share a longer prefix with it.
  auto matches = store_->SnapshotsInFanout(std::string_view(hex).substr(0, 2));
  size_t len = 8;
  if (matches.ok()) {
    const auto& ids = **matches;
    auto common_hex = [&](const SnapshotId& other) {
      const auto& a = id.bytes();
      const auto& b = other.bytes();
      size_t i = 0;
      while (i < a.size() && a[i] == b[i]) ++i;
      if (i == a.size()) return 2 * i;
      return 2 * i + ((a[i] >> 4) == (b[i] >> 4) ? 1 : 0);
    };
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    auto next = it;
    if (next != ids.end() && *next == id) ++next;
    if (next != ids.end()) len = std::max(len, common_hex(*next) + 1);
    if (it != ids.begin()) len = std::max(len, common_hex(*std::prev(it)) + 1);
  }
  return hex.substr(0, std::min(len, hex.size()));
}

}  // namespace jvs
