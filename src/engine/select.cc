#include "engine/select.h"

#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>

#include "engine/mountinfo.h"

namespace jvs {

namespace {

constexpr uint64_t kXfsMagic = 0x58465342;
constexpr uint64_t kBtrfsMagic = 0x9123683E;
constexpr uint64_t kExt4Magic = 0xEF53;
constexpr uint64_t kTmpfsMagic = 0x01021994;
constexpr uint64_t kRamfsMagic = 0x858458f6;
constexpr uint64_t kFuseMagic = 0x65735546;
constexpr uint64_t kNfsMagic = 0x6969;
constexpr uint64_t kCifsMagic = 0xFF534D42;
constexpr uint64_t kSmb2Magic = 0xFE534D42;
constexpr uint64_t kOverlayMagic = 0x794c7630;
constexpr uint64_t kBcachefsMagic = 0xca451a4e;
constexpr uint64_t kZfsMagic = 0x2fc12fc1;
constexpr uint64_t kF2fsMagic = 0xF2F52010;
constexpr uint64_t kOcfs2Magic = 0x7461636f;
constexpr uint64_t kMsdosMagic = 0x4d44;
constexpr uint64_t kExfatMagic = 0x2011BAB0;
constexpr uint64_t kNtfs3Magic = 0x7366746e;
constexpr uint64_t k9pMagic = 0x01021997;
constexpr uint64_t kCephMagic = 0x00c36400;

constexpr int kCacheVersion = 1;
std::atomic<uint64_t> g_probe_counter{0};

std::string Hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%llx", static_cast<unsigned long long>(v));
  return buf;
}

// The directory for probe files: .jvs/tmp when it exists.
fs::path ProbeDir(Env* env, const fs::path& control_dir) {
  fs::path tmp = control_dir / "tmp";
  auto st = env->Stat(tmp);
  return st.ok() && S_ISDIR(st->st_mode) ? tmp : control_dir;
}

// Two probe files a (with 64 KiB of data, so no filesystem keeps it inline)
// and b (empty); `op` moves a into b; b is then checked and both removed.
template <typename Op>
Status Probe(Env* env, const fs::path& dir, Op op) {
  std::string base = ".engine-probe-" + std::to_string(::getpid()) + "-" + std::to_string(g_probe_counter++);
  fs::path a = dir / (base + "-a"), b = dir / (base + "-b");
  std::string data(64u << 10, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 + 7);
  auto run = [&]() -> Status {
    JVS_ASSIGN_OR_RETURN(UniqueFd fa, env->Open(a, O_RDWR | O_CREAT | O_EXCL, 0600));
    JVS_ASSIGN_OR_RETURN(UniqueFd fb, env->Open(b, O_RDWR | O_CREAT | O_EXCL, 0600));
    JVS_TRY(env->Write(fa.get(), data.data(), data.size()));
    JVS_TRY(op(fa.get(), fb.get(), data.size()));
    fb.reset();
    JVS_ASSIGN_OR_RETURN(std::string back, env->ReadFile(b, data.size() + 1));
    if (back != data) return Error(ErrorCode::kIo, "the probe copy differs from its source");
    return OkStatus();
  };
  Status st = run();
  (void)env->Unlink(a);
  (void)env->Unlink(b);
  return st;
}

std::unique_ptr<CloneEngine> MakeNamed(std::string_view name, bool on_juicefs,
                                       const std::optional<fs::path>& juicefs_program) {
  if (name == "copy") return MakeCopyEngine();
  if (name == "reflink") return MakeReflinkEngine();
  if (name == "juicefs") return MakeJuiceFsEngine(on_juicefs, juicefs_program);
  return nullptr;
}

std::optional<fs::path> JuiceFsProgram(const EngineOptions& o) {
  if (o.juicefs_program) return o.juicefs_program->empty() ? std::nullopt : o.juicefs_program;
  return FindProgramInPath("juicefs", o.program_path.empty() ? "/usr/local/bin:/usr/bin:/bin" : o.program_path);
}

// The mount holding `dir`, from mountinfo.
std::optional<MountEntry> MountOf(Env* env, const fs::path& dir, const EngineOptions& o, uint64_t dev) {
  std::string text;
  if (o.mountinfo) {
    text = *o.mountinfo;
  } else {
    auto t = env->ReadFile("/proc/self/mountinfo", 16u << 20);
    if (!t.ok()) return std::nullopt;
    text = std::move(t).value();
  }
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  if (ec) canon = fs::absolute(dir).lexically_normal();
  return FindMount(ParseMountInfo(text), canon.string(),
                   std::make_pair(static_cast<unsigned>(major(dev)), static_cast<unsigned>(minor(dev))));
}

std::string JuiceFsDetail(const MountEntry& m, const std::optional<fs::path>& program) {
  std::string s = "JuiceFS mount " + m.mount_point + " (" + m.source + "): files cloned by copy_file_range";
  s += program ? "; directories by '" + program->string() + " clone'"
               : "; no juicefs program on PATH, so directories are cloned file by file";
  return s;
}

// ---- the cache file: "key value" lines ----
struct CacheRecord {
  std::string fs_key, engine, fs_type, reason;
};

std::optional<CacheRecord> ReadCache(Env* env, const fs::path& control_dir) {
  auto text = env->ReadFile(control_dir / kEngineCacheFile, 64 << 10);
  if (!text.ok()) return std::nullopt;
  std::map<std::string, std::string> kv;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    std::string line = text->substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text->size() : nl + 1;
    size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    kv[line.substr(0, sp)] = line.substr(sp + 1);
  }
  if (kv["jvs-engine-cache"] != std::to_string(kCacheVersion)) return std::nullopt;
  CacheRecord r{kv["fs"], kv["engine"], kv["fs_type"], kv["reason"]};
  if (r.fs_key.empty() || r.engine.empty()) return std::nullopt;
  return r;
}

