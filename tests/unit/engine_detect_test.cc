// Unit tests of engine detection: mountinfo parsing and the path-boundary
// check against fixtures (JuiceFS has no Debian package, so its detection is
// tested here), the `juicefs clone` command line and its execution through a
// fake program, PATH lookup, and ChooseEngine's cache and overrides.

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "engine/mountinfo.h"
#include "engine/select.h"
#include "jvs/engine/engine.h"
#include "test_util.h"

namespace jvs {
namespace {

constexpr uint64_t kFuseMagic = 0x65735546;

// A mountinfo as a machine with two JuiceFS volumes would show it.
constexpr const char* kMountInfo =
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
    "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n"
    "101 27 0:55 / /mnt/jfs rw,relatime shared:600 - fuse.juicefs JuiceFS:myjfs "
    "rw,user_id=0,group_id=0,default_permissions,allow_other\n"
    "102 27 7:3 / /mnt/jfs2 rw,relatime shared:601 - xfs /dev/loop3 rw,attr2,inode64\n"
    "103 101 7:4 / /mnt/jfs/local rw,relatime - btrfs /dev/loop4 rw,space_cache=v2\n"
    "104 27 0:56 / /srv/my\\040data rw,relatime - fuse JuiceFS:spaced rw,user_id=0\n"
    "105 27 0:57 / /mnt/sshfs rw - fuse.sshfs user@host:/ rw\n"
    "malformed line\n"
    "106 27 0:58 /sub /data/bind rw,relatime - fuse.juicefs JuiceFS:myjfs rw\n";

TEST(MountInfo, ParsesFieldsAndEscapes) {
  auto m = ParseMountInfo(kMountInfo);
  ASSERT_EQ(m.size(), 8u);  // the malformed line is skipped
  EXPECT_EQ(m[2].mount_point, "/mnt/jfs");
  EXPECT_EQ(m[2].fstype, "fuse.juicefs");
  EXPECT_EQ(m[2].source, "JuiceFS:myjfs");
  EXPECT_EQ(m[2].major, 0u);
  EXPECT_EQ(m[2].minor, 55u);
  EXPECT_EQ(m[5].mount_point, "/srv/my data");
  EXPECT_EQ(m[7].root, "/sub");
  EXPECT_TRUE(ParseMountInfo("").empty());
  EXPECT_TRUE(ParseMountInfo("1 2 3\n\n - x\n").empty());
}

TEST(MountInfo, PathBoundaryIsAComponentBoundary) {
  EXPECT_TRUE(PathIsWithin("/mnt/jfs", "/mnt/jfs"));
  EXPECT_TRUE(PathIsWithin("/mnt/jfs/", "/mnt/jfs"));
  EXPECT_TRUE(PathIsWithin("/mnt/jfs/a/b", "/mnt/jfs"));
  EXPECT_TRUE(PathIsWithin("/mnt/jfs/a", "/mnt/jfs/"));
  EXPECT_FALSE(PathIsWithin("/mnt/jfs2", "/mnt/jfs"));
  EXPECT_FALSE(PathIsWithin("/mnt/jfs2/x", "/mnt/jfs"));
  EXPECT_FALSE(PathIsWithin("/mnt/jf", "/mnt/jfs"));
  EXPECT_FALSE(PathIsWithin("/mnt", "/mnt/jfs"));
  EXPECT_TRUE(PathIsWithin("/anything", "/"));
  EXPECT_TRUE(PathIsWithin("/", "/"));
  EXPECT_FALSE(PathIsWithin("relative/path", "/"));
  EXPECT_FALSE(PathIsWithin("/mnt/jfs", ""));
}

TEST(MountInfo, FindsTheDeepestMount) {
  auto m = ParseMountInfo(kMountInfo);
  auto at = [&](const char* p) { return FindMount(m, p).value_or(MountEntry{}); };
  EXPECT_EQ(at("/mnt/jfs/repo/.jvs").mount_point, "/mnt/jfs");
  EXPECT_TRUE(IsJuiceFsMount(at("/mnt/jfs/repo/.jvs")));
  EXPECT_EQ(at("/mnt/jfs").mount_point, "/mnt/jfs");
  // Not a string prefix: /mnt/jfs2 is its own XFS mount.
  EXPECT_EQ(at("/mnt/jfs2/repo").mount_point, "/mnt/jfs2");
  EXPECT_FALSE(IsJuiceFsMount(at("/mnt/jfs2/repo")));
  // A btrfs mounted inside the JuiceFS mount.
  EXPECT_EQ(at("/mnt/jfs/local/x").fstype, "btrfs");
  EXPECT_EQ(at("/mnt/jfs/localx").fstype, "fuse.juicefs");
  EXPECT_EQ(at("/home/me").mount_point, "/");
  EXPECT_EQ(at("/srv/my data/r").source, "JuiceFS:spaced");
  EXPECT_TRUE(IsJuiceFsMount(at("/srv/my data/r")));  // plain "fuse" with a JuiceFS source
  EXPECT_FALSE(IsJuiceFsMount(at("/mnt/sshfs/x")));
  EXPECT_TRUE(IsJuiceFsMount(at("/data/bind/x")));  // a bind mount of a JuiceFS subdirectory
  EXPECT_FALSE(FindMount({}, "/x").has_value());
}

TEST(MountInfo, StackedMountsAndDeviceNumbers) {
  std::string text = std::string(kMountInfo) + "107 101 0:77 / /mnt/jfs rw - tmpfs tmpfs rw\n";
  auto m = ParseMountInfo(text);
  // The later mount on the same point hides the earlier one...
  EXPECT_EQ(FindMount(m, "/mnt/jfs/a")->fstype, "tmpfs");
  // ...unless stat() says the path is on the JuiceFS device (0:55).
  EXPECT_EQ(FindMount(m, "/mnt/jfs/a", std::make_pair(0u, 55u))->fstype, "fuse.juicefs");
  // A device that matches nothing falls back to the path.
  EXPECT_EQ(FindMount(m, "/mnt/jfs/a", std::make_pair(9u, 9u))->fstype, "tmpfs");
}

TEST(JuiceFsClone, ArgvIsBuiltWithoutAShell) {
  auto argv = JuiceFsCloneArgv("/usr/local/bin/juicefs", "/mnt/jfs/r/main", "/mnt/jfs/r/worktrees/my fork");
  std::vector<std::string> want = {"/usr/local/bin/juicefs", "clone", "/mnt/jfs/r/main",
                                   "/mnt/jfs/r/worktrees/my fork", "-p"};
  EXPECT_EQ(argv, want);
}

class FakeJuiceFs : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = tmp_.path() / "bin";
    fs::create_directories(bin_);
    log_ = tmp_.path() / "argv.log";
    // Records its argv (one per line) and copies like `juicefs clone -p`; fails
    // with a message when the source is named "fail".
    testing::WriteFile(bin_ / "juicefs",
                       "#!/bin/sh\n"
                       "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + log_.string() + "'\n"
                       "case \"$2\" in */fail) echo 'clone: not in a JuiceFS volume' >&2; exit 3;; esac\n"
                       "exec cp -a \"$2\" \"$3\"\n");
    ASSERT_EQ(::chmod((bin_ / "juicefs").c_str(), 0755), 0);
  }
  testing::TempDir tmp_;
  fs::path bin_, log_;
};

