// Engine selection: which CloneEngine a repository uses, and why.
//
// Order: JVS_ENGINE (`forced`) wins. Otherwise the filesystem holding the
// control folder is identified by statfs (magic, fsid) and stat (st_dev); a
// decision cached in `.jvs/engine_cache` for that same filesystem is reused.
// Else the magic decides what to try: JuiceFS (a FUSE mount that
// /proc/self/mountinfo names fuse.juicefs) gets a copy_file_range probe;
// filesystems that cannot reflink (ext2/3/4, tmpfs, ...) get the copy engine
// without a probe; everything else (XFS, btrfs, bcachefs, NFS, unknown) gets
// a real FICLONE probe inside the control folder (probe files removed). The
// outcome is cached, keyed by the filesystem id, so later commands skip the
// probe; a different filesystem id (the repository moved or was copied)
// invalidates it. Thread-compatible free functions.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "jvs/engine/engine.h"

namespace jvs {

struct EngineChoice {
  std::unique_ptr<CloneEngine> engine;
  std::string reason;   // one line for `jvs info`
  std::string fs_type;  // "xfs", "btrfs", "ext4", "fuse.juicefs", ...
  bool cached = false;  // taken from .jvs/engine_cache without a probe
  // Set when a forced engine cannot do its job here (reflink on a filesystem
  // that cannot clone, juicefs off a JuiceFS mount): every file is copied.
  std::string warning;
};

struct EngineOptions {
  std::optional<std::string> forced;        // JVS_ENGINE: juicefs | reflink | copy
  std::string forced_by;                    // what forced it (default "JVS_ENGINE=<forced>")
  std::optional<std::string> mountinfo;     // mountinfo text (tests); default /proc/self/mountinfo
  std::optional<fs::path> juicefs_program;  // default: `juicefs` looked up in `program_path`
  // Where programs are looked up (PATH syntax); the caller passes its PATH.
  // Empty: /usr/local/bin:/usr/bin:/bin.
  std::string program_path;
  std::optional<uint64_t> magic;            // statfs f_type to assume (tests); default: statfs
  bool use_cache = true;
};

Result<EngineChoice> ChooseEngine(Env* env, const fs::path& control_dir, const EngineOptions& options);
Result<EngineChoice> ChooseEngine(Env* env, const fs::path& control_dir,
                                  const std::optional<std::string>& forced,
                                  const std::string& forced_by = {},
                                  const std::string& program_path = {});

// The cache file inside the control folder.
inline constexpr const char* kEngineCacheFile = "engine_cache";
inline constexpr const char* kEngineStatsFile = "engine_stats";

// ---- pieces, exposed for tests ----

// What statfs says about a filesystem.
struct FsIdentity {
  uint64_t magic = 0;  // f_type
  uint64_t fsid = 0;   // f_fsid
  uint64_t dev = 0;    // st_dev of the directory
  // "58465342:1a2b...:2049": the cache key.
  std::string Key() const;
};
Result<FsIdentity> IdentifyFilesystem(const fs::path& dir);

// "xfs", "btrfs", "ext4", "tmpfs", "fuse", "nfs", ... or "0x1234abcd".
std::string FsTypeName(uint64_t magic);

enum class FsFamily {
  kNoReflink,  // known not to clone: copy engine, no probe
  kFuse,       // look at mountinfo (JuiceFS?)
  kProbe,      // may reflink: FICLONE probe decides
};
FsFamily FamilyOf(uint64_t magic);

// FICLONE (or copy_file_range) between two probe files in `dir`; the probe
// files are removed whatever happens.
Status ProbeReflink(Env* env, const fs::path& dir);
Status ProbeCopyFileRange(Env* env, const fs::path& dir);

// The first executable `name` in a PATH-style list of directories.
std::optional<fs::path> FindProgramInPath(std::string_view name, std::string_view path_list);

}  // namespace jvs