void WriteCache(Env* env, const fs::path& control_dir, const CacheRecord& r) {
  auto clean = [](std::string s) {
    for (char& c : s)
      if (c == '\n' || c == '\r') c = ' ';
    return s;
  };
  std::string text = "jvs-engine-cache " + std::to_string(kCacheVersion) + "\n" +
                     "fs " + clean(r.fs_key) + "\n" + "engine " + clean(r.engine) + "\n" +
                     "fs_type " + clean(r.fs_type) + "\n" + "reason " + clean(r.reason) + "\n";
  (void)env->WriteFileAtomic(control_dir / kEngineCacheFile, text);  // best effort (read-only media)
}

Result<EngineChoice> Forced(Env* env, const fs::path& control_dir, const EngineOptions& o,
                            const std::string& forced) {
  EngineChoice c;
  const std::string by = o.forced_by.empty() ? "JVS_ENGINE=" + forced : o.forced_by;
  if (forced == "juicefs") {
    auto id = IdentifyFilesystem(control_dir);
    std::optional<MountEntry> m = id.ok() ? MountOf(env, control_dir, o, id->dev) : std::nullopt;
    bool on_juicefs = m && IsJuiceFsMount(*m);
    auto program = JuiceFsProgram(o);
    c.engine = MakeJuiceFsEngine(on_juicefs, program);
    c.fs_type = m ? m->fstype : "";
    c.reason = "forced by " + by + "; " +
               (on_juicefs ? JuiceFsDetail(*m, program)
                           : std::string("the control folder is not on a JuiceFS mount, so "
                                         "copy_file_range copies bytes here (counted as copies)"));
    if (!on_juicefs)
      c.warning = by + ": the repository is not on a JuiceFS mount" +
                  (c.fs_type.empty() ? std::string() : " (it is on " + c.fs_type + ")") +
                  ", so files are copied, not cloned";
    return c;
  }
  c.engine = MakeNamed(forced, false, std::nullopt);
  if (!c.engine)
    return Error(ErrorCode::kInvalidArgument, "unknown engine '" + forced + "' (" + by + ")",
                 "use juicefs, reflink or copy");
  c.reason = "forced by " + by;
  if (forced == "reflink") c.reason += " (files that cannot be cloned are copied, and counted as fallbacks)";
  if (auto id = IdentifyFilesystem(control_dir); id.ok()) c.fs_type = FsTypeName(id->magic);
  // A forced reflink is checked once per open (one 64 KiB probe), so a
  // filesystem that cannot clone is said, not silently copied.
  if (forced == "reflink") {
    Status probe = ProbeReflink(env, ProbeDir(env, control_dir));
    // Only "cannot clone" counts; a read-only or full folder says nothing
    // about cloning.
    if (!probe.ok() && probe.error().code() != ErrorCode::kPermissionDenied &&
        probe.error().code() != ErrorCode::kNoSpace)
      c.warning = by + ": this filesystem" + (c.fs_type.empty() ? std::string() : " (" + c.fs_type + ")") +
                  " cannot clone files (" + probe.error().message() + "), so files are copied";
  }
  return c;
}

}  // namespace

