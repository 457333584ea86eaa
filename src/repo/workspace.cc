#include "jvs/repo/workspace.h"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "jvs/base/fault.h"
#include "repo/checkout_marker.h"
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

// `snapshot_pending`: the tree id of a snapshot being published from this
// worktree's files, written before its operation is published and removed
// once the tree state (which names the operation) is saved. If the command
// dies or fails in between, the tree state names an older operation although
// the files are exactly the new head: the marker keeps the next command from
// taking the worktree for stale (and moving the user's later edits into a
// "dirty changes" snapshot).
fs::path SnapshotPendingPath(Repo& repo, const std::string& worktree) {
  return repo.WorktreeControlDir(worktree) / "snapshot_pending";
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
    return Error(ErrorCode::kNotFound,
                 "worktree '" + name + "' does not exist in the current operation",
                 "it was removed, or an undo/op restore went back to before it existed; 'jvs op log' shows "
                 "what happened and 'jvs undo' or 'jvs op restore OP' brings it back");
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

std::unique_ptr<Workspace> Workspace::ForNew(Repo& repo, const std::string& name, const fs::path& path) {
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

Status Workspace::CheckNoPendingCheckout(bool locked) {
  auto marker = repo_.env()->ReadFile(PendingCheckoutPath(), 4096);
  if (!marker.ok()) return OkStatus();
  JVS_ASSIGN_OR_RETURN(bool published,
                       CheckoutMarkerPublished(repo_.op_store(), {repo_.op_id()}, name_, *marker));
  if (!published) {
    // Killed before its operation was published: nothing in the workspace
    // had changed (files are only written after publishing). The marker is
    // void; under the worktree lock (its writer is gone) it is removed with
    // what that process staged.
    if (locked) {
      const PendingMarker m = DecodeMarker(*marker);
      (void)repo_.env()->RemoveAll(repo_.WorktreeControlDir(name_) / ("staging-" + std::to_string(m.pid)));
      (void)repo_.env()->Unlink(PendingCheckoutPath());
      repo_.AddWarning("a restore of worktree '" + name_ + "' (to " + m.target.substr(0, 12) +
                       ") was interrupted before it was recorded; nothing had changed, its marker was removed");
    }
    return OkStatus();
  }
  std::string target = marker->substr(0, 12);
  return Error(ErrorCode::kRefused,
               "an interrupted restore (to " + target + ") left worktree '" + name_ + "' partly updated",
               "run 'jvs restore " + target + "' to finish it; the files as they are now are saved first");
}

TreeState Workspace::LoadTreeState(std::vector<std::string>* warnings) {
  std::string warning;
  TreeState t = TreeState::LoadOrDiscard(repo_.env(), TreeStatePath(), &warning);
  if (!warning.empty()) {
    if (warnings) warnings->push_back(warning);
    else repo_.AddWarning(warning);
  }
  return t;
}

TreeGetter Workspace::StoreGetter() {
  Store* store = &repo_.store();
  return [store](const TreeId& id) { return store->ReadTree(id); };
}

Result<SnapshotOutcome> Workspace::TakeSnapshot(const SnapshotOptions& options) {
  for (const auto& t : options.tags) JVS_TRY(ValidateTagName(t));
  JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo_.LockWorktree(name_));
  JVS_TRY(repo_.Reload());
  JVS_TRY(CheckNoPendingCheckout(/*locked=*/true));
  Env* env = repo_.env();
  TreeState old_state = LoadTreeState(nullptr);
  ScanOptions so;
  so.store_content = true;
  so.clock_dir = repo_.WorktreeControlDir(name_);
  so.progress = repo_.settings().progress;
  so.ignore_patterns = repo_.settings().ignore_patterns;
  so.snapshot_fault_points = true;
  const EngineUsage engine_before = repo_.engine().counters().Load();
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
  // The engine that really ran for this snapshot's files ("copy" when every clone fell back).
  snap.engine = repo_.engine().RanAs(repo_.engine().counters().Load() - engine_before);
  JVS_ASSIGN_OR_RETURN(SnapshotId id, repo_.store().WriteSnapshot(snap));
  JVS_FAULT("snapshot.before_publish");
  const fs::path pending = SnapshotPendingPath(repo_, name_);
  JVS_TRY(env->WriteFileAtomic(pending, snap.tree.hex() + "\n"));
  View view = repo_.view();
  view.worktrees[name_].head = id;
  view.worktrees[name_].latest = id;
  AddHeads(&view, {id}, snap.parents);
  for (const auto& t : options.tags) view.tags[t] = id;
  std::string desc = "snapshot " + id.hex().substr(0, 12) + " in worktree " + name_;
  if (!snap.note.empty()) desc += ": " + ShortNote(snap.note);
  int64_t t0 = env->NowNanos();
  auto published = repo_.Publish(std::move(view), desc);
  if (!published.ok()) {
    (void)env->Unlink(pending);
    return published.error();
  }
  const OperationId op = *published;
  // Published: from here on a failure is a warning, never the command's error.
  scan.new_state.op = op;
  jvs::Status saved = fault::Point("snapshot.after_publish");
  if (saved.ok()) saved = scan.new_state.Save(env, TreeStatePath());
  if (saved.ok()) {
    (void)env->Unlink(pending);
  } else {
    repo_.AddWarning("snapshot recorded, but the tree state could not be saved (the next snapshot re-reads files): " +
                     saved.error().message());
  }
  if (jvs::Status f = fault::Point("snapshot.after_tree_state"); !f.ok()) {
    repo_.AddWarning("snapshot recorded, but its engine statistics were not: " + f.error().message());
  } else {
    (void)repo_.engine().RecordUsage(env);  // clone/copy/fallback counts for `jvs info`
  }
  int64_t publish_ns = env->NowNanos() - t0;
  SnapshotOutcome out;
  out.id = id;
  out.snapshot = std::move(snap);
  out.op = op;
  out.scan = Summarize(scan.stats);
  out.scan.publish_ns = publish_ns;
  out.warnings = std::move(scan.warnings);
  for (auto& w : repo_.TakeWarnings()) out.warnings.push_back(std::move(w));
  return out;
}

Result<std::optional<SnapshotId>> Workspace::StaleFrom() {
  Env* env = repo_.env();
  // A damaged tree state is a cache to rebuild, not an error: without its
  // operation there is nothing to compare with.
  auto header = TreeState::LoadHeader(env, TreeStatePath());
  if (!header.ok()) return std::optional<SnapshotId>();
  const TreeState& ts = *header;
  if (ts.op.is_zero()) return std::optional<SnapshotId>();
  if (auto pending = env->ReadFile(SnapshotPendingPath(repo_, name_), 4096); pending.ok() && state().head) {
    // A snapshot of these files was published but its tree state not saved:
    // if that snapshot is still the head, the files are not stale.
    auto head = repo_.store().ReadSnapshot(*state().head);
    if (head.ok() && pending->substr(0, kIdHexLength) == (*head)->tree.hex()) return std::optional<SnapshotId>();
  }
  auto op = repo_.op_store().ReadOperation(ts.op);
  if (!op.ok()) return std::optional<SnapshotId>();  // e.g. collected: nothing to compare
  JVS_ASSIGN_OR_RETURN(View then, repo_.op_store().ReadView(op->view));
  auto it = then.worktrees.find(name_);
  if (it == then.worktrees.end() || !it->second.head) return std::optional<SnapshotId>();
  if (state().head == it->second.head) return std::optional<SnapshotId>();
  return it->second.head;
}

Result<RestoreOutcome> Workspace::UpdateStale(const SnapshotId& old_head) {
  ViewUpdate u;
  u.description = "update stale worktree " + name_;
  u.capture_parent = old_head;
  u.only_if_stale_from = old_head;
  u.make_view = [](View v) -> Result<View> { return v; };
  return Update(u);
}

Result<WorkingCopyTree> Workspace::ScanWorkingCopy() {
  JVS_TRY(CheckNoPendingCheckout(/*locked=*/false));
  Env* env = repo_.env();
  std::vector<std::string> load_warnings;
  TreeState old_state = LoadTreeState(&load_warnings);
  ScanOptions so;
  so.store_content = false;
  so.clock_dir = repo_.WorktreeControlDir(name_);
  so.progress = repo_.settings().progress;
  so.ignore_patterns = repo_.settings().ignore_patterns;
  JVS_ASSIGN_OR_RETURN(ScanResult scan, ScanWorkspace(env, repo_.store(), repo_.engine(), path_,
                                                      old_state, so, ThreadPool::Shared()));
  shared_->scanned = std::move(scan.trees);
  WorkingCopyTree wc;
  wc.root = scan.root;
  wc.warnings = std::move(scan.warnings);
  wc.warnings.insert(wc.warnings.begin(), load_warnings.begin(), load_warnings.end());
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
  ViewUpdate u;
  u.files_from = target;
  u.paths = paths;
  u.description = "restore worktree " + name_ + " to " + target.hex().substr(0, 12);
  if (!paths.empty()) u.description += " (" + std::to_string(paths.size()) + " path(s))";
  u.attributes["target"] = target.hex();
  u.capture_becomes_latest = true;
  const std::string name = name_;
  bool whole = paths.empty();
  u.make_view = [name, target, whole](View v) -> Result<View> {
    if (whole) v.worktrees[name].head = target;
    return v;
  };
  return Update(u);
}

Result<RestoreOutcome> Workspace::Update(const ViewUpdate& planned) {
  JVS_ASSIGN_OR_RETURN(UniqueFd lock, repo_.LockWorktree(name_));
  JVS_TRY(repo_.Reload());
  ViewUpdate u = planned;
  if (planned.replan) {
    JVS_ASSIGN_OR_RETURN(u, planned.replan());
  }
  // The fault points of this flow: "<fault_flow>.<step>" (restore.*, fork.*).
  auto fault_point = [&u](const char* step) -> jvs::Status {
    if (!fault::Armed()) return OkStatus();
    return fault::Point(u.fault_flow + "." + step);
  };
  if (u.only_if_stale_from) {
    JVS_ASSIGN_OR_RETURN(auto stale, StaleFrom());
    if (stale != u.only_if_stale_from) {
      RestoreOutcome none;
      none.skipped = true;
      none.op = repo_.op_id();
      return none;
    }
  }
  u.attributes["worktree"] = name_;
  Env* env = repo_.env();
  Store& store = repo_.store();
  const std::vector<RepoPath>& paths = u.paths;
  // 1. Capture the working copy as it is (stored, so nothing can be lost).
  TreeState old_state = LoadTreeState(nullptr);
  ScanOptions so;
  so.store_content = true;
  so.clock_dir = repo_.WorktreeControlDir(name_);
  so.progress = repo_.settings().progress;
  so.ignore_patterns = repo_.settings().ignore_patterns;
  const EngineUsage engine_before = repo_.engine().counters().Load();
  JVS_ASSIGN_OR_RETURN(ScanResult scan, ScanWorkspace(env, store, repo_.engine(), path_, old_state,
                                                      so, ThreadPool::Shared()));
  RestoreOutcome out;
  out.warnings = scan.warnings;
  const WorktreeView wt = state();
  TreeId head_tree = EmptyTreeId();
  if (wt.head) {
    JVS_ASSIGN_OR_RETURN(auto hs, store.ReadSnapshot(*wt.head));
    head_tree = hs->tree;
  }
  if (u.only_if_stale_from && scan.root == head_tree) {
    // The files already are the head: a command published it and was
    // interrupted (or failed) before saving the tree state. Nothing to save,
    // nothing to move, no operation: only the tree state is brought up to date.
    scan.new_state.op = repo_.op_id();
    if (jvs::Status st = scan.new_state.Save(env, TreeStatePath()); !st.ok()) {
      out.warnings.push_back("the tree state could not be saved (the next snapshot re-reads files): " +
                             st.error().message());
    } else {
      (void)env->Unlink(SnapshotPendingPath(repo_, name_));
    }
    out.skipped = true;
    out.op = repo_.op_id();
    if (wt.head) out.target = *wt.head;
    return out;
  }
  TreeGetter getter = StoreGetter();
  View view = repo_.view();
  std::map<std::string, std::string> attrs = u.attributes;
  // The capture goes into the current view before the update decides the new
  // one, and stays a visible head whatever the update does.
  std::optional<SnapshotId> captured;
  if (u.capture_parent) {
    JVS_ASSIGN_OR_RETURN(auto base, store.ReadSnapshot(*u.capture_parent));
    head_tree = base->tree;  // local changes are relative to what the files were based on
  }
  if (u.capture_dirty && scan.root != head_tree) {
    Snapshot cap;
    cap.tree = scan.root;
    if (u.capture_parent) cap.parents.push_back(*u.capture_parent);
    else if (wt.head) cap.parents.push_back(*wt.head);
    cap.change_id = repo_.NewChangeId();
    cap.note = "dirty changes saved before: " + u.description;
    cap.created_at = repo_.Now();
    cap.worktree = name_;
    cap.author = repo_.Author();
    cap.engine = repo_.engine().RanAs(repo_.engine().counters().Load() - engine_before);
    JVS_ASSIGN_OR_RETURN(SnapshotId cid, store.WriteSnapshot(cap));
    captured = cid;
    out.captured = cid;
    attrs["captured_snapshot"] = cid.hex();
  }
  if (!u.fresh_directory) JVS_TRY(fault_point("after_capture"));  // (a fork captures nothing)
  // The update decides on the view as it is; the capture is added afterwards
  // (so that a three-way revert sees no change it did not make).
  const std::vector<SnapshotId> pins_before = view.pins;
  JVS_ASSIGN_OR_RETURN(view, u.make_view(std::move(view)));
  // Saved dirty files stay visible whatever view the update chose.
  for (const auto& p : pins_before) AddPin(&view, p);
  if (captured) {
    AddPin(&view, *captured);
    AddHeads(&view, {*captured}, {});
    if (u.capture_becomes_latest) view.worktrees[name_].latest = *captured;
  }
  // What the files move to: an explicit snapshot (restore), else the new head.
  std::optional<SnapshotId> target = u.files_from;
  if (!target) {
    auto it = view.worktrees.find(name_);
    if (it != view.worktrees.end()) target = it->second.head;
  }
  TreeId target_tree = EmptyTreeId();
  if (target) {
    JVS_ASSIGN_OR_RETURN(auto ts, store.ReadSnapshot(*target));
    target_tree = ts->tree;
    out.target = *target;
  }
  // With paths, each must exist in the target or in the working copy.
  for (const auto& p : paths) {
    JVS_ASSIGN_OR_RETURN(auto in_target, LookupPath(getter, target_tree, p));
    JVS_ASSIGN_OR_RETURN(auto in_wc, LookupPath(getter, scan.root, p));
    if (!in_target && !in_wc)
      return Error(ErrorCode::kNotFound,
                   "path '" + p.str() + "' is neither in snapshot " + out.target.hex().substr(0, 12) +
                       " nor in the worktree",
                   "check the path with 'jvs diff --name-only " + out.target.hex().substr(0, 12) + "'");
  }
  JVS_ASSIGN_OR_RETURN(auto changes, DiffTrees(getter, scan.root, target_tree, paths));
  if (u.fresh_directory) return MaterializeFresh(u, std::move(view), changes, target_tree, std::move(attrs), std::move(out));
  // 2. Stage every new file outside the workspace: a full disk fails here,
  //    before anything in the workspace or the repository changed.
  Checkout checkout(env, store, repo_.engine(), path_, repo_.WorktreeControlDir(name_));
  checkout.set_fault_flow(u.fault_flow);
  JVS_TRY(checkout.CheckLimits(changes));
  JVS_TRY(checkout.Preflight(changes));
  JVS_TRY(checkout.Stage(changes, repo_.settings().progress, u.progress_phase));
  // The clock once every new file is staged: restored files (their mtime is
  // older) are then clean for the next snapshot, and any later write gives
  // them a newer mtime that stat sees. See "Materialisation and mtimes" in
  // docs/engines.md.
  JVS_TRY(fault_point("after_stage"));
  std::optional<int64_t> clock_after_stage;
  if (!changes.empty())
    if (auto now = FilesystemClockAfterWrites(env, repo_.WorktreeControlDir(name_)); now.ok()) clock_after_stage = *now;
  // 3. Until the tree state is saved, the working copy may be half-updated: a
  //    marker, written before the operation is published, makes the next
  //    command say so instead of snapshotting a mix.
  PendingMarker marker;
  marker.target = out.target.hex();
  if (u.publish) {
    // Names the operation about to be published: if this process dies before
    // it is, the marker is void (see PendingCheckoutPublished).
    marker.base = repo_.op_id();
    marker.pid = static_cast<int64_t>(::getpid());
    marker.host = repo_.settings().host;
  }
  if (jvs::Status st = env->WriteFileAtomic(PendingCheckoutPath(), EncodeMarker(marker)); !st.ok()) {
    checkout.Abandon();
    return st.error();
  }
  if (jvs::Status f = fault_point("after_marker"); !f.ok()) {
    checkout.Abandon();
    (void)env->Unlink(PendingCheckoutPath());
    return f.error();
  }
  // 4. Publish the operation, then 5. apply the changes in place. A failure
  //    from here on leaves the marker: the next command says how to finish.
  auto op = u.publish ? repo_.Publish(std::move(view), u.description, attrs) : Result<OperationId>(repo_.op_id());
  if (!op.ok()) {
    checkout.Abandon();
    (void)env->Unlink(PendingCheckoutPath());
    return op.error();
  }
  out.op = *op;
  JVS_TRY(fault_point("after_publish"));
  JVS_ASSIGN_OR_RETURN(CheckoutStats cs, checkout.Apply(changes, getter, target_tree));
  out.warnings.insert(out.warnings.end(), cs.warnings.begin(), cs.warnings.end());
  out.files_written = cs.files_written;
  out.files_removed = cs.files_removed;
  out.bytes_written = cs.bytes_written;
  // 5. The new tree state: scanned entries, minus what changed, plus what was written.
  TreeState ns = std::move(scan.new_state);
  ns.op = *op;
  ns.tree = paths.empty() ? target_tree : EmptyTreeId();
  std::set<std::string> changed;
  for (const auto& c : changes) changed.insert(c.path.str());
  auto is_changed = [&](const std::string& p) {
    if (changed.count(p)) return true;
    for (size_t pos = p.find('/'); pos != std::string::npos; pos = p.find('/', pos + 1))
      if (changed.count(p.substr(0, pos))) return true;  // below a replaced directory
    return false;
  };
  // Scanned entries that were racy for the capture scan must stay so under
  // the later clock: they are dropped (the next snapshot re-reads them).
  const int64_t scan_clock = ns.fs_time_ns;
  if (clock_after_stage) ns.fs_time_ns = *clock_after_stage;
  std::vector<std::pair<std::string, FileState>> merged;
  merged.reserve(ns.entries.size() + cs.written.size());
  for (auto& e : ns.entries)
    if (!is_changed(e.first) && (e.second.mtime_ns < scan_clock || !clock_after_stage)) merged.push_back(std::move(e));
  for (auto& w : cs.written) merged.push_back(std::move(w));
  std::sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  merged.erase(std::unique(merged.begin(), merged.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; }),
               merged.end());
  ns.entries = std::move(merged);
  jvs::Status saved = fault_point("before_tree_state");
  if (saved.ok()) saved = ns.Save(env, TreeStatePath());
  if (saved.ok()) (void)env->Unlink(SnapshotPendingPath(repo_, name_));
  if (!saved.ok())
    out.warnings.push_back("restored, but the tree state could not be saved (the next snapshot re-reads files): " +
                           saved.error().message());
  if (jvs::Status f = fault_point("before_clear_marker"); !f.ok())
    out.warnings.push_back("restored, but: " + f.error().message());
  (void)env->Unlink(PendingCheckoutPath());
  for (auto& w : repo_.TakeWarnings()) out.warnings.push_back(std::move(w));
  (void)repo_.engine().RecordUsage(env);  // clone/copy/fallback counts for `jvs info`
  return out;
}

