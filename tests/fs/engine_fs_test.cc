// Real-filesystem tests: small XFS (reflink=1 and reflink=0) and btrfs images
// are loop-mounted, the engine conformance suite runs on every engine each
// one offers, FIEMAP proves that reflinked blobs share extents with workspace
// files, and the real `jvs` binary snapshots and restores on each. Every
// mount and loop device this process made is unmounted and detached on the
// way out (RAII, also when a test fails). Where loop mounting is impossible
// (not root, no /dev/loop-control, no mkfs, mount refused) each test reports
// SKIPPED with the reason.
// Over 400 lines on purpose: the loop-mount setup is expensive and every check runs on the same
// mounted images.

#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../e2e/e2e_util.h"
#include "engine/select.h"
#include "engine_conformance.h"
#include "loop_mount.h"
#include "jvs/engine/engine.h"
#include "jvs/base/hash.h"

namespace jvs {
namespace {

using conformance::EngineCase;
using conformance::EngineConformance;
using conformance::PseudoRandomBytes;
using e2e::json;
using e2e::RunResult;

// ---- loop-mounted filesystems (loop_mount.h) ----

const std::vector<FsSpec>& Specs() {
  static const std::vector<FsSpec> specs = {
      {"xfs", "xfs", 300u << 20, {"mkfs.xfs", "-q", "-f", "-m", "reflink=1"}},
      {"btrfs", "btrfs", 256u << 20, {"mkfs.btrfs", "-q", "-f"}},
      {"xfs_noreflink", "xfs", 300u << 20, {"mkfs.xfs", "-q", "-f", "-m", "reflink=0"}},
  };
  return specs;
}

// Mounts are made on first use and kept for the whole process; the global
// environment's TearDown (after the last test, failed or not) removes them.
class Mounts : public ::testing::Environment {
 public:
  static Mounts& Get() {
    static Mounts* m = [] {
      auto* e = new Mounts;
      ::testing::AddGlobalTestEnvironment(e);  // gtest owns it
      return e;
    }();
    return *m;
  }
  // The mount for `name`, or nullptr with *skip set.
  LoopMount* Of(const std::string& name, std::string* skip) {
    std::lock_guard<std::mutex> l(mu_);
    auto it = mounts_.find(name);
    if (it == mounts_.end()) {
      std::string why;
      const FsSpec* spec = nullptr;
      for (const auto& s : Specs())
        if (s.name == name) spec = &s;
      auto m = spec ? LoopMount::Make(*spec, &why) : nullptr;
      it = mounts_.emplace(name, Entry{std::move(m), why}).first;
    }
    if (!it->second.mount) *skip = name + ": " + it->second.skip;
    return it->second.mount.get();
  }
  void TearDown() override {
    std::lock_guard<std::mutex> l(mu_);
    mounts_.clear();
  }