std::string FsIdentity::Key() const { return Hex(magic) + ":" + Hex(fsid) + ":" + std::to_string(dev); }

Result<FsIdentity> IdentifyFilesystem(const fs::path& dir) {
  struct statfs sfs;
  if (::statfs(dir.c_str(), &sfs) != 0) return ErrnoError(errno, "cannot statfs '" + dir.string() + "'");
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return ErrnoError(errno, "cannot stat '" + dir.string() + "'");
  FsIdentity id;
  id.magic = static_cast<uint64_t>(static_cast<uint32_t>(sfs.f_type));
  uint32_t v[2];
  static_assert(sizeof(v) == sizeof(sfs.f_fsid));
  std::memcpy(v, &sfs.f_fsid, sizeof(v));
  id.fsid = (static_cast<uint64_t>(v[0]) << 32) | v[1];
  id.dev = static_cast<uint64_t>(st.st_dev);
  return id;
}

std::string FsTypeName(uint64_t magic) {
  switch (magic) {
    case kXfsMagic: return "xfs";
    case kBtrfsMagic: return "btrfs";
    case kExt4Magic: return "ext4";
    case kTmpfsMagic: return "tmpfs";
    case kRamfsMagic: return "ramfs";
    case kFuseMagic: return "fuse";
    case kNfsMagic: return "nfs";
    case kCifsMagic: return "cifs";
    case kSmb2Magic: return "smb2";
    case kOverlayMagic: return "overlay";
    case kBcachefsMagic: return "bcachefs";
    case kZfsMagic: return "zfs";
    case kF2fsMagic: return "f2fs";
    case kOcfs2Magic: return "ocfs2";
    case kMsdosMagic: return "vfat";
    case kExfatMagic: return "exfat";
    case kNtfs3Magic: return "ntfs3";
    case k9pMagic: return "9p";
    case kCephMagic: return "ceph";
    default: return "0x" + Hex(magic);
  }
}

FsFamily FamilyOf(uint64_t magic) {
  switch (magic) {
    case kExt4Magic:
    case kTmpfsMagic:
    case kRamfsMagic:
    case kF2fsMagic:
    case kMsdosMagic:
    case kExfatMagic:
    case kNtfs3Magic:
    case k9pMagic:
      return FsFamily::kNoReflink;
    case kFuseMagic:
      return FsFamily::kFuse;
    default:
      return FsFamily::kProbe;
  }
}

Status ProbeReflink(Env* env, const fs::path& dir) {
  return Probe(env, dir, [env](int a, int b, size_t) { return env->CloneFile(a, b); });
}

Status ProbeCopyFileRange(Env* env, const fs::path& dir) {
  return Probe(env, dir, [env](int a, int b, size_t n) -> Status {
    int64_t in = 0, out = 0;
    while (static_cast<size_t>(in) < n) {
      JVS_ASSIGN_OR_RETURN(size_t k, env->CopyFileRange(a, &in, b, &out, n - static_cast<size_t>(in)));
      if (k == 0) return Error(ErrorCode::kIo, "copy_file_range stopped early");
    }
    return OkStatus();
  });
}

