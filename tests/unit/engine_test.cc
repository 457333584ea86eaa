// Unit tests of the clone engines on the local temporary filesystem: the
// conformance suite for every engine, plus injected failures (EXDEV,
// EOPNOTSUPP, ENOSPC) through an EnvWrapper, counters, and the descriptor
// name. The same suite runs on real XFS and btrfs in tests/fs.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "../fs/engine_conformance.h"
#include "engine/select.h"
#include "jvs/engine/engine.h"
#include "jvs/base/hash.h"
#include "test_util.h"

namespace jvs {
namespace {

using conformance::EngineCase;
using conformance::EngineConformance;
using conformance::PseudoRandomBytes;

// One temporary directory per test process, and a fresh subdirectory per call.
conformance::DirSource LocalDir() {
  return [](std::string*) -> std::optional<fs::path> {
    static testing::TempDir root;
    static int n = 0;
    fs::path d = root.path() / ("case" + std::to_string(n++));
    fs::create_directories(d);
    return d;
  };
}

// /dev/shm is usually a tmpfs, another filesystem than $TMPDIR.
conformance::DirSource ShmDir() {
  return [](std::string* skip) -> std::optional<fs::path> {
    static int n = 0;
    struct stat st {};
    if (::stat("/dev/shm", &st) != 0 || !S_ISDIR(st.st_mode) || ::access("/dev/shm", W_OK) != 0) {
      *skip = "/dev/shm is not a writable directory";
      return std::nullopt;
    }
    fs::path d = fs::path("/dev/shm") / ("jvs-engine-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(d);
    static std::vector<fs::path> made;
    struct Cleanup {
      ~Cleanup() {
        std::error_code ec;
        for (const auto& p : made) fs::remove_all(p, ec);
      }
    };
    static Cleanup cleanup;
    made.push_back(d);
    return d;
  };
}

bool LocalReflinkWorks() {
  testing::TempDir t;
  return ProbeReflink(Env::Default(), t.path()).ok();
}

std::vector<EngineCase> LocalCases() {
  bool reflink = LocalReflinkWorks();
  return {
      {"copy", [] { return MakeCopyEngine(); }, LocalDir(), ShmDir(), true, true},
      // Without reflink here every file falls back to the copy path.
      {"reflink", [] { return MakeReflinkEngine(); }, LocalDir(), ShmDir(), true, reflink},
      // On a JuiceFS mount copy_file_range is a clone; here it is a kernel copy
      // (which may fill holes), which is enough to run the code path.
      {"juicefs", [] { return MakeJuiceFsEngine(true, std::nullopt); }, LocalDir(), ShmDir(), false, true},
      {"juicefs_off_mount", [] { return MakeJuiceFsEngine(false, std::nullopt); }, LocalDir(), ShmDir(), true, true},
  };
}

INSTANTIATE_TEST_SUITE_P(Local, EngineConformance, ::testing::ValuesIn(LocalCases()),
                         conformance::CaseName);

// ---- injected failures ----

class FailingEnv : public EnvWrapper {
 public:
  FailingEnv() : EnvWrapper(Env::Default()) {}
  int clone_errno = 0;  // CloneFile fails with this
  int cfr_errno = 0;    // CopyFileRange fails with this
  int clone_calls = 0, cfr_calls = 0;
  Status CloneFile(int s, int d) override {
    clone_calls++;
    if (clone_errno) return ErrnoError(clone_errno, "FICLONE failed");
    return EnvWrapper::CloneFile(s, d);
  }
  Result<size_t> CopyFileRange(int i, int64_t* io, int o, int64_t* oo, size_t n) override {
    cfr_calls++;
    if (cfr_errno) return ErrnoError(cfr_errno, "copy_file_range failed");
    return EnvWrapper::CopyFileRange(i, io, o, oo, n);
  }
};

class EngineFailureTest : public ::testing::Test {
 protected:
  fs::path Write(const std::string& name, const std::string& content) {
    fs::path p = tmp_.path() / name;
    testing::WriteFile(p, content);
    return p;
  }
  UniqueFd In(const fs::path& p) { return UniqueFd(::open(p.c_str(), O_RDONLY)); }
  UniqueFd Out(const std::string& name) {
    return UniqueFd(::open((tmp_.path() / name).c_str(), O_RDWR | O_CREAT | O_EXCL, 0644));
  }
  std::string Read(const std::string& name) { return testing::ReadFile(tmp_.path() / name); }

  testing::TempDir tmp_;
  FailingEnv env_;
};

TEST_F(EngineFailureTest, ReflinkFallsBackOnExdevAndCountsIt) {
  for (int err : {EXDEV, EOPNOTSUPP, EINVAL, ENOTTY}) {
    SCOPED_TRACE(err);
    env_.clone_errno = err;
    auto engine = MakeReflinkEngine();
    std::string content = PseudoRandomBytes((2u << 20) + 5, static_cast<uint64_t>(err));
    fs::path src = Write("src" + std::to_string(err), content);
    UniqueFd in = In(src), out = Out("dst" + std::to_string(err));
    ASSERT_TRUE(engine->CloneContent(&env_, in.get(), out.get(), content.size()).ok());
    EngineUsage u = engine->counters().Load();
    EXPECT_EQ(u.files, 1u);
    EXPECT_EQ(u.cloned, 0u);
    EXPECT_EQ(u.copied, 1u);
    EXPECT_EQ(u.fallbacks, 1u);
    EXPECT_EQ(u.bytes_copied, content.size());
    EXPECT_EQ(engine->RanAs(u), "copy");
    EXPECT_NE(engine->last_fallback().find("FICLONE failed"), std::string::npos);
    EXPECT_TRUE(Read("dst" + std::to_string(err)) == content);
  }
}

TEST_F(EngineFailureTest, CopyFallsBackToReadWriteWhenTheKernelRefuses) {
  env_.cfr_errno = EXDEV;
  auto engine = MakeCopyEngine();
  std::string content = PseudoRandomBytes(3u << 20, 9);
  fs::path src = Write("src", content);
  UniqueFd in = In(src), out = Out("dst");
  ASSERT_TRUE(engine->CloneContent(&env_, in.get(), out.get(), content.size()).ok());
  EXPECT_EQ(env_.cfr_calls, 1);  // refused once, then read/write for the rest
  EXPECT_TRUE(Read("dst") == content);
  EngineUsage u = engine->counters().Load();
  EXPECT_EQ(u.copied, 1u);
  EXPECT_EQ(u.fallbacks, 0u);  // the copy engine has nothing to fall back from
}

TEST_F(EngineFailureTest, CloneAndHashFallsBackWithOneRead) {
  env_.clone_errno = EXDEV;
  auto engine = MakeReflinkEngine();
  std::string content = PseudoRandomBytes((1u << 20) + 77, 3);
  fs::path src = Write("src", content);
  UniqueFd in = In(src), out = Out("dst");
  Sha256 h;
  auto n = engine->CloneAndHash(&env_, in.get(), out.get(), content.size(), h);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, content.size());
  EXPECT_EQ(h.Finish(), Sha256Of(content));
  EXPECT_EQ(env_.cfr_calls, 0);  // hashed while copying, not copied then re-read
  EXPECT_EQ(engine->counters().fallbacks.load(), 1u);
  EXPECT_TRUE(Read("dst") == content);
}

TEST_F(EngineFailureTest, NoFallbackWhenTheDiskIsFull) {
  env_.clone_errno = ENOSPC;
  auto engine = MakeReflinkEngine();
  fs::path src = Write("src", PseudoRandomBytes(100000, 1));
  UniqueFd in = In(src), out = Out("dst");
  Status st = engine->CloneContent(&env_, in.get(), out.get(), 100000);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kNoSpace);
  EXPECT_EQ(engine->counters().fallbacks.load(), 0u);
  EXPECT_EQ(engine->counters().files.load(), 0u);

