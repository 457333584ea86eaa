// The scan options every scan of a worktree starts from: its clock probe
// folder, the repository's progress sink and ignore patterns. Private to
// src/repo; callers set what differs (store_content, fault points).
#pragma once

#include <string>

#include "jvs/repo/repo.h"
#include "wc/scanner.h"

namespace jvs {

inline ScanOptions WorktreeScanOptions(Repo& repo, const std::string& worktree, bool store_content) {
  ScanOptions so;
  so.store_content = store_content;
  so.clock_dir = repo.WorktreeControlDir(worktree);
  so.progress = repo.settings().progress;
  so.ignore_patterns = repo.settings().ignore_patterns;
  return so;
}

}  // namespace jvs