std::optional<fs::path> FindProgramInPath(std::string_view name, std::string_view path_list) {
  size_t pos = 0;
  while (pos <= path_list.size()) {
    size_t colon = path_list.find(':', pos);
    std::string_view dir = path_list.substr(pos, colon == std::string_view::npos ? std::string_view::npos : colon - pos);
    pos = colon == std::string_view::npos ? path_list.size() + 1 : colon + 1;
    if (dir.empty() || dir[0] != '/') continue;  // "" and relative entries would mean the cwd
    fs::path p = fs::path(std::string(dir)) / std::string(name);
    struct stat st;
    if (::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0) return p;
  }
  return std::nullopt;
}

Result<EngineChoice> ChooseEngine(Env* env, const fs::path& control_dir,
                                  const std::optional<std::string>& forced,
                                  const std::string& forced_by,
                                  const std::string& program_path) {
  EngineOptions o;
  o.forced = forced;
  o.forced_by = forced_by;
  o.program_path = program_path;
  return ChooseEngine(env, control_dir, o);
}

Result<EngineChoice> ChooseEngine(Env* env, const fs::path& control_dir, const EngineOptions& o) {
  Result<EngineChoice> result = [&]() -> Result<EngineChoice> {
    if (o.forced && !o.forced->empty()) return Forced(env, control_dir, o, *o.forced);
    EngineChoice c;
    auto id = IdentifyFilesystem(control_dir);
    if (!id.ok()) {
      c.engine = MakeCopyEngine();
      c.reason = "cannot identify the filesystem (" + id.error().message() + "): copy";
      return c;
    }
    if (o.magic) id->magic = *o.magic;
    std::string key = id->Key();
    if (o.use_cache) {
      if (auto rec = ReadCache(env, control_dir); rec && rec->fs_key == key) {
        c.engine = MakeNamed(rec->engine, true, rec->engine == "juicefs" ? JuiceFsProgram(o) : std::nullopt);
        if (c.engine) {
          c.fs_type = rec->fs_type;
          c.reason = rec->reason + " [cached in .jvs/" + kEngineCacheFile + "]";
          c.cached = true;
          return c;
        }
      }
    }
    c.fs_type = FsTypeName(id->magic);
    fs::path probe_dir = ProbeDir(env, control_dir);
    FsFamily family = FamilyOf(id->magic);
    std::optional<MountEntry> mount;
    if (family == FsFamily::kFuse) {
      mount = MountOf(env, control_dir, o, id->dev);
      if (mount) c.fs_type = mount->fstype;
    }
    if (family == FsFamily::kNoReflink) {
      c.engine = MakeCopyEngine();
      c.reason = c.fs_type + " cannot share extents: in-kernel copy (copy_file_range)";
    } else if (mount && IsJuiceFsMount(*mount)) {
      Status probe = ProbeCopyFileRange(env, probe_dir);
      if (probe.ok()) {
        auto program = JuiceFsProgram(o);
        c.engine = MakeJuiceFsEngine(true, program);
        c.reason = JuiceFsDetail(*mount, program);
      } else {
        c.engine = MakeCopyEngine();
        c.reason = "JuiceFS mount " + mount->mount_point + " but the copy_file_range probe failed (" +
                   probe.error().message() + "): read/write copy";
      }
    } else {
      Status probe = ProbeReflink(env, probe_dir);
      if (probe.ok()) {
        c.engine = MakeReflinkEngine();
        c.reason = c.fs_type + ": the FICLONE probe in the control folder succeeded";
      } else {
        c.engine = MakeCopyEngine();
        std::string why = probe.error().message();
        c.reason = c.fs_type + ": the FICLONE probe failed (" + why + "): in-kernel copy (copy_file_range)";
        if (id->magic == kXfsMagic) c.reason += "; was it made with mkfs.xfs -m reflink=0?";
      }
    }
    if (o.use_cache) WriteCache(env, control_dir, {key, std::string(c.engine->name()), c.fs_type, c.reason});
    return c;
  }();
  if (result.ok()) result->engine->set_stats_path(control_dir / kEngineStatsFile);
  return result;
}

}  // namespace jvs