  env_.clone_errno = 0;
  env_.cfr_errno = ENOSPC;
  auto copy = MakeCopyEngine();
  UniqueFd in2 = In(src), out2 = Out("dst2");
  Status st2 = copy->CloneContent(&env_, in2.get(), out2.get(), 100000);
  ASSERT_FALSE(st2.ok());
  EXPECT_EQ(st2.error().code(), ErrorCode::kNoSpace);
}

TEST_F(EngineFailureTest, JuiceFsFallsBackWhenCopyFileRangeFails) {
  env_.cfr_errno = EOPNOTSUPP;
  auto engine = MakeJuiceFsEngine(true, std::nullopt);
  std::string content = PseudoRandomBytes(70000, 4);
  fs::path src = Write("src", content);
  UniqueFd in = In(src), out = Out("dst");
  ASSERT_TRUE(engine->CloneContent(&env_, in.get(), out.get(), content.size()).ok());
  EXPECT_EQ(engine->counters().fallbacks.load(), 1u);
  EXPECT_EQ(engine->counters().copied.load(), 1u);
  EXPECT_TRUE(Read("dst") == content);
}

TEST_F(EngineFailureTest, ShrinkingSourceIsAnError) {
  auto engine = MakeCopyEngine();
  fs::path src = Write("src", "short");
  UniqueFd in = In(src), out = Out("dst");
  Status st = engine->CloneContent(&env_, in.get(), out.get(), 100);  // claims more than there is
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kIo);
}

// ---- names and counters ----

