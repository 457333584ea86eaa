// Doctor (include/jvs/integrity/doctor.h): the run shared by its files.
// doctor.cc holds the report, the driver and the findings that are only
// reported (format and identity, interrupted restores and locks, the object
// walk of verify); doctor_repair.cc the findings doctor can repair (temp
// files of dead commands, op heads) together with their repairs. Looks only
// inside `.jvs`. Private to the integrity layer; one thread.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "integrity/parts.h"
#include "jvs/integrity/doctor.h"

namespace jvs::doctor_internal {

// The entries of `dir`, sorted by name (none when it does not exist).
Result<std::vector<DirEntry>> List(Env* env, const fs::path& dir);

class DoctorRun {
 public:
  DoctorRun(Env* env, fs::path root, const Settings& settings, const DoctorOptions& options)
      : env_(env),
        root_(std::move(root)),
        control_(root_ / kControlDirName),
        parts_(integrity_internal::OpenPartsToInspect(env_, control_)),
        settings_(settings),
        options_(options) {}

  Result<DoctorReport> Run();

 private:
  DoctorFinding& Add(std::string category, std::string severity, std::string description,
                     const fs::path& path, bool corruption = false);

  // ---- findings only (doctor.cc) ----
  // False when nothing else can be interpreted.
  bool CheckFormat();
  void CheckIdentity();
  // Interrupted restores and locks.
  Status CheckWorktrees();
  bool MarkerPublished(const std::string& worktree, const std::string& text);
  // The object walk of VerifyAll.
  void CheckObjects();
  fs::path ObjectPath(ObjectKind kind, const std::string& hex) const;

  // ---- permissions and leftovers of forks (doctor_places.cc) ----
  // `.jvs` readable or searchable by group or others (repair: chmod 0700).
  void CheckControlFolderMode();
  // Directories left by forks interrupted before they published.
  Status CheckForkLeftovers();

  // ---- per-worktree records (doctor_records.cc) ----
  // The worktrees of the views of the op heads (none when unreadable).
  Result<std::set<std::string>> ViewWorktrees();
  // A worktree of the view without a readable `path` record.
  Status CheckWorktreeRecords();
  // A tree state that does not decode (a cache: repair removes it).
  Status CheckTreeStates();
  Status CheckSnapshotIndex();

  // ---- findings with repairs (doctor_repair.cc) ----
  Status CheckTempFiles();
  // The op heads, sorted (none when their folder is missing).
  Result<std::vector<OperationId>> Heads();
  Status CheckOpHeads();
  // Creates a head for every operation that no other operation names as a
  // parent. Returns how many.
  Result<size_t> RecoverHeads();

  Env* env_;
  fs::path root_, control_;
  // The store backend, op store and op heads: every path doctor names or
  // touches under them comes from them.
  integrity_internal::InspectedParts parts_;
  const Settings& settings_;
  DoctorOptions options_;
  DoctorReport report_;
};

}  // namespace jvs::doctor_internal