TEST_F(FakeJuiceFs, CloneTreeRunsTheProgram) {
  fs::path src = tmp_.path() / "src my", dst = tmp_.path() / "dst";
  testing::WriteFile(src / "a" / "file", "hello");
  ASSERT_EQ(::chmod((src / "a" / "file").c_str(), 0755), 0);
  auto engine = MakeJuiceFsEngine(true, bin_ / "juicefs");
  ASSERT_TRUE(engine->can_clone_tree());
  Status st = engine->CloneTree(src, dst);
  ASSERT_TRUE(st.ok()) << st.error().message();
  EXPECT_EQ(testing::ReadFile(dst / "a" / "file"), "hello");
  struct stat s {};
  ASSERT_EQ(::stat((dst / "a" / "file").c_str(), &s), 0);
  EXPECT_EQ(s.st_mode & 0777, 0755u);
  EXPECT_EQ(testing::ReadFile(log_), "clone\n" + src.string() + "\n" + dst.string() + "\n-p\n");
  EXPECT_EQ(engine->counters().trees_cloned.load(), 1u);
}

TEST_F(FakeJuiceFs, DestinationMustNotExist) {
  fs::path src = tmp_.path() / "src", dst = tmp_.path() / "dst";
  fs::create_directories(src);
  fs::create_directories(dst);
  auto engine = MakeJuiceFsEngine(true, bin_ / "juicefs");
  Status st = engine->CloneTree(src, dst);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_FALSE(fs::exists(log_));  // the program never ran
}