TEST(EngineNames, RanAsNamesWhatReallyRan) {
  auto reflink = MakeReflinkEngine();
  EngineUsage none;
  EXPECT_EQ(reflink->RanAs(none), "reflink");  // nothing moved: nothing fell back
  EngineUsage cloned;
  cloned.files = cloned.cloned = 3;
  EXPECT_EQ(reflink->RanAs(cloned), "reflink");
  EngineUsage copied;
  copied.files = copied.copied = copied.fallbacks = 2;
  EXPECT_EQ(reflink->RanAs(copied), "copy");
  EngineUsage mixed = cloned;
  mixed += copied;
  EXPECT_EQ(reflink->RanAs(mixed), "reflink+copy");
  EXPECT_EQ(MakeCopyEngine()->RanAs(copied), "copy");
  EXPECT_EQ(MakeJuiceFsEngine(true, std::nullopt)->RanAs(cloned), "juicefs");
  EXPECT_EQ(MakeCopyEngine()->name(), "copy");
  EXPECT_FALSE(MakeCopyEngine()->shares_data());
  EXPECT_TRUE(MakeReflinkEngine()->shares_data());
  EXPECT_TRUE(MakeJuiceFsEngine(true, std::nullopt)->shares_data());
  EXPECT_FALSE(MakeJuiceFsEngine(false, std::nullopt)->shares_data());
}

TEST(EngineNames, UsageArithmetic) {
  EngineUsage a;
  a.files = 5;
  a.cloned = 3;
  a.copied = 2;
  a.fallbacks = 1;
  a.bytes_copied = 100;
  a.trees_cloned = 1;
  EngineUsage b = a;
  b += a;
  EXPECT_EQ(b.files, 10u);
  EXPECT_EQ((b - a), a);
}

TEST(EngineNames, OnlyJuiceFsWithAProgramClonesTrees) {
  EXPECT_FALSE(MakeCopyEngine()->can_clone_tree());
  EXPECT_FALSE(MakeReflinkEngine()->can_clone_tree());
  EXPECT_FALSE(MakeJuiceFsEngine(true, std::nullopt)->can_clone_tree());
  EXPECT_TRUE(MakeJuiceFsEngine(true, fs::path("/usr/bin/juicefs"))->can_clone_tree());
  Status st = MakeReflinkEngine()->CloneTree("/a", "/b");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kUnsupported);
}

TEST(CopyAndHash, HolesAreHashedAsZeros) {
  testing::TempDir t;
  fs::path src = t.path() / "sparse", dst = t.path() / "out";
  std::string full(3u << 20, '\0');
  {
    UniqueFd fd(::open(src.c_str(), O_RDWR | O_CREAT, 0644));
    std::string d = PseudoRandomBytes(4096, 1);
    conformance::WriteAt(fd.get(), 1u << 20, d);
    full.replace(1u << 20, d.size(), d);
    ASSERT_EQ(::ftruncate(fd.get(), 3 << 20), 0);
  }
  UniqueFd in(::open(src.c_str(), O_RDONLY)), out(::open(dst.c_str(), O_RDWR | O_CREAT, 0644));
  Sha256 h;
  EngineCounters c;
  auto n = CopyAndHash(Env::Default(), in.get(), out.get(), full.size(), h, &c);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, full.size());
  EXPECT_EQ(h.Finish(), Sha256Of(full));
  EXPECT_TRUE(testing::ReadFile(dst) == full);
  EXPECT_LE(c.bytes_copied.load(), full.size());
}

TEST(EngineStatsFile, RecordUsageAccumulates) {
  testing::TempDir t;
  Env* env = Env::Default();
  auto engine = MakeReflinkEngine();
  engine->set_stats_path(t.path() / kEngineStatsFile);
  EXPECT_TRUE(engine->RecordUsage(env).ok());  // nothing moved: no file
  EXPECT_FALSE(fs::exists(t.path() / kEngineStatsFile));
  engine->counters().files += 3;
  engine->counters().cloned += 2;
  engine->counters().copied += 1;
  engine->counters().fallbacks += 1;
  engine->counters().bytes_copied += 42;
  ASSERT_TRUE(engine->RecordUsage(env).ok());
  ASSERT_TRUE(engine->RecordUsage(env).ok());  // no double counting
  auto other = MakeCopyEngine();
  other->set_stats_path(t.path() / kEngineStatsFile);
  other->counters().files += 1;
  other->counters().copied += 1;
  ASSERT_TRUE(other->RecordUsage(env).ok());
  EngineStats s = LoadEngineStats(env, t.path());
  EXPECT_EQ(s.total.files, 4u);
  EXPECT_EQ(s.total.cloned, 2u);
  EXPECT_EQ(s.total.copied, 2u);
  EXPECT_EQ(s.total.fallbacks, 1u);
  EXPECT_EQ(s.total.bytes_copied, 42u);
  EXPECT_FALSE(s.updated.empty());
  EngineStats missing = LoadEngineStats(env, t.path() / "nowhere");
  EXPECT_EQ(missing.total, EngineUsage{});
}

}  // namespace
}  // namespace jvs