 private:
  struct Entry {
    std::unique_ptr<LoopMount> mount;
    std::string skip;
  };
  std::mutex mu_;
  std::map<std::string, Entry> mounts_;
};

// Registered before main() runs the tests.
[[maybe_unused]] const bool kMountsRegistered = (Mounts::Get(), true);

conformance::DirSource OnFs(const std::string& name) {
  return [name](std::string* skip) -> std::optional<fs::path> {
    LoopMount* m = Mounts::Get().Of(name, skip);
    if (!m) return std::nullopt;
    return m->NewDir("conf");
  };
}

#define REQUIRE_MOUNT(var, name)                         \
  std::string var##_skip;                                \
  LoopMount* var = Mounts::Get().Of(name, &var##_skip);  \
  if (!var) GTEST_SKIP() << var##_skip

// JuiceFS cannot be installed from Debian packages: point JVS_TEST_JUICEFS_DIR
// at a directory inside a JuiceFS mount to run the JuiceFS cases there.
conformance::DirSource OnJuiceFs() {
  return [](std::string* skip) -> std::optional<fs::path> {
    const char* dir = std::getenv("JVS_TEST_JUICEFS_DIR");
    if (!dir || !*dir) {
      *skip = "set JVS_TEST_JUICEFS_DIR to a directory inside a JuiceFS mount to run this (docs/engines.md)";
      return std::nullopt;
    }
    // One directory per process inside the mount, removed at exit.
    struct Root {
      fs::path path;
      ~Root() {
        std::error_code ec;
        if (!path.empty()) fs::remove_all(path, ec);
      }
    };
    static Root root{fs::path(dir) / ("jvs-fs-test-" + std::to_string(::getpid()))};
    static int n = 0;
    fs::path d = root.path / ("case" + std::to_string(n++));
    std::error_code ec;
    fs::create_directories(d, ec);
    if (ec) {
      *skip = "cannot create " + d.string() + ": " + ec.message();
      return std::nullopt;
    }
    return d;
  };
}

// ---- FIEMAP ----

struct Extent {
  uint64_t logical, physical, length;
  uint32_t flags;
};

std::vector<Extent> Fiemap(const fs::path& p) {
  std::vector<Extent> out;
  UniqueFd fd(::open(p.c_str(), O_RDONLY));
  EXPECT_TRUE(fd.valid()) << p;
  if (!fd.valid()) return out;
  constexpr unsigned kMax = 512;
  std::vector<char> buf(sizeof(struct fiemap) + kMax * sizeof(struct fiemap_extent));
  auto* fm = reinterpret_cast<struct fiemap*>(buf.data());
  uint64_t start = 0;
  while (true) {
    std::fill(buf.begin(), buf.end(), 0);
    fm->fm_start = start;
    fm->fm_length = ~0ULL - start;
    fm->fm_flags = FIEMAP_FLAG_SYNC;
    fm->fm_extent_count = kMax;
    if (::ioctl(fd.get(), FS_IOC_FIEMAP, fm) != 0) {
      ADD_FAILURE() << "FIEMAP failed on " << p << ": " << std::strerror(errno);
      return out;
    }
    if (fm->fm_mapped_extents == 0) break;
    bool last = false;
    for (unsigned i = 0; i < fm->fm_mapped_extents; ++i) {
      const auto& e = fm->fm_extents[i];
      out.push_back({e.fe_logical, e.fe_physical, e.fe_length, e.fe_flags});
      last = last || (e.fe_flags & FIEMAP_EXTENT_LAST);
      start = e.fe_logical + e.fe_length;
    }
    if (last) break;
  }
  return out;
}

// True when every extent of `a` is flagged shared and `b` maps the same
// physical blocks: the two files really share their data.
::testing::AssertionResult SharesExtents(const fs::path& a, const fs::path& b) {
  auto ea = Fiemap(a), eb = Fiemap(b);
  if (ea.empty()) return ::testing::AssertionFailure() << a << " has no extents";
  std::set<std::pair<uint64_t, uint64_t>> pa, pb;
  for (const auto& e : ea) {
    if (!(e.flags & FIEMAP_EXTENT_SHARED))
      return ::testing::AssertionFailure() << a << ": extent at " << e.logical << " is not shared";
    pa.insert({e.physical, e.length});
  }
  for (const auto& e : eb) pb.insert({e.physical, e.length});
  // Extents may be split differently; compare the covered physical ranges.
  auto cover = [](const std::set<std::pair<uint64_t, uint64_t>>& s) {
    std::vector<std::pair<uint64_t, uint64_t>> v;
    for (auto [p, l] : s) {
      if (!v.empty() && v.back().first + v.back().second == p) v.back().second += l;
      else v.push_back({p, l});
    }
    return v;
  };
  if (cover(pa) != cover(pb)) return ::testing::AssertionFailure() << a << " and " << b << " map different blocks";
  return ::testing::AssertionSuccess();
}

std::string Sha256Hex(const std::string& data) {
  Digest d = Sha256Of(data);
  return ToHex(d.data(), d.size());
}

fs::path BlobPath(const fs::path& repo, const std::string& content) {
  return testing::StoreObjectFile(repo / ".jvs" / "store", "blob", Sha256Hex(content));
}

uint64_t Allocated(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return static_cast<uint64_t>(st.st_blocks) * 512;
}

void Overwrite(const fs::path& p, uint64_t off, const std::string& data) {
  UniqueFd fd(::open(p.c_str(), O_WRONLY));
  ASSERT_TRUE(fd.valid()) << p;
  ASSERT_EQ(::pwrite(fd.get(), data.data(), data.size(), static_cast<off_t>(off)), static_cast<ssize_t>(data.size()));
}

// ---- the conformance suite on each filesystem ----

std::vector<EngineCase> FsCases() {
  std::vector<EngineCase> cases;
  auto copy = [] { return MakeCopyEngine(); };
  auto reflink = [] { return MakeReflinkEngine(); };
  cases.push_back({"xfs_copy", copy, OnFs("xfs"), OnFs("btrfs"), true, true});
  cases.push_back({"xfs_reflink", reflink, OnFs("xfs"), OnFs("btrfs"), true, true});
  cases.push_back({"btrfs_copy", copy, OnFs("btrfs"), OnFs("xfs"), true, true});
  cases.push_back({"btrfs_reflink", reflink, OnFs("btrfs"), OnFs("xfs"), true, true});
  // Without reflink support every clone falls back, file by file.
  cases.push_back({"xfs_noreflink_copy", copy, OnFs("xfs_noreflink"), OnFs("xfs"), true, true});
  cases.push_back({"xfs_noreflink_reflink", reflink, OnFs("xfs_noreflink"), OnFs("xfs"), true, false});
  // Holes on JuiceFS are its own business (copy_file_range there is a metadata clone).
  cases.push_back({"juicefs_juicefs", [] { return MakeJuiceFsEngine(true, std::nullopt); }, OnJuiceFs(), OnFs("xfs"),
                   false, true});
  cases.push_back({"juicefs_copy", copy, OnJuiceFs(), OnFs("xfs"), true, true});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Fs, EngineConformance, ::testing::ValuesIn(FsCases()),
                         conformance::CaseName);

std::string FsName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

class ReflinkFsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ReflinkFsTest, CloneSharesExtentsAndCopyOnWriteKeepsTheSourceIntact) {
  REQUIRE_MOUNT(m, GetParam());
  fs::path dir = m->NewDir("fiemap");
  std::string content = PseudoRandomBytes((4u << 20) + 100, 77);
  testing::WriteFile(dir / "src", content);
  auto engine = MakeReflinkEngine();
  {
    UniqueFd in(::open((dir / "src").c_str(), O_RDONLY));
    UniqueFd out(::open((dir / "dst").c_str(), O_RDWR | O_CREAT | O_EXCL, 0644));
    ASSERT_TRUE(engine->CloneContent(Env::Default(), in.get(), out.get(), content.size()).ok());
  }
  EXPECT_EQ(engine->counters().cloned.load(), 1u);
  EXPECT_EQ(engine->counters().bytes_copied.load(), 0u);
  EXPECT_TRUE(SharesExtents(dir / "src", dir / "dst"));
  EXPECT_TRUE(SharesExtents(dir / "dst", dir / "src"));
  Overwrite(dir / "dst", 1u << 20, "changed");
  EXPECT_EQ(testing::ReadFile(dir / "src"), content);
}

TEST_P(ReflinkFsTest, DetectionChoosesReflinkByProbeAndCachesIt) {
  REQUIRE_MOUNT(m, GetParam());
  fs::path control = m->NewDir("detect") / ".jvs";
  fs::create_directories(control / "tmp");
  auto c = ChooseEngine(Env::Default(), control, EngineOptions{});
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->engine->name(), "reflink") << c->reason;
  EXPECT_EQ(c->fs_type, GetParam());
  EXPECT_NE(c->reason.find("FICLONE probe"), std::string::npos) << c->reason;
  EXPECT_TRUE(fs::is_empty(control / "tmp"));
  auto again = ChooseEngine(Env::Default(), control, EngineOptions{});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->cached);
}

