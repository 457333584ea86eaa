#include "jvs/workspace.h"

#include <algorithm>
#include <map>
#include <set>

#include "wc/checkout.h"
#include "wc/scanner.h"

namespace jvs {

struct Workspace::Shared {
  TreeMap scanned;  // trees of the last status-mode scan
};

namespace {

ScanSummary Summarize(const ScanStats& s) {
  ScanSummary o;
  o.files = s.files;
  o.dirs = s.dirs;
  o.hashed_files = s.hashed_files;
  o.hashed_bytes = s.hashed_bytes;
  o.stored_bytes = s.stored_bytes;
  o.total_bytes = s.total_bytes;
  o.walk_ns = s.walk_ns;
  o.read_ns = s.read_ns;
  o.build_ns = s.build_ns;
  return o;
}

std::string ShortNote(const std::string& note) {
  std::string n = note.substr(0, note.find('\n'));
  if (n.size() > 60) n = n.substr(0, 57) + "...";
  return n;
}

}  // namespace

Workspace::~Workspace() = default;

Result<std::unique_ptr<Workspace>> Workspace::Open(Repo& repo, const std::string& name) {
  if (!repo.view().worktrees.count(name))
    return Error(ErrorCode::kNotFound, "worktree '" + name + "' does not exist",
                 "list worktrees with 'jvs worktree list'");
  JVS_ASSIGN_OR_RETURN(fs::path path, repo.WorktreePath(name));
  auto st = repo.env()->Stat(path);
  if (!st.ok() || !S_ISDIR(st->st_mode))
    return Error(ErrorCode::kNotFound, "the directory of worktree '" + name + "' (" + path.string() +
                                           ") is missing",
                 "recreate the directory, or restore it with 'jvs restore @'");
  std::unique_ptr<Workspace> ws(new Workspace(repo, name, path));
  ws->shared_ = std::make_shared<Shared>();
  return ws;
}

const WorktreeView& Workspace::state() const {
  static const WorktreeView kNone;
  auto it = repo_.view().worktrees.find(name_);
  return it == repo_.view().worktrees.end() ? kNone : it->second;
}

fs::path Workspace::TreeStatePath() const { return repo_.WorktreeControlDir(name_) / "tree_state"; }

fs::path Workspace::PendingCheckoutPath() const {
  return repo_.WorktreeControlDir(name_) / "checkout_pending";
}

Status Workspace::CheckNoPendingCheckout() {
  auto marker = repo_.env()->ReadFile(PendingCheckoutPath(), 4096);
  if (!marker.ok()) return OkStatus();
  std::string target = marker->substr(0, 12);
  return Error(ErrorCode::kRefused,
               "an interrupted restore (to " + target + ") left worktree '" + name_ + "' partly updated",
               "run 'jvs restore " + target + "' to finish it; the files as they are now are saved first");
}

TreeGetter Workspace::StoreGetter() {
  Store* store = &repo_.store();
  return [store](const TreeId& id) { return store->ReadTree(id); };
}

Result<SnapshotOutcome> Workspace::TakeSnapshot(const SnapshotOptions& options) {
  for (const auto& t : options.tags) JVS_TRY(ValidateTagName(t));
  JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo_.LockWorktree(name_));
  JVS_TRY(repo_.Reload());
  JVS_TRY(CheckNoPendingCheckout());
  Env* env = repo_.env();
  JVS_ASSIGN_OR_RETURN(TreeState old_state, TreeState::Load(env, TreeStatePath()));
  ScanOptions so;
  so.store_content = true;
  so.clock_dir = repo_.WorktreeControlDir(name_);
  JVS_ASSIGN_OR_RETURN(ScanResult scan, ScanWorkspace(env, repo_.store(), repo_.engine(), path_,
                                                      old_state, so, ThreadPool::Shared()));
  Snapshot snap;
  snap.tree = scan.root;
  const WorktreeView wt = state();
  if (wt.head) snap.parents.push_back(*wt.head);
  snap.change_id = repo_.NewChangeId();
  snap.note = options.note;
  snap.created_at = repo_.Now();
  snap.worktree = name_;
  snap.author = repo_.Author();
  auto& c = repo_.engine().counters();
  snap.engine = (c.cloned > 0 && c.copied > 0) ? std::string(repo_.engine().name()) + "+copy"
                : (c.cloned == 0 && c.copied > 0) ? "copy"
                                                  : std::string(repo_.engine().name());
  JVS_ASSIGN_OR_RETURN(SnapshotId id, repo_.store().WriteSnapshot(snap));
  View view = repo_.view();
  view.worktrees[name_].head = id;
  view.worktrees[name_].latest = id;
  AddHeads(&view, {id}, snap.parents);
  for (const auto& t : options.tags) view.tags[t] = id;
  std::string desc = "snapshot " + id.hex().substr(0, 12) + " in worktree " + name_;
  if (!snap.note.empty()) desc += ": " + ShortNote(snap.note);
  int64_t t0 = env->NowNanos();
  JVS_ASSIGN_OR_RETURN(OperationId op, repo_.Publish(std::move(view), desc));
  scan.new_state.op = op;
  JVS_TRY(scan.new_state.Save(env, TreeStatePath()));
  int64_t publish_ns = env->NowNanos() - t0;
  SnapshotOutcome out;
  out.id = id;
  out.snapshot = std::move(snap);
  out.op = op;
  out.scan = Summarize(scan.stats);
  out.scan.publish_ns = publish_ns;
  out.warnings = std::move(scan.warnings);
  return out;
}

