// Evolution (Jujutsu's evolog): the versions a change went through. Every
// rewrite (describe, rebase, amend, abandon, ...) records in its operation
// which snapshots replaced which (Operation::predecessors). Walking the op log
// from the current operation back to the gc horizon gives edges from each new
// version to the versions it replaced; following them from one snapshot lists
// its change's earlier versions. A version whose snapshot gc collected is
// still listed (without a descriptor), never an error.
//
// Hidden snapshots are the ones the op log names as rewritten or abandoned
// (or as a replacement that was itself replaced) and that the current view no
// longer reaches.
//
// Stateless functions reading a Repo's current operation, view and store
// (the Repo is not owned and not thread-safe).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jvs/repo/repo.h"

namespace jvs {

struct EvologEntry {
  SnapshotId id;
  // Null when the snapshot object is gone (collected by gc).
  std::shared_ptr<const Snapshot> snapshot;
  bool hidden = false;  // not visible in the current view
  // The operation that created this version: the rewrite that recorded it as
  // a replacement, else the oldest operation whose view names it. None when
  // the op log (cut at the gc horizon) no longer says.
  std::optional<OperationId> op;
  std::string op_description;
  // The versions this one replaced (what the next entries come from), as the
  // op log records them; a rewrite of several snapshots into one has several.
  std::vector<SnapshotId> predecessors;
};

struct EvologOptions {
  std::optional<size_t> limit;
};

// `start` and its predecessors, transitively, newest first: a version always
// before the versions it replaced, otherwise by the operation that created
// it, newest first. `start` need not be visible (a hidden snapshot's earlier
// versions are listed too) and need not exist any more; kNotFound when it is
// neither in the store nor named by the op log.
Result<std::vector<EvologEntry>> Evolog(Repo& repo, const SnapshotId& start, const EvologOptions& options = {});

// The hidden snapshots whose objects still exist, each once, sorted by id.
Result<std::vector<SnapshotId>> HiddenSnapshots(Repo& repo);

}  // namespace jvs