INSTANTIATE_TEST_SUITE_P(Fs, ReflinkFsTest, ::testing::Values("xfs", "btrfs"), FsName);

TEST(NoReflinkFs, DetectionFallsBackToCopyWithTheReason) {
  REQUIRE_MOUNT(m, "xfs_noreflink");
  fs::path control = m->NewDir("detect") / ".jvs";
  fs::create_directories(control / "tmp");
  auto c = ChooseEngine(Env::Default(), control, EngineOptions{});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->engine->name(), "copy");
  EXPECT_NE(c->reason.find("FICLONE probe failed"), std::string::npos) << c->reason;
  EXPECT_NE(c->reason.find("reflink=0"), std::string::npos) << c->reason;
}

TEST(JuiceFs, DetectedFromMountInfoAndClonesTrees) {
  std::string skip;
  auto dir = OnJuiceFs()(&skip);
  if (!dir) GTEST_SKIP() << skip;
  fs::path control = *dir / ".jvs";
  fs::create_directories(control / "tmp");
  auto c = ChooseEngine(Env::Default(), control, EngineOptions{});
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->engine->name(), "juicefs") << c->reason;
  EXPECT_EQ(c->fs_type, "fuse.juicefs");
  if (!c->engine->can_clone_tree()) GTEST_SKIP() << "no juicefs program on PATH: " << c->reason;
  testing::WriteFile(*dir / "tree" / "a" / "file", "hello");
  ASSERT_EQ(::chmod((*dir / "tree" / "a" / "file").c_str(), 0755), 0);
  Status st = c->engine->CloneTree(*dir / "tree", *dir / "tree-clone");
  ASSERT_TRUE(st.ok()) << st.error().message();
  EXPECT_EQ(testing::ReadFile(*dir / "tree-clone" / "a" / "file"), "hello");
  struct stat s {};
  ASSERT_EQ(::stat((*dir / "tree-clone" / "a" / "file").c_str(), &s), 0);
  EXPECT_EQ(s.st_mode & 0777, 0755u);
  EXPECT_EQ(c->engine->CloneTree(*dir / "tree", *dir / "tree-clone").error().code(), ErrorCode::kAlreadyExists);
}

