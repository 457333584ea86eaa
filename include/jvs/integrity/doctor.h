// Doctor: health findings about a repository and the repair of what is safe
// to repair. Looks only inside the control folder `.jvs` (never at the files
// of a workspace) and needs no readable current operation, so it runs on a
// repository that Repo::Open refuses.
//
// Findings (category):
//  - format:                 `.jvs/format` missing, malformed or too new; repo_id, store type
//  - interrupted_operation:  a restore interrupted while applying changes (checkout_pending);
//                            finished by running `jvs restore` again, never automatically
//  - temp_file:              temp files and staging folders of jvs commands whose process is
//                            gone; repair removes them
//  - lock:                   a worktree or op-heads lock held right now (locks are flock'ed:
//                            the kernel releases them when their holder dies, so a lock file
//                            alone is never stale)
//  - op_heads:               several op heads (concurrent operations not merged yet; repair
//                            merges them as any command would), an op head naming a missing
//                            operation, or none at all (repair re-creates heads from the
//                            newest operations)
//  - missing_object:         a snapshot, tree or blob that an operation's view reaches but
//                            the store lacks (not repairable)
//  - corrupt_object:         an object whose bytes do not match its id or do not decode
//  - permissions:            `.jvs` is readable or searchable by group or others, so the
//                            content of every snapshotted file is readable by them through the
//                            store whatever its mode in the workspace; repair: chmod 0700
//  - fork_leftover:          the directory of a `worktree fork` killed before it was recorded
//                            (files it cloned, and maybe files added since); never removed by
//                            doctor: running the fork again replaces it when it holds only
//                            what the fork wrote
//  - snapshot_index:         a segment of the snapshot index that is damaged or missing (a
//                            cache: commands leave it out); repair removes the index and
//                            builds it again from the current view
//  - orphan_object:          objects no operation reaches (info; `jvs gc` removes them, doctor
//                            never deletes objects)
// With `strict`, every reachable blob is re-hashed as well (a full VerifyAll).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "jvs/repo/repo.h"
#include "jvs/integrity/verify.h"

namespace jvs {

struct DoctorFinding {
  std::string category;  // see above
  std::string severity;  // "info", "warning" or "error"
  std::string description;
  std::vector<RemedyStep> remedies;  // what the user can do (worded by the CLI after the description)
  std::string path;  // the file or folder concerned ("" when none)
  bool repaired = false;
  bool corruption = false;  // damaged or tampered data (exit code 3)
};

struct DoctorOptions {
  bool strict = false;  // also re-hash every blob (verify --all)
  bool repair = false;  // fix what is safe
  // Temp files are removed only when their process is gone and they are at
  // least this old (a command on another machine sharing the repository may
  // still be writing a young one).
  std::chrono::seconds temp_min_age{120};
  ThreadPool* pool = nullptr;  // default: ThreadPool::Shared()
};

struct DoctorReport {
  std::vector<DoctorFinding> findings;
  std::optional<VerifyReport> verify;  // the object walk (blobs hashed with `strict`)
  // No warning or error is left unrepaired (info findings do not count).
  bool healthy() const;
  bool corruption() const;     // an unrepaired corruption finding
  bool errors_remain() const;  // an unrepaired finding of severity error
  uint64_t repaired() const;
};

// Examines (and with `options.repair`, repairs) the repository at `root`, the
// directory holding `.jvs`. `settings` identifies the caller for a merge
// operation that the repair publishes, and carries the progress sink.
Result<DoctorReport> Doctor(Env* env, const fs::path& root, const Settings& settings,
                            const DoctorOptions& options);

// What DoctorOptions::repair fixes, by finding category (the original JVS's
// repair list). Everything else is reported, never changed.
struct DoctorRepair {
  std::string category;     // a DoctorFinding category
  std::string description;  // what the repair does
};
const std::vector<DoctorRepair>& DoctorRepairs();

}  // namespace jvs
