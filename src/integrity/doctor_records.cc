// Doctor: the per-worktree records under `.jvs/worktrees/<name>/` that every
// command in a worktree reads, and what a command needs to find at open.
// - A worktree of the current view without its `path` record: commands run
//   in its directory refuse (they cannot tell which worktree they are in).
//   Repair: write the record when the directory is at a place jvs itself
//   puts worktrees (ROOT/main or ROOT for main; ROOT/worktrees/<name> or
//   ROOT/../<ROOT>.worktrees/<name> for forks). Elsewhere (fork --path) the
//   finding says so and nothing is guessed.
// - A damaged tree state: a cache, discarded by the next command with a
//   warning; reported here, and removed by --repair.
// - A damaged segment of the snapshot index (store/snapshot_index.h): a
//   cache too; commands leave it out and index again from the objects.
//   Repair: the index is removed and built again from the current view.
#include "integrity/doctor_internal.h"
#include "store/snapshot_index.h"
#include "wc/tree_state.h"

namespace jvs::doctor_internal {

namespace {

// Where jvs puts a worktree's directory, as the record would name it
// (relative to the repository root unless absolute).
std::vector<std::pair<std::string, fs::path>> UsualPlaces(const fs::path& root, const std::string& name) {
  if (name == kMainWorktree) return {{"main", root / "main"}, {".", root}};
  fs::path outside = root.parent_path() / (root.filename().string() + ".worktrees") / name;
  return {{"worktrees/" + name, root / "worktrees" / name}, {outside.string(), outside}};
}

}  // namespace

Result<std::set<std::string>> DoctorRun::ViewWorktrees() {
  std::set<std::string> out;
  OpStore& ops = *parts_.ops;
  JVS_TRY(ops.LoadHorizon());
  JVS_ASSIGN_OR_RETURN(auto heads, Heads());
  for (const auto& h : heads) {
    auto op = ops.ReadOperation(h);
    if (!op.ok()) continue;  // reported by CheckOpHeads
    auto view = ops.ReadView(op->view);
    if (!view.ok()) continue;  // reported by the object walk
    for (const auto& [name, w] : view->worktrees) out.insert(name);
  }
  return out;
}

Status DoctorRun::CheckWorktreeRecords() {
  auto names = ViewWorktrees();
  if (!names.ok()) return OkStatus();  // the op log's own findings say why
  for (const auto& name : *names) {
    fs::path dir = control_ / "worktrees" / name;
    fs::path record = dir / "path";
    auto data = env_->ReadFile(record, 4096);
    if (data.ok() && !data->empty() && data->find('\0') == std::string::npos) continue;
    std::optional<std::pair<std::string, fs::path>> found;
    for (const auto& place : UsualPlaces(root_, name)) {
      auto st = env_->Stat(place.second);
      // The root only counts for main when it is a workspace (init --here):
      // it has files besides .jvs and no main/ folder.
      if (!st.ok() || !S_ISDIR(st->st_mode)) continue;
      if (place.first == "." && env_->Exists(root_ / "main")) continue;
      found = place;
      break;
    }
    std::string what = data.ok() ? "is empty or malformed" : "is missing";
    DoctorFinding& f =
        Add("worktree_record", "error",
            "the record of worktree '" + name + "' " + what + ": commands run in its directory fail" +
                (found ? " (its directory is " + found->second.string() + ")"
                       : "; its directory is not at a place jvs uses (a fork made with --path): write its "
                         "path into this file"),
            record);
    if (!options_.repair || !found) continue;
    Status st = env_->MkdirAll(dir);
    if (st.ok()) st = env_->WriteFileAtomic(record, found->first + "\n", /*sync=*/true);
    if (st.ok()) {
      f.repaired = true;
      f.description += "; the record was written again";
    }
  }
  return OkStatus();
}

Status DoctorRun::CheckTreeStates() {
  JVS_ASSIGN_OR_RETURN(auto worktrees, List(env_, control_ / "worktrees"));
  for (const auto& w : worktrees) {
    fs::path p = control_ / "worktrees" / w.name / "tree_state";
    if (!env_->Exists(p)) continue;
    auto state = TreeState::Load(env_, p);
    if (state.ok()) continue;
    DoctorFinding& f = Add("tree_state", "info",
                           "the tree state of worktree '" + w.name + "' is damaged (" + state.error().message() +
                               "); it is a cache: the next command discards it and reads every file again",
                           p);
    if (options_.repair && env_->Unlink(p).ok()) {
      f.repaired = true;
      f.description += "; removed";
    }
  }
  return OkStatus();
}

Status DoctorRun::CheckSnapshotIndex() {
  const fs::path dir = control_ / "store" / "index";
  std::vector<std::string> damaged;
  {
    SnapshotIndex index(dir);
    index.Load(env_);
    damaged = index.damaged();
  }
  if (damaged.empty()) return OkStatus();
  const size_t first = report_.findings.size();
  for (const auto& what : damaged)
    Add("snapshot_index", "warning",
                         "the snapshot index is damaged (" + what +
                             "); it is a cache: commands leave the damaged part out and read those snapshots "
                             "from the objects",
                         dir);
  if (!options_.repair) return OkStatus();
  if (!env_->RemoveAll(dir).ok()) return OkStatus();
  std::string done = "; removed (built again by the next command that reads history)";
  if (auto repo = Repo::Open(env_, root_, settings_); repo.ok()) {
    Store& store = (*repo)->store();
    if (store.IndexSnapshots((*repo)->view().ReferencedSnapshots(), /*missing_ok=*/true).ok() &&
        store.FlushSnapshotIndex().ok())
      done = "; rebuilt from the objects";
  }
  for (size_t k = first; k < report_.findings.size(); ++k) {
    report_.findings[k].repaired = true;
    report_.findings[k].description += done;
  }
  return OkStatus();
}

}  // namespace jvs::doctor_internal