TEST_F(FakeJuiceFs, FailureCarriesTheProgramsMessage) {
  fs::path src = tmp_.path() / "fail";
  fs::create_directories(src);
  auto engine = MakeJuiceFsEngine(true, bin_ / "juicefs");
  Status st = engine->CloneTree(src, tmp_.path() / "dst");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kIo);
  EXPECT_NE(st.error().message().find("status 3"), std::string::npos) << st.error().message();
  EXPECT_NE(st.error().message().find("not in a JuiceFS volume"), std::string::npos);
  EXPECT_EQ(engine->counters().trees_cloned.load(), 0u);
}

TEST_F(FakeJuiceFs, RelativePathsAndMissingProgramAreRefused) {
  auto engine = MakeJuiceFsEngine(true, bin_ / "juicefs");
  EXPECT_EQ(engine->CloneTree("rel", tmp_.path() / "d").error().code(), ErrorCode::kInvalidArgument);
  auto without = MakeJuiceFsEngine(true, std::nullopt);
  EXPECT_EQ(without->CloneTree(tmp_.path(), tmp_.path() / "d").error().code(), ErrorCode::kUnsupported);
  auto gone = MakeJuiceFsEngine(true, bin_ / "no-such-program");
  fs::create_directories(tmp_.path() / "s");
  EXPECT_FALSE(gone->CloneTree(tmp_.path() / "s", tmp_.path() / "d").ok());
}

TEST_F(FakeJuiceFs, FindProgramInPath) {
  testing::WriteFile(tmp_.path() / "notexec" / "juicefs", "x");
  std::string list = "relative/dir::" + (tmp_.path() / "notexec").string() + ":" + bin_.string() + ":/nonexistent";
  auto p = FindProgramInPath("juicefs", list);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(*p, bin_ / "juicefs");
  EXPECT_FALSE(FindProgramInPath("juicefs", "/nonexistent:").has_value());
  EXPECT_FALSE(FindProgramInPath("juicefs", "").has_value());
}

TEST(FsTypes, NamesAndFamilies) {
  EXPECT_EQ(FsTypeName(0x58465342), "xfs");
  EXPECT_EQ(FsTypeName(0x9123683E), "btrfs");
  EXPECT_EQ(FsTypeName(0xEF53), "ext4");
  EXPECT_EQ(FsTypeName(0x01021994), "tmpfs");
  EXPECT_EQ(FsTypeName(kFuseMagic), "fuse");
  EXPECT_EQ(FsTypeName(0x12345678), "0x12345678");
  EXPECT_EQ(FamilyOf(0xEF53), FsFamily::kNoReflink);
  EXPECT_EQ(FamilyOf(0x01021994), FsFamily::kNoReflink);
  EXPECT_EQ(FamilyOf(kFuseMagic), FsFamily::kFuse);
  EXPECT_EQ(FamilyOf(0x58465342), FsFamily::kProbe);
  EXPECT_EQ(FamilyOf(0x9123683E), FsFamily::kProbe);
  EXPECT_EQ(FamilyOf(0x12345678), FsFamily::kProbe);
}