Result<WorkingCopyTree> Workspace::ScanWorkingCopy() {
  JVS_TRY(CheckNoPendingCheckout());
  Env* env = repo_.env();
  JVS_ASSIGN_OR_RETURN(TreeState old_state, TreeState::Load(env, TreeStatePath()));
  ScanOptions so;
  so.store_content = false;
  so.clock_dir = repo_.WorktreeControlDir(name_);
  JVS_ASSIGN_OR_RETURN(ScanResult scan, ScanWorkspace(env, repo_.store(), repo_.engine(), path_,
                                                      old_state, so, ThreadPool::Shared()));
  shared_->scanned = std::move(scan.trees);
  WorkingCopyTree wc;
  wc.root = scan.root;
  wc.warnings = std::move(scan.warnings);
  auto shared = shared_;
  Store* store = &repo_.store();
  wc.getter = [shared, store](const TreeId& id) -> Result<std::shared_ptr<const Tree>> {
    auto it = shared->scanned.find(id);
    if (it != shared->scanned.end()) return it->second;
    return store->ReadTree(id);
  };
  return wc;
}

Result<StatusReport> Workspace::Status() {
  StatusReport r;
  r.head = state().head;
  JVS_ASSIGN_OR_RETURN(WorkingCopyTree wc, ScanWorkingCopy());
  TreeId head_tree = EmptyTreeId();
  if (r.head) {
    JVS_ASSIGN_OR_RETURN(auto snap, repo_.store().ReadSnapshot(*r.head));
    head_tree = snap->tree;
  }
  JVS_ASSIGN_OR_RETURN(r.changes, DiffTrees(wc.getter, head_tree, wc.root));
  r.warnings = std::move(wc.warnings);
  return r;
}

