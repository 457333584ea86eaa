// Git interop (docs/git.md): snapshots exported as Git commits into a Git
// repository, and Git commits imported as snapshots, through libgit2 (no git
// program runs). Conventions, both ways:
//   - files 100644, executables 100755, symlinks 120000 (the target as the
//     blob), directories 040000; jvs permission bits beyond these are not
//     kept by Git;
//   - an empty directory below the root holds one empty file `.jvskeep`
//     (kEmptyDirMarker), dropped again on import;
//   - note <-> message: a non-empty note gains one "\n", which import drops;
//   - author: "name <email>" as is; "user@host" as name "user", email
//     "user@host"; time: created_at, in whole seconds, UTC;
//   - the change id in the extra commit header `change-id`, in reverse hex
//     as Jujutsu writes it; a commit without one takes Jujutsu's synthetic
//     change id (SyntheticChangeId);
//   - a conflicted snapshot exports its materialized tree (conflict markers
//     in the files, as a worktree would hold it).
// The mapping snapshot <-> commit (and tree and blob ids) of each Git
// repository is kept in `.jvs/git/<key>` (GitMapPath); an entry whose object
// is gone on either side is redone.
//
// Plain functions; the Repo is the caller's (not thread-safe).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jvs/repo/repo.h"
#include "jvs/repo/workspace.h"

namespace jvs {

inline constexpr const char* kEmptyDirMarker = ".jvskeep";
inline constexpr const char* kChangeIdHeader = "change-id";

// What export does with a file larger than GitExportOptions::lfs_threshold.
enum class LargeFiles {
  kInclude,  // an ordinary blob (the threshold is not used)
  kLfs,      // a Git LFS pointer file; the content under GIT_DIR/lfs/objects/OID[0:2]/OID[2:4]/OID
  kSkip,     // left out of the commit, listed in `skipped`
};

struct GitExportOptions {
  fs::path git_dir;                     // created (bare) when missing
  std::vector<SnapshotId> snapshots;    // what to export; empty: every visible snapshot
  LargeFiles large_files = LargeFiles::kInclude;
  uint64_t lfs_threshold = 100ull << 20;  // bytes; files larger than this are "large"
};

struct GitExportOutcome {
  fs::path git_dir;
  bool created = false;          // the Git repository was made by this export
  size_t snapshots = 0;          // snapshots asked for (with their exported ancestors)
  size_t commits_written = 0;    // new commits (the others were mapped already)
  size_t blobs_written = 0;      // blobs converted in this run
  size_t conflicted = 0;         // conflicted snapshots exported materialized
  size_t lfs_objects = 0;        // large files placed under lfs/objects in this run
  std::vector<std::string> refs_updated;  // full ref names whose target changed
  std::vector<std::string> skipped;       // entries and refs Git refuses (".git"), with why
};

// Exports the snapshots (parents first) and sets refs/tags/TAG for every tag
// and refs/heads/WORKTREE for every worktree head among them, plus
// refs/jvs/keep/COMMIT for each exported snapshot no other exported snapshot
// descends from (so that every exported commit is reachable).
Result<GitExportOutcome> ExportToGit(Repo& repo, const GitExportOptions& options);

struct GitImportOptions {
  fs::path git_dir;
  // Glob over full ref names (fnmatch, '*' crosses '/'); empty: refs/heads/*
  // and refs/tags/*.
  std::string refs_pattern;
};

struct GitImportOutcome {
  size_t commits = 0;             // commits reachable from the selected refs
  size_t snapshots_written = 0;   // new snapshots (the others were mapped already)
  size_t lfs_objects = 0;         // LFS pointers resolved from lfs/objects
  std::vector<std::pair<std::string, SnapshotId>> tags_set;  // tag -> snapshot (new or moved)
  std::vector<std::string> skipped;  // refs or entries left out, with why
  std::optional<OperationId> op;     // none when nothing changed
};

// Imports the commits reachable from the selected refs as snapshots (parents
// first) and publishes them in one operation of worktree ws: each commit
// becomes a visible snapshot; refs/tags/NAME -> tag NAME; refs/heads/NAME ->
// tag NAME too, unless a Git tag of that name exists (the tag wins). A Git
// LFS pointer file whose object is under GIT_DIR/lfs/objects becomes the
// object's content (checked against its SHA-256); without it, the pointer
// stays as it is. Names
// that are not valid tag names are listed in `skipped` (their commits are
// still imported). No file of any worktree changes.
Result<GitImportOutcome> ImportFromGit(Workspace& ws, const GitImportOptions& options);

// The text of the Git LFS pointer file (spec v1) for content with SHA-256
// `oid_hex` and `size` bytes; and the reverse (nullopt: not a pointer).
std::string LfsPointer(std::string_view oid_hex, uint64_t size);
std::optional<std::pair<std::string, uint64_t>> ParseLfsPointer(std::string_view text);

// Jujutsu's change id for a Git commit without a change-id header: bytes
// 4..19 of the commit id, in reverse order, each byte's bits reversed; as
// 32 lowercase hex digits. `commit_hex` is 40 hex digits.
std::string SyntheticChangeId(std::string_view commit_hex);

// Where the mapping of the Git repository `git_dir` lives.
fs::path GitMapPath(const Repo& repo, const fs::path& git_dir);

}  // namespace jvs