// ---- ChooseEngine ----

class ChooseEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    control_ = tmp_.path() / ".jvs";
    fs::create_directories(control_ / "tmp");
  }
  size_t Entries(const fs::path& d) {
    size_t n = 0;
    for (auto it = fs::directory_iterator(d); it != fs::directory_iterator(); ++it) ++n;
    return n;
  }
  // A mountinfo that puts the control folder on a JuiceFS mount.
  std::string JuiceFsMountInfo() {
    struct stat st {};
    EXPECT_EQ(::stat(control_.c_str(), &st), 0);
    return "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
           "101 27 " + std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev)) + " / " +
           tmp_.path().string() + " rw,relatime - fuse.juicefs JuiceFS:testvol rw\n";
  }
  Env* env_ = Env::Default();
  testing::TempDir tmp_;
  fs::path control_;
};

TEST_F(ChooseEngineTest, DetectsProbesCachesAndCleansUp) {
  auto first = ChooseEngine(env_, control_, EngineOptions{});
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_FALSE(first->cached);
  EXPECT_FALSE(first->reason.empty());
  EXPECT_FALSE(first->fs_type.empty());
  EXPECT_EQ(Entries(control_ / "tmp"), 0u) << "probe files left behind";
  auto id = IdentifyFilesystem(control_);
  ASSERT_TRUE(id.ok());
  // The engine matches what the filesystem can do.
  bool can_reflink = ProbeReflink(env_, control_ / "tmp").ok();
  if (FamilyOf(id->magic) != FsFamily::kFuse) {
    EXPECT_EQ(first->engine->name(), can_reflink ? "reflink" : "copy") << first->reason;
  }
  std::string cache = testing::ReadFile(control_ / kEngineCacheFile);
  EXPECT_NE(cache.find("fs " + id->Key() + "\n"), std::string::npos) << cache;
  EXPECT_NE(cache.find("engine " + std::string(first->engine->name()) + "\n"), std::string::npos) << cache;

  auto second = ChooseEngine(env_, control_, EngineOptions{});
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->cached);
  EXPECT_EQ(second->engine->name(), first->engine->name());
  EXPECT_NE(second->reason.find("cached"), std::string::npos);
}

TEST_F(ChooseEngineTest, CacheForAnotherFilesystemIsIgnored) {
  // A cache written on another filesystem (the repository was copied here)
  // that claims juicefs must not be believed.
  testing::WriteFile(control_ / kEngineCacheFile,
                     "jvs-engine-cache 1\nfs 65735546:1234:99\nengine juicefs\nfs_type fuse.juicefs\n"
                     "reason stale\n");
  auto c = ChooseEngine(env_, control_, EngineOptions{});
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->cached);
  EXPECT_NE(c->engine->name(), "juicefs");
  auto id = IdentifyFilesystem(control_);
  EXPECT_NE(testing::ReadFile(control_ / kEngineCacheFile).find("fs " + id->Key()), std::string::npos);
  // Garbage in the cache is ignored too.
  testing::WriteFile(control_ / kEngineCacheFile, "\x01\x02 nonsense\n");
  auto g = ChooseEngine(env_, control_, EngineOptions{});
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->cached);
}