Result<RestoreOutcome> Workspace::Restore(const SnapshotId& target, const std::vector<RepoPath>& paths) {
  JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo_.LockWorktree(name_));
  JVS_TRY(repo_.Reload());
  Env* env = repo_.env();
  Store& store = repo_.store();
  JVS_ASSIGN_OR_RETURN(auto target_snap, store.ReadSnapshot(target));
  // 1. Capture the working copy as it is (stored, so nothing can be lost).
  JVS_ASSIGN_OR_RETURN(TreeState old_state, TreeState::Load(env, TreeStatePath()));
  ScanOptions so;
  so.store_content = true;
  so.clock_dir = repo_.WorktreeControlDir(name_);
  JVS_ASSIGN_OR_RETURN(ScanResult scan, ScanWorkspace(env, store, repo_.engine(), path_, old_state,
                                                      so, ThreadPool::Shared()));
  RestoreOutcome out;
  out.target = target;
  out.warnings = scan.warnings;
  const WorktreeView wt = state();
  TreeId head_tree = EmptyTreeId();
  if (wt.head) {
    JVS_ASSIGN_OR_RETURN(auto hs, store.ReadSnapshot(*wt.head));
    head_tree = hs->tree;
  }
  TreeGetter getter = StoreGetter();
  // With paths, each must exist in the target or in the working copy.
  for (const auto& p : paths) {
    JVS_ASSIGN_OR_RETURN(auto in_target, LookupPath(getter, target_snap->tree, p));
    JVS_ASSIGN_OR_RETURN(auto in_wc, LookupPath(getter, scan.root, p));
    if (!in_target && !in_wc)
      return Error(ErrorCode::kNotFound,
                   "path '" + p.str() + "' is neither in snapshot " + target.hex().substr(0, 12) +
                       " nor in the worktree",
                   "check the path with 'jvs diff --name-only " + target.hex().substr(0, 12) + "'");
  }
  View view = repo_.view();
  std::map<std::string, std::string> attrs;
  if (scan.root != head_tree) {
    Snapshot cap;
    cap.tree = scan.root;
    if (wt.head) cap.parents.push_back(*wt.head);
    cap.change_id = repo_.NewChangeId();
    cap.note = "dirty changes saved before restore to " + target.hex().substr(0, 12);
    cap.created_at = repo_.Now();
    cap.worktree = name_;
    cap.author = repo_.Author();
    cap.engine = std::string(repo_.engine().name());
    JVS_ASSIGN_OR_RETURN(SnapshotId cid, store.WriteSnapshot(cap));
    out.captured = cid;
    view.worktrees[name_].latest = cid;
    AddHeads(&view, {cid}, cap.parents);
    attrs["captured_snapshot"] = cid.hex();
  }
  JVS_ASSIGN_OR_RETURN(auto changes, DiffTrees(getter, scan.root, target_snap->tree, paths));
  // 2. Stage every new file outside the workspace: a full disk fails here,
  //    before anything in the workspace or the repository changed.
  Checkout checkout(env, store, repo_.engine(), path_, repo_.WorktreeControlDir(name_));
  JVS_TRY(checkout.Preflight(changes));
  JVS_TRY(checkout.Stage(changes));
  // 3. Publish the operation, then 4. apply the changes in place.
  if (paths.empty()) view.worktrees[name_].head = target;
  attrs["target"] = target.hex();
  std::string desc = "restore worktree " + name_ + " to " + target.hex().substr(0, 12);
  if (!paths.empty()) desc += " (" + std::to_string(paths.size()) + " path(s))";
  auto op = repo_.Publish(std::move(view), desc, attrs);
  if (!op.ok()) {
    checkout.Abandon();
    return op.error();
  }
  out.op = *op;
  // Until the tree state is saved, the working copy may be half-updated: a
  // marker makes the next command say so instead of snapshotting a mix.
  JVS_TRY(env->WriteFileAtomic(PendingCheckoutPath(), target.hex() + "\n" + op->hex() + "\n"));
  JVS_ASSIGN_OR_RETURN(CheckoutStats cs, checkout.Apply(changes, getter, target_snap->tree));
  out.warnings.insert(out.warnings.end(), cs.warnings.begin(), cs.warnings.end());
  out.files_written = cs.files_written;
  out.files_removed = cs.files_removed;
  out.bytes_written = cs.bytes_written;
  // 5. The new tree state: scanned entries, minus what changed, plus what was written.
  TreeState ns = std::move(scan.new_state);
  ns.op = *op;
  ns.tree = paths.empty() ? target_snap->tree : EmptyTreeId();
  std::set<std::string> changed;
  for (const auto& c : changes) changed.insert(c.path.str());
  auto is_changed = [&](const std::string& p) {
    if (changed.count(p)) return true;
    for (size_t pos = p.find('/'); pos != std::string::npos; pos = p.find('/', pos + 1))
      if (changed.count(p.substr(0, pos))) return true;  // below a replaced directory
    return false;
  };
  std::vector<std::pair<std::string, FileState>> merged;
  merged.reserve(ns.entries.size() + cs.written.size());
  for (auto& e : ns.entries)
    if (!is_changed(e.first)) merged.push_back(std::move(e));
  for (auto& w : cs.written) merged.push_back(std::move(w));
  std::sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  merged.erase(std::unique(merged.begin(), merged.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; }),
               merged.end());
  ns.entries = std::move(merged);
  JVS_TRY(ns.Save(env, TreeStatePath()));
  (void)env->Unlink(PendingCheckoutPath());
  return out;
}

}  // namespace jvs
