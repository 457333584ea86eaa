// History: the snapshots of a worktree's line (or of every visible line),
// newest first, with their tags; with `hidden`, also the snapshots that were
// rewritten or abandoned (jvs/repo/evolog.h). Stateless functions reading a Repo's
// current view and store (the Repo is not owned and not thread-safe).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jvs/repo/path_changes.h"
#include "jvs/repo/repo.h"

namespace jvs {

struct HistoryOptions {
  bool all = false;              // every line, not only the worktree's
  bool hidden = false;           // also hidden snapshots (interleaved, newest first)
  std::optional<size_t> limit;
  std::optional<std::string> tag;
  std::optional<std::string> grep;
  // Exactly these snapshots, in this order (a revset's result, see
  // jvs/repo/revset_eval.h), instead of a line or `all`; `hidden` is then
  // ignored and an entry is marked hidden when the view does not reach it.
  // `tag`, `grep` and `limit` still apply.
  std::optional<std::vector<SnapshotId>> revisions;
  // Only snapshots that changed these paths (jvs/repo/path_changes.h).
  std::optional<PathMatch> paths;
};
struct HistoryEntry {
  SnapshotId id;
  std::shared_ptr<const Snapshot> snapshot;
  std::vector<std::string> tags;
  bool hidden = false;  // rewritten or abandoned, not visible now
};
Result<std::vector<HistoryEntry>> History(Repo& repo, const std::string& worktree,
                                          const HistoryOptions& options);

// Tags naming `id` in the current view, sorted.
std::vector<std::string> TagsOf(const View& view, const SnapshotId& id);

}  // namespace jvs