// ---- end to end through the jvs binary ----

class JvsOnFs : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    LoopMount* m = Mounts::Get().Of(GetParam(), &skip_);
    if (!m) GTEST_SKIP() << skip_;
    root_ = m->NewDir("e2e");
    ASSERT_EQ(Jvs(root_, {"init", "repo"}).exit_code, 0);
    ws_ = root_ / "repo" / "main";
  }
  RunResult Jvs(const fs::path& cwd, std::vector<std::string> args, const e2e::EnvOverrides& env = {}) {
    RunResult r = e2e::JvsEnv(cwd, std::move(args), env);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return r;
  }
  json JvsJson(std::vector<std::string> args, const e2e::EnvOverrides& env = {}) {
    args.insert(args.begin(), "--json");
    return e2e::ParseJson(Jvs(ws_, std::move(args), env).out);
  }
  void Put(const std::string& rel, const std::string& content, mode_t mode = 0644) {
    testing::WriteFile(ws_ / rel, content);
    ASSERT_EQ(::chmod((ws_ / rel).c_str(), mode), 0);
  }
  fs::path Repo() const { return root_ / "repo"; }

  std::string skip_;
  fs::path root_, ws_;
};

TEST_P(JvsOnFs, SnapshotAndRestoreShareExtentsAndStayIsolated) {
  json info = JvsJson({"info"});
  EXPECT_EQ(info["engine"], "reflink") << info.dump();
  // Large files only: every file is cloned, the descriptor says reflink.
  std::string big = PseudoRandomBytes((3u << 20) + 11, 1), big2 = PseudoRandomBytes(2u << 20, 2);
  Put("big.bin", big);
  Put("tools/run.bin", big2, 0755);
  json s1 = JvsJson({"snapshot", "-m", "one", "--tag", "s1"});
  EXPECT_EQ(s1["engine"], "reflink") << s1.dump();
  fs::path blob = BlobPath(Repo(), big);
  ASSERT_TRUE(fs::exists(blob));
  EXPECT_TRUE(SharesExtents(ws_ / "big.bin", blob)) << "ingest did not reflink";

  // Small files, a symlink, a sparse file and an empty directory.
  Put("notes/a.txt", "alpha\n");
  Put("notes/empty", "");
  Put("notes/run.sh", "#!/bin/sh\necho hi\n", 0755);
  ASSERT_EQ(::symlink("a.txt", (ws_ / "notes" / "link").c_str()), 0);
  fs::create_directories(ws_ / "empty" / "dir");
  {
    UniqueFd fd(::open((ws_ / "sparse.img").c_str(), O_RDWR | O_CREAT, 0644));
    conformance::WriteAt(fd.get(), 6u << 20, "tail data");
    ASSERT_EQ(::ftruncate(fd.get(), 16 << 20), 0);
  }
  json s2 = JvsJson({"snapshot", "-m", "two", "--tag", "s2"});
  EXPECT_EQ(s2["engine"], "reflink") << "small files are cloned too (docs/engines.md, Small files)";
  e2e::Manifest m2 = e2e::TakeManifest(ws_);

  // Change everything, snapshot, then restore s2 in place.
  Overwrite(ws_ / "big.bin", 1u << 20, "modified in place");
  Put("notes/run.sh", "#!/bin/sh\necho changed\n", 0644);
  fs::remove_all(ws_ / "tools");
  fs::remove(ws_ / "notes" / "link");
  JvsJson({"snapshot", "-m", "three", "--tag", "s3"});
  e2e::Manifest m3 = e2e::TakeManifest(ws_);
  JvsJson({"restore", "s2"});
  EXPECT_EQ(e2e::ManifestDiff(m2, e2e::TakeManifest(ws_)), "");
  struct stat st {};
  ASSERT_EQ(::stat((ws_ / "tools" / "run.bin").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0111, 0111u) << "executable bit lost";
  EXPECT_EQ(fs::read_symlink(ws_ / "notes" / "link"), "a.txt");
  EXPECT_TRUE(SharesExtents(ws_ / "big.bin", blob)) << "restore did not reflink from the store";
  EXPECT_LT(Allocated(ws_ / "sparse.img"), 1u << 20) << "the sparse file lost its holes";

  // Changing a restored file changes neither the blob nor any snapshot.
  Overwrite(ws_ / "big.bin", 0, "scribble over the restored copy");
  EXPECT_EQ(Sha256Hex(testing::ReadFile(blob)), blob.parent_path().filename().string() + blob.filename().string());
  EXPECT_EQ(testing::ReadFile(blob), big);
  JvsJson({"restore", "s3"});
  EXPECT_EQ(e2e::ManifestDiff(m3, e2e::TakeManifest(ws_)), "");
  JvsJson({"restore", "s2"});
  EXPECT_EQ(e2e::ManifestDiff(m2, e2e::TakeManifest(ws_)), "");
  EXPECT_EQ(testing::ReadFile(ws_ / "big.bin"), big);

  json after = JvsJson({"info"});
  EXPECT_EQ(after["engine_stats"]["fallbacks"], 0) << after.dump();
  EXPECT_GT(after["engine_stats"]["cloned"].get<uint64_t>(), 0u);
}

TEST_P(JvsOnFs, ForcedCopyEngineIsRecordedAsCopy) {
  std::string big = PseudoRandomBytes((2u << 20) + 5, 3);
  Put("big.bin", big);
  json s = JvsJson({"snapshot", "-m", "copied"}, {{"JVS_ENGINE", "copy"}});
  EXPECT_EQ(s["engine"], "copy");
  json info = JvsJson({"info"}, {{"JVS_ENGINE", "copy"}});
  EXPECT_EQ(info["engine"], "copy");
  EXPECT_NE(info["engine_reason"].get<std::string>().find("JVS_ENGINE"), std::string::npos);
  EXPECT_EQ(testing::ReadFile(BlobPath(Repo(), big)), big);
}

// The inode number of `path` appears among the kernel's leases (/proc/locks).
bool LeaseHeldOn(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  std::string locks = testing::ReadFile("/proc/locks");
  std::string ino = ":" + std::to_string(st.st_ino) + " ";
  size_t line = 0;
  while (line < locks.size()) {
    size_t end = locks.find('\n', line);
    if (end == std::string::npos) end = locks.size();
    std::string_view l(locks.data() + line, end - line);
    if (l.find("LEASE") != std::string_view::npos && l.find(ino) != std::string_view::npos) return true;
    line = end + 1;
  }
  return false;
}

uint64_t HashedInPlace(const RunResult& r) {
  const std::string key = "hashed in place under a read lease ";
  size_t at = r.err.find(key);
  if (at == std::string::npos) return ~uint64_t{0};
  return std::stoull(r.err.substr(at + key.size()));
}

// Ingest hashes the workspace file under a read lease and clones it only then
// (docs/engines.md, "Ingest under a read lease"). A file open for writing
// refuses the lease, and a writer that opens the file during hashing breaks
// it: both fall back to hashing the clone, and the snapshot stays exact.
TEST_P(JvsOnFs, IngestHashesUnderALeaseAndGivesWayToWriters) {
  std::string a = PseudoRandomBytes((2u << 20) + 3, 11), b = PseudoRandomBytes(3u << 20, 12);
  Put("a.bin", a);
  Put("b.bin", b);
  Put("small.txt", "small\n");
  Put("dup.bin", a);  // the store has it by then: hashed, not cloned
  RunResult r1 = Jvs(ws_, {"--debug", "snapshot", "-m", "leased"});
  EXPECT_EQ(HashedInPlace(r1), 4u) << r1.err;
  EXPECT_TRUE(SharesExtents(ws_ / "a.bin", BlobPath(Repo(), a)) || SharesExtents(ws_ / "dup.bin", BlobPath(Repo(), a)));
  EXPECT_TRUE(SharesExtents(ws_ / "b.bin", BlobPath(Repo(), b)));
  json info = JvsJson({"info"});
  EXPECT_EQ(info["engine_stats"]["hashed_in_place"], 4) << info.dump();

  // Open for writing elsewhere: the lease is refused, the clone is hashed.
  std::string a2 = a, b2 = b;
  a2[5] ^= 1;
  b2[7] ^= 1;
  Put("a.bin", a2);
  Put("b.bin", b2);
  {
    UniqueFd writer(::open((ws_ / "a.bin").c_str(), O_WRONLY));
    ASSERT_TRUE(writer.get() >= 0);
    RunResult r2 = Jvs(ws_, {"--debug", "snapshot", "-m", "writer open"});
    EXPECT_EQ(HashedInPlace(r2), 1u) << "only b.bin may be hashed in place: " << r2.err;
  }
  EXPECT_EQ(testing::ReadFile(BlobPath(Repo(), a2)), a2);
  EXPECT_EQ(testing::ReadFile(BlobPath(Repo(), b2)), b2);

  // A writer opens the file while it is being hashed: its open waits until
  // jvs gives the lease up, then jvs hashes again (the clone, or the file
  // under a new lease once the writer is gone) and records one whole version.
  std::string big = PseudoRandomBytes(96u << 20, 13);
  Put("big.bin", big);
  RunResult r3;
  std::thread snap([&] { r3 = e2e::JvsEnv(ws_, {"--debug", "--json", "snapshot", "-m", "raced"}, {}); });
  bool seen = false;
  double waited = 0;
  for (int i = 0; i < 20000 && !seen; ++i) {
    seen = LeaseHeldOn(ws_ / "big.bin");
    if (!seen) ::usleep(100);
  }
  if (seen) {
    auto t0 = std::chrono::steady_clock::now();
    UniqueFd w(::open((ws_ / "big.bin").c_str(), O_WRONLY));  // breaks the lease, waits
    waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(w.get() >= 0);
    ASSERT_EQ(::pwrite(w.get(), "RACE", 4, 1u << 20), 4);
  }
  snap.join();
  ASSERT_EQ(r3.exit_code, 0) << r3.Describe();
  // The kernel would let a lease holder keep a writer waiting for
  // lease-break-time (45 s by default): jvs gives way within a few MiB.
  EXPECT_LT(waited, 5.0) << "the writer waited for the lease to time out";
  std::string raced = big;
  raced.replace(1u << 20, 4, "RACE");
  bool one_version = fs::exists(BlobPath(Repo(), big)) || fs::exists(BlobPath(Repo(), raced));
  EXPECT_TRUE(one_version) << "the stored blob is neither version of big.bin";
  RunResult v = e2e::JvsEnv(ws_, {"verify", "--all"}, {});
  EXPECT_EQ(v.exit_code, 0) << v.Describe();
  if (!seen) std::cerr << "note: the lease on big.bin was never observed; the race was not exercised\n";
}

// Issue 16, item 6: a blob replaced by other bytes of the same length. A
// clone is not read by default (the documented trade-off: `verify` finds it);
// `--verify` reads every cloned file back and refuses, changing nothing.
TEST_P(JvsOnFs, VerifyChecksClonedContent) {
  std::string v1 = PseudoRandomBytes((3u << 20) + 3, 21), v2 = PseudoRandomBytes((3u << 20) + 3, 22);
  Put("big.bin", v1);
  Put("small.txt", "one\n");
  std::string s1 = JvsJson({"snapshot", "-m", "one"})["snapshot_id"];
  Put("big.bin", v2);
  Put("small.txt", "two\n");
  JvsJson({"snapshot", "-m", "two"});
  fs::path blob = BlobPath(Repo(), v1);
  ASSERT_TRUE(fs::exists(blob));
  ASSERT_EQ(::chmod(blob.c_str(), 0644), 0);
  std::string other = v1;
  for (auto& c : other) c = static_cast<char>(c ^ 0x5a);
  testing::WriteFile(blob, other);  // in place: the workspace's shared extents are copied on write
  auto before = e2e::DumpTree(ws_);
  RunResult r = e2e::Jvs(ws_, {"restore", s1.substr(0, 12), "--verify"});
  EXPECT_EQ(r.exit_code, 3) << r.Describe();
  EXPECT_NE(r.err.find("'big.bin'"), std::string::npos) << r.Describe();
  EXPECT_NE(r.err.find("snapshot " + s1.substr(0, 12)), std::string::npos) << r.Describe();
  EXPECT_NE(r.err.find(Sha256Hex(v1)), std::string::npos) << r.Describe();
  EXPECT_EQ(e2e::DumpTree(ws_), before) << "the workspace changed";
  RunResult st = Jvs(ws_, {"status"});
  EXPECT_NE(st.out.find("No changes"), std::string::npos) << st.Describe();
  RunResult f = e2e::Jvs(ws_, {"worktree", "fork", s1.substr(0, 12), "fk", "--verify"});
  EXPECT_EQ(f.exit_code, 3) << f.Describe();
  EXPECT_NE(f.err.find("'big.bin'"), std::string::npos) << f.Describe();
  EXPECT_FALSE(fs::exists(Repo() / "worktrees" / "fk"));
  // Intact content passes --verify.
  Jvs(ws_, {"restore", s1.substr(0, 12), "--verify", "--", "small.txt"});
  EXPECT_EQ(testing::ReadFile(ws_ / "small.txt"), "one\n");
}

INSTANTIATE_TEST_SUITE_P(Fs, JvsOnFs, ::testing::Values("xfs", "btrfs"), FsName);

TEST(JvsOnNoReflinkFs, ForcedReflinkFallsBackAndTheDescriptorSaysCopy) {
  REQUIRE_MOUNT(m, "xfs_noreflink");
  fs::path root = m->NewDir("e2e");
  ASSERT_EQ(e2e::Jvs(root, {"init", "repo"}).exit_code, 0);
  fs::path ws = root / "repo" / "main";
  std::string a = PseudoRandomBytes((2u << 20) + 1, 4), b = PseudoRandomBytes((3u << 20) + 1, 5);
  testing::WriteFile(ws / "a.bin", a);
  testing::WriteFile(ws / "b.bin", b);
  json info = e2e::ParseJson(e2e::Jvs(ws, {"--json", "info"}).out);
  EXPECT_EQ(info["engine"], "copy") << info.dump();
  EXPECT_NE(info["engine_reason"].get<std::string>().find("FICLONE probe failed"), std::string::npos);

  RunResult r = e2e::JvsEnv(ws, {"--json", "--debug", "snapshot", "-m", "forced"}, {{"JVS_ENGINE", "reflink"}});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  json s = e2e::ParseJson(r.out);
  EXPECT_EQ(s["engine"], "copy") << "a descriptor must not claim reflink when every clone fell back";
  EXPECT_NE(r.err.find("fallbacks 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("warning: JVS_ENGINE=reflink: this filesystem (xfs) cannot clone files"), std::string::npos)
      << r.err;
  json after = e2e::ParseJson(e2e::JvsEnv(ws, {"--json", "info"}, {{"JVS_ENGINE", "reflink"}}).out);
  EXPECT_EQ(after["engine_stats"]["fallbacks"], 2) << after.dump();
  EXPECT_FALSE(after["engine_stats"]["last_fallback"].get<std::string>().empty());
  // Restore still works, by copying.
  fs::remove(ws / "a.bin");
  RunResult rr = e2e::JvsEnv(ws, {"restore", "@"}, {{"JVS_ENGINE", "reflink"}});
  EXPECT_EQ(rr.exit_code, 0) << rr.Describe();
  EXPECT_EQ(testing::ReadFile(ws / "a.bin"), a);
}

}  // namespace
}  // namespace jvs