Result<RestoreOutcome> Workspace::MaterializeFresh(const ViewUpdate& u, View view,
                                                   const std::vector<TreeChange>& changes,
                                                   const TreeId& target_tree,
                                                   std::map<std::string, std::string> attrs,
                                                   RestoreOutcome out) {
  Env* env = repo_.env();
  for (const auto& c : changes)
    if (c.old_entry)
      return Error(ErrorCode::kRefused, "'" + path_.string() + "' is not empty",
                   "a new worktree needs an empty directory; choose another path");
  // Nothing is visible until the operation is published: a crash before it
  // leaves only a directory that no view names (and the caller removes it on
  // an error), so no pending-checkout marker is needed.
  auto fault_point = [&u](const char* step) -> jvs::Status {
    if (!fault::Armed()) return OkStatus();
    return fault::Point(u.fault_flow + "." + step);
  };
  Checkout checkout(env, repo_.store(), repo_.engine(), path_, repo_.WorktreeControlDir(name_));
  checkout.set_fault_flow(u.fault_flow);
  JVS_TRY(checkout.CheckLimits(changes));
  JVS_ASSIGN_OR_RETURN(CheckoutStats cs, checkout.Materialize(changes, repo_.settings().progress, u.progress_phase));
  JVS_TRY(fault_point("after_materialize"));
  JVS_ASSIGN_OR_RETURN(OperationId op, repo_.Publish(std::move(view), u.description, attrs));
  out.op = op;
  // Published: every file is in place, only the tree state is still to be
  // written, so a failure from here on is a warning (the next snapshot then
  // re-reads the files).
  if (jvs::Status f = fault_point("after_publish"); !f.ok()) {
    out.warnings.push_back("forked, but the tree state was not saved: " + f.error().message());
    return out;
  }
  out.files_written = cs.files_written;
  out.bytes_written = cs.bytes_written;
  TreeState ns;
  ns.op = op;
  ns.tree = target_tree;
  // Every entry was written by this command and stat'ed right after: the
  // clock taken now makes them clean for the next snapshot (no re-hash), and
  // a file changed later in the same clock tick is still re-read.
  if (auto now = FilesystemClockAfterWrites(env, repo_.WorktreeControlDir(name_)); now.ok()) ns.fs_time_ns = *now;
  ns.entries = std::move(cs.written);
  std::sort(ns.entries.begin(), ns.entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  if (jvs::Status st = ns.Save(env, TreeStatePath()); !st.ok())
    out.warnings.push_back("forked, but the tree state could not be saved (the next snapshot re-reads files): " +
                           st.error().message());
  else if (jvs::Status f = fault_point("after_tree_state"); !f.ok())
    out.warnings.push_back(f.error().message());
  for (auto& w : repo_.TakeWarnings()) out.warnings.push_back(std::move(w));
  (void)repo_.engine().RecordUsage(env);
  return out;
}

}  // namespace jvs
