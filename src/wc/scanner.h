// The working-copy scanner: walks a workspace in parallel (one task per
// directory), compares every entry with the tree state by stat, reads only new
// or changed files (in parallel, biggest first, hardlinked files once) and
// builds the trees bottom-up. In snapshot mode new content is ingested into the
// store through the clone engine and trees are written; in status mode content
// is only hashed and trees are kept in memory. FIFOs, sockets and devices are
// skipped with a warning and never opened. `.jvsignore` files are honoured;
// the control folder `.jvs` at the workspace root is never part of a payload.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "jvs/engine/engine.h"
#include "jvs/base/progress.h"
#include "jvs/store/store.h"
#include "jvs/base/thread_pool.h"
#include "wc/tree_state.h"

namespace jvs {

struct ScanOptions {
  bool store_content = true;  // snapshot mode (false: status mode)
  fs::path clock_dir;         // where to probe the filesystem clock (a control folder)
  // Reports phase "scan" (entries seen, one Add per directory) and then "hash"
  // (files and bytes read, with totals). Not owned; may be null.
  ProgressSink* progress = nullptr;
  // Patterns (gitignore syntax) applied at the workspace root before its
  // .jvsignore, whose rules take precedence (Settings::ignore_patterns).
  std::vector<std::string> ignore_patterns;
  bool snapshot_fault_points = false;  // the snapshot.* fault points of the scan steps
};

struct ScanStats {
  uint64_t files = 0;
  uint64_t dirs = 0;
  uint64_t symlinks = 0;
  uint64_t hashed_files = 0;
  uint64_t hashed_bytes = 0;
  uint64_t stored_bytes = 0;
  uint64_t skipped_special = 0;
  uint64_t total_bytes = 0;
  int64_t walk_ns = 0;   // parallel directory walk and stat
  int64_t read_ns = 0;   // reading, hashing and storing changed files
  int64_t build_ns = 0;  // building and writing trees
};

using TreeMap = std::unordered_map<TreeId, std::shared_ptr<const Tree>, IdHash>;

struct ScanResult {
  TreeId root;
  TreeMap trees;         // every directory's tree, by id
  TreeState new_state;   // entries for every file and symlink; tree = root
  ScanStats stats;
  std::vector<std::string> warnings;
};

Result<ScanResult> ScanWorkspace(Env* env, Store& store, CloneEngine& engine,
                                 const fs::path& workspace_root, const TreeState& old_state,
                                 const ScanOptions& options, ThreadPool& pool);

}  // namespace jvs
