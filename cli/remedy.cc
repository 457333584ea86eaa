#include "remedy.h"

namespace jvs::cli {

std::string RemedyText(const RemedyStep& step) {
  const std::string& a = step.arg;
  switch (step.what) {
    case Remedy::kInspectRepository: return "run 'jvs doctor' to inspect the repository";
    case Remedy::kInspectRepositoryFirst: return "run 'jvs doctor' (and 'jvs verify --all') first";
    case Remedy::kRepairRepository: return "run 'jvs doctor --repair'";
    case Remedy::kFindDamagedObjects: return "run 'jvs verify --all' to find every damaged object";
    case Remedy::kListOperations: return "'jvs op log' lists the operations that remain";
    case Remedy::kSeeOperations: return "list operations with 'jvs op log'";
    case Remedy::kRestoreAnyOperation: return "'jvs op restore OP' goes back to any of them";
    case Remedy::kRedoAfterUndo: return "'jvs redo' re-applies what undo took back";
    case Remedy::kUndoOrRestoreOperation:
      return "'jvs op log' shows what happened and 'jvs undo' or 'jvs op restore OP' brings it back";
    case Remedy::kListReferences: return "see 'jvs history --all' and 'jvs tag list'";
    case Remedy::kSeeHistory: return "see 'jvs history'";
    case Remedy::kListWorktrees: return "'jvs worktree list' shows the existing ones";
    case Remedy::kCreateSnapshot: return "create one with 'jvs snapshot'";
    case Remedy::kCreateRepository:
      return "run 'jvs init NAME' to create one, 'jvs init --here' to adopt this directory, or pass --repo PATH";
    case Remedy::kFinishRestore:
      return "run 'jvs restore " + a + "' to finish it, or 'jvs restore --abort' to go back to before it; the files as they are now are saved first";
    case Remedy::kRestoreHead: return "restore it with 'jvs restore @'";
    case Remedy::kCheckPathInSnapshot: return "'jvs diff --name-only " + a + "' lists the paths of that snapshot";
    case Remedy::kMakeGcPlan: return "make a new plan with 'jvs gc plan'";
    case Remedy::kPassGcPlanId:
      return "make one with 'jvs gc plan' and pass the plan id it prints (a plan is used up by 'jvs gc run')";
    case Remedy::kRunGcLater: return "run 'jvs gc run' again when they have finished";
    case Remedy::kShowConfigKeys: return "see 'jvs config --help' for the keys and their types";
    case Remedy::kUnsetConfig: return "remove it with 'jvs config unset " + a + "'";
    case Remedy::kRaiseLockWait: return "to wait longer, set JVS_LOCK_TIMEOUT_MS";
    case Remedy::kForceFork:
      return "move them away, or run 'jvs worktree fork " + a +
             " --force' to save them as a snapshot (kept in 'jvs history --all') and fork over them";
    case Remedy::kRestrictControlFolder:
      return "run 'chmod 700 " + a + "' (or 'jvs doctor --repair') so that only you can read it";
    case Remedy::kCollectGarbage: return "'jvs gc plan' and 'jvs gc run' remove such leftovers";
  }
  return {};
}

std::string FullHint(const Error& error) {
  std::string out = error.hint();
  for (const auto& r : error.remedies()) {
    std::string text = RemedyText(r);
    if (text.empty()) continue;
    if (!out.empty()) out += "; ";
    out += text;
  }
  return out;
}

}  // namespace jvs::cli