TEST_F(ChooseEngineTest, ForcedEnginesWin) {
  for (const char* name : {"copy", "reflink", "juicefs"}) {
    EngineOptions o;
    o.forced = name;
    auto c = ChooseEngine(env_, control_, o);
    ASSERT_TRUE(c.ok()) << name;
    EXPECT_EQ(c->engine->name(), name);
    EXPECT_NE(c->reason.find("forced by JVS_ENGINE"), std::string::npos) << c->reason;
  }
  EXPECT_FALSE(fs::exists(control_ / kEngineCacheFile)) << "a forced engine is not a detection";
  EngineOptions bad;
  bad.forced = "zfs";
  auto c = ChooseEngine(env_, control_, bad);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
  EngineOptions empty;
  empty.forced = "";
  EXPECT_TRUE(ChooseEngine(env_, control_, empty).ok());  // JVS_ENGINE= means unset
}

TEST_F(ChooseEngineTest, ForcedJuiceFsOffAJuiceFsMountCountsCopies) {
  EngineOptions o;
  o.forced = "juicefs";
  o.mountinfo = "27 1 254:0 / / rw - ext4 /dev/vda rw\n";
  auto c = ChooseEngine(env_, control_, o);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->engine->shares_data());
  EXPECT_NE(c->reason.find("not on a JuiceFS mount"), std::string::npos);
  o.mountinfo = JuiceFsMountInfo();
  auto j = ChooseEngine(env_, control_, o);
  ASSERT_TRUE(j.ok());
  EXPECT_TRUE(j->engine->shares_data());
  EXPECT_NE(j->reason.find("JuiceFS:testvol"), std::string::npos) << j->reason;
}

TEST_F(ChooseEngineTest, DetectsJuiceFsFromMountInfo) {
  EngineOptions o;
  o.magic = kFuseMagic;  // what statfs says on a JuiceFS mount
  o.mountinfo = JuiceFsMountInfo();
  o.juicefs_program = fs::path("/opt/juicefs/bin/juicefs");
  auto c = ChooseEngine(env_, control_, o);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->engine->name(), "juicefs");
  EXPECT_TRUE(c->engine->can_clone_tree());
  EXPECT_EQ(c->fs_type, "fuse.juicefs");
  EXPECT_NE(c->reason.find("JuiceFS mount " + tmp_.path().string()), std::string::npos) << c->reason;
  EXPECT_NE(c->reason.find("/opt/juicefs/bin/juicefs clone"), std::string::npos) << c->reason;
  EXPECT_EQ(Entries(control_ / "tmp"), 0u);
  // Cached, like any detection.
  auto again = ChooseEngine(env_, control_, o);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->cached);
  EXPECT_EQ(again->engine->name(), "juicefs");

  // Without the program: files are cloned, directories file by file.
  EngineOptions np = o;
  np.use_cache = false;
  np.juicefs_program = fs::path();
  auto n = ChooseEngine(env_, control_, np);
  ASSERT_TRUE(n.ok());
  EXPECT_FALSE(n->engine->can_clone_tree());
  EXPECT_NE(n->reason.find("no juicefs program"), std::string::npos);
}

TEST_F(ChooseEngineTest, FuseThatIsNotJuiceFsIsNotJuiceFs) {
  EngineOptions o;
  o.magic = kFuseMagic;
  o.use_cache = false;
  // The mount point is a sibling whose name extends ours: not a match.
  o.mountinfo = "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
                "101 27 0:99 / " + tmp_.path().string() + "x rw - fuse.juicefs JuiceFS:other rw\n";
  auto c = ChooseEngine(env_, control_, o);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->engine->name(), "juicefs") << c->reason;
  EXPECT_FALSE(fs::exists(control_ / kEngineCacheFile));
}

TEST_F(ChooseEngineTest, StatsPathIsTheControlFolder) {
  auto c = ChooseEngine(env_, control_, EngineOptions{});
  ASSERT_TRUE(c.ok());
  c->engine->counters().files++;
  c->engine->counters().copied++;
  ASSERT_TRUE(c->engine->RecordUsage(env_).ok());
  EXPECT_EQ(LoadEngineStats(env_, control_).total.files, 1u);
}

}  // namespace
}  // namespace jvs
