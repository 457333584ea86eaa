// End-to-end tests of `jvs doctor`: a healthy repository is healthy; temp
// files of dead jvs processes in the control folder are found and removed by
// --repair (never files in a workspace, whatever their names); an interrupted
// restore is found; several op heads are merged by --repair; missing and
// damaged objects are errors; orphans are only reported; --repair is
// idempotent; --strict re-hashes every blob.
#include <fcntl.h>
#include <sys/file.h>

#include "integrity_util.h"

namespace jvs::e2e {
namespace {

class DoctorTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    Write("a.txt", "alpha\n");
    Write("dir/b.txt", "beta\n");
    first_ = Snap("first");
  }
  fs::path Control() const { return Root() / ".jvs"; }
  static std::vector<json> FindingsOf(const json& report, const std::string& category) {
    std::vector<json> out;
    for (const auto& f : report["findings"])
      if (f["category"] == category) out.push_back(f);
    return out;
  }
  // doctor --json ARGS; expects `exit_code`.
  json Doctor(std::vector<std::string> args, int exit_code = 0) {
    args.insert(args.begin(), "doctor");
    args.insert(args.begin(), "--json");
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, exit_code) << r.Describe();
    json j = r.Json();
    EXPECT_TRUE(j.contains("healthy") && j.contains("findings")) << r.Describe();
    for (const auto& f : j["findings"])
      for (const char* key : {"category", "severity", "description", "path", "repaired"})
        EXPECT_TRUE(f.contains(key)) << key << " missing in " << f.dump();
    return j;
  }
  std::string first_;
};

TEST_F(DoctorTest, HealthyRepositoryIsHealthy) {
  RunResult r = Run({"doctor"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Has(r.out, "healthy")) << r.Describe();
  json j = Doctor({});
  EXPECT_EQ(j["healthy"], true);
  EXPECT_EQ(j["findings"].size(), 0u) << j.dump(2);
  json strict = Doctor({"--strict"});
  EXPECT_EQ(strict["healthy"], true);
  EXPECT_GT(strict["objects"]["bytes_hashed"].get<uint64_t>(), 0u);
  json repaired = Doctor({"--repair"});
  EXPECT_EQ(repaired["repaired"], 0);
}

// Ordinary work leaves nothing for doctor to report: a plain fork (whose scan
// of its new, empty folder once stored an unreferenced empty tree), an empty
// folder in a snapshot, and snapshots run at the same time.
TEST_F(DoctorTest, ForksEmptyFoldersAndConcurrentSnapshotsLeaveNoFindings) {
  ASSERT_OK(Run({"worktree", "fork", "fk"}));
  fs::create_directories(Ws() / "empty");
  Snap("with an empty folder");
  std::vector<std::unique_ptr<BackgroundProcess>> snaps;
  for (int i = 0; i < 3; ++i) {
    Write("c" + std::to_string(i), std::to_string(i));
    snaps.push_back(std::make_unique<BackgroundProcess>(Ws(), std::vector<std::string>{JVS_BINARY, "snapshot", "s" + std::to_string(i)},
                                                        CleanEnv(), Tmp() / ("snap" + std::to_string(i))));
  }
  for (auto& p : snaps) EXPECT_EQ(p->Wait(), 0);
  json j = Doctor({});
  EXPECT_EQ(j["healthy"], true) << j.dump(2);
  EXPECT_EQ(j["findings"].size(), 0u) << j.dump(2);
  json plan = ParseJson(Run({"--json", "gc", "plan", "--grace-minutes", "0"}).out);
  EXPECT_EQ(plan["to_delete"], 0) << plan.dump(2);
  EXPECT_OK(Run({"verify", "--all"}));
  EXPECT_OK(Run({"restore", first_}));
  EXPECT_OK(Run({"restore", "latest"}));
  EXPECT_TRUE(fs::is_directory(Ws() / "empty"));
}

// A damaged tree state is a cache: doctor reports it (a warning, the
// repository stays healthy) and --repair removes it; status still works.
TEST_F(DoctorTest, DamagedTreeStateIsReportedAndRemovedByRepair) {
  fs::path ts = Control() / "worktrees" / "main" / "tree_state";
  ASSERT_TRUE(fs::exists(ts));
  jvs::testing::WriteFile(ts, "not a tree state");
  json j = Doctor({});
  auto found = FindingsOf(j, "tree_state");
  ASSERT_EQ(found.size(), 1u) << j.dump(2);
  EXPECT_EQ(found[0]["severity"], "info");  // a cache: nothing is wrong with the repository
  EXPECT_EQ(j["healthy"], true) << j.dump(2);
  json r = Doctor({"--repair"});
  EXPECT_EQ(FindingsOf(r, "tree_state").at(0)["repaired"], true) << r.dump(2);
  EXPECT_FALSE(fs::exists(ts));
  EXPECT_OK(Run({"status"}));
  EXPECT_EQ(FindingsOf(Doctor({}), "tree_state").size(), 0u);
}

// A worktree of the view whose record is gone, at a place doctor cannot
// guess (a fork made with --path): reported as an error, nothing invented.
TEST_F(DoctorTest, LostRecordOfAForkElsewhereIsReportedNotGuessed) {
  ASSERT_OK(Run({"worktree", "fork", "far", "--path", (Tmp() / "far").string()}));
  fs::remove(Control() / "worktrees" / "far" / "path");
  json j = Doctor({"--repair"}, 1);
  auto found = FindingsOf(j, "worktree_record");
  ASSERT_EQ(found.size(), 1u) << j.dump(2);
  EXPECT_EQ(found[0]["repaired"], false);
  EXPECT_NE(found[0]["description"].get<std::string>().find("--path"), std::string::npos) << found[0].dump();
}

TEST_F(DoctorTest, LeftoverTempFilesAreFoundAndRepairedOnce) {
  long dead = DeadPid();
  std::string d = std::to_string(dead);
  std::vector<fs::path> temps = {
      Control() / "store/tmp" / ("obj-" + d + "-3-12345"),
      Control() / "op_heads" / (std::string(64, 'a') + ".tmp-jvs-" + d + "-0"),
      Control() / "worktrees/main" / ("tree_state.tmp-jvs-" + d + "-7"),
      Control() / "tmp" / (".engine-probe-" + d + "-0-a"),
      Control() / "worktrees/main" / (".clock-" + d + "-99"),
  };
  for (const auto& p : temps) jvs::testing::WriteFile(p, "partial");
  fs::path staging = Control() / "worktrees/main" / ("staging-" + d);
  jvs::testing::WriteFile(staging / "0", "staged");
  for (const auto& p : temps) Backdate(p, 3600);
  Backdate(staging, 3600);
  // A temp file of a live process (this test) and a young one of a dead process.
  fs::path live = Control() / "store/tmp" / ("obj-" + std::to_string(::getpid()) + "-1-1");
  jvs::testing::WriteFile(live, "in use");
  Backdate(live, 3600);
  fs::path young = Control() / "store/tmp" / ("obj-" + d + "-4-4");
  jvs::testing::WriteFile(young, "just now");

  // Another jvs command has the repository open (every command holds
  // .jvs/gc.lock shared while it does): temp files of live processes and
  // young ones may be in use.
  int other = ::open((Control() / "gc.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(other, 0);
  ASSERT_EQ(::flock(other, LOCK_SH), 0);

  json j = Doctor({});  // warnings only: exit 0
  EXPECT_EQ(j["healthy"], false);
  auto found = FindingsOf(j, "temp_file");
  EXPECT_EQ(found.size(), temps.size() + 2) << j.dump(2);  // + staging + young
  for (const auto& f : found) {
    EXPECT_EQ(f["severity"], "warning");
    EXPECT_EQ(f["repaired"], false);
    EXPECT_NE(f["path"], live.string());
  }
  for (const auto& p : temps) EXPECT_TRUE(fs::exists(p)) << p;  // nothing removed without --repair

  json fixed = Doctor({"--repair"});
  size_t repaired = 0;
  for (const auto& f : FindingsOf(fixed, "temp_file")) {
    if (f["path"] == young.string()) {
      EXPECT_EQ(f["repaired"], false) << f.dump();
    } else {
      EXPECT_EQ(f["repaired"], true) << f.dump();
      repaired++;
    }
  }
  EXPECT_EQ(repaired, temps.size() + 1);
  for (const auto& p : temps) EXPECT_FALSE(fs::exists(p)) << p;
  EXPECT_FALSE(fs::exists(staging));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(young));

  // Once no command has the repository open, no temp file can be in use:
  // the young one goes too, and so does the one named after a live pid
  // (a process that is not a jvs command using this repository).
  ::close(other);
  json quiet = Doctor({"--repair"});
  EXPECT_FALSE(fs::exists(young));
  EXPECT_FALSE(fs::exists(live));
  EXPECT_EQ(quiet["repaired"], 2) << quiet.dump(2);

  json again = Doctor({"--repair"});
  EXPECT_EQ(again["repaired"], 0) << again.dump(2);
  EXPECT_EQ(again["healthy"], true) << again.dump(2);
  EXPECT_TRUE(FindingsOf(again, "temp_file").empty());
  // The repository works as before.
  EXPECT_EQ(Run({"verify", "--all"}).exit_code, 0);
}

// Files in a workspace are the user's, whatever they are called: doctor never
// looks at them. Checked in the layout where the workspace holds .jvs itself.
TEST(DoctorWorkspaceTest, FilesNamedLikeTempFilesInAWorkspaceAreNeverTouched) {
  jvs::testing::TempDir tmp;
  fs::path ws = tmp.path() / "data";
  fs::create_directories(ws);
  ASSERT_EQ(Jvs(ws, {"init", "--here"}).exit_code, 0);
  std::string d = std::to_string(DeadPid());
  std::vector<fs::path> files = {
      ws / ("obj-" + d + "-1-1"),    ws / ("notes.txt.tmp-jvs-" + d + "-0"),
      ws / (".jvs-tmp-" + d + "-3"), ws / (".engine-probe-" + d + "-0-a"),
      ws / (".clock-" + d + "-1"),   ws / "tmp" / ("obj-" + d + "-2-2"),
      ws / ("staging-" + d) / "0"};
  for (const auto& f : files) {
    jvs::testing::WriteFile(f, "user data");
    Backdate(f, 7 * 86400);
  }
  Backdate(ws / ("staging-" + d), 7 * 86400);
  auto before = DumpTree(ws);
  RunResult r = Jvs(ws, {"--json", "doctor", "--repair"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  json j = r.Json();
  EXPECT_EQ(j["healthy"], true) << j.dump(2);
  for (const auto& f : j["findings"]) EXPECT_NE(f["category"], "temp_file") << f.dump();
  auto after = DumpTree(ws);
  for (const auto& f : files) EXPECT_TRUE(fs::exists(f)) << f;
  for (const auto& [p, v] : before)
    if (p.rfind(".jvs", 0) != 0) {
      EXPECT_EQ(after[p], v) << p;
    }
}

TEST_F(DoctorTest, InterruptedRestoreIsFound) {
  Write("a.txt", "changed\n");
  Snap("second");
  // What a restore killed while applying changes leaves behind.
  fs::path marker = Control() / "worktrees/main/checkout_pending";
  jvs::testing::WriteFile(marker, first_ + "\n");
  json j = Doctor({}, 1);
  auto found = FindingsOf(j, "interrupted_operation");
  ASSERT_EQ(found.size(), 1u) << j.dump(2);
  EXPECT_EQ(found[0]["severity"], "error");
  EXPECT_EQ(found[0]["path"], marker.string());
  EXPECT_TRUE(Has(found[0]["description"], "jvs restore " + first_.substr(0, 12)));
  EXPECT_EQ(j["healthy"], false);
  // Not repaired automatically (finishing it writes into the workspace).
  json again = Doctor({"--repair"}, 1);
  EXPECT_EQ(FindingsOf(again, "interrupted_operation")[0]["repaired"], false);
  EXPECT_TRUE(fs::exists(marker));
  RunResult text = Run({"doctor"});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_TRUE(Has(text.err, "jvs: error:") && Has(text.err, "hint:")) << text.Describe();
  // While a command holds the worktree lock the restore is still running.
  {
    FileLock lock(Control() / "worktrees/main/lock");
    ASSERT_TRUE(lock.locked());
    json busy = Doctor({});
    EXPECT_TRUE(FindingsOf(busy, "interrupted_operation").empty());
    EXPECT_EQ(FindingsOf(busy, "lock").size(), 1u) << busy.dump(2);
  }
  // Running the restore again finishes it.
  ASSERT_EQ(Run({"restore", first_}).exit_code, 0);
  EXPECT_EQ(Doctor({})["healthy"], true);
}

TEST_F(DoctorTest, SeveralOpHeadsAreMergedByRepair) {
  fs::path heads = Control() / "op_heads";
  std::vector<std::string> base = ListDirNames(heads);
  ASSERT_EQ(base.size(), 1u);
  Write("a.txt", "one\n");
  Snap("line one");
  std::vector<std::string> after_one = ListDirNames(heads);
  ASSERT_EQ(after_one.size(), 1u);
  // Make the second snapshot start from the same operation: two divergent heads.
  fs::rename(heads / after_one[0], Tmp() / "saved_head");
  jvs::testing::WriteFile(heads / base[0], "");
  Write("a.txt", "two\n");
  Snap("line two");
  fs::rename(Tmp() / "saved_head", heads / after_one[0]);
  ASSERT_EQ(ListDirNames(heads).size(), 2u);

  json j = Doctor({});
  auto found = FindingsOf(j, "op_heads");
  ASSERT_EQ(found.size(), 1u) << j.dump(2);
  EXPECT_EQ(found[0]["severity"], "warning");
  EXPECT_EQ(ListDirNames(heads).size(), 2u);  // doctor without --repair changes nothing

  json fixed = Doctor({"--repair"});
  found = FindingsOf(fixed, "op_heads");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["repaired"], true) << found[0].dump();
  EXPECT_EQ(fixed["healthy"], true) << fixed.dump(2);
  EXPECT_EQ(ListDirNames(heads).size(), 1u);
  json log = RunJson({"op", "log"});
  EXPECT_EQ(log[0]["is_merge"], true);

  json again = Doctor({"--repair"});
  EXPECT_EQ(again["repaired"], 0);
  EXPECT_TRUE(FindingsOf(again, "op_heads").empty());
  EXPECT_EQ(Run({"verify", "--all"}).exit_code, 0);
}

TEST_F(DoctorTest, LostOpHeadsAreRecreatedByRepair) {
  Write("a.txt", "two\n");
  std::string second = Snap("second");
  fs::path heads = Control() / "op_heads";
  for (const auto& n : ListDirNames(heads)) fs::remove(heads / n);
  EXPECT_EQ(Run({"status"}).exit_code, 3);
  json j = Doctor({}, 1);
  ASSERT_EQ(FindingsOf(j, "op_heads").size(), 1u) << j.dump(2);
  json fixed = Doctor({"--repair"});
  EXPECT_EQ(FindingsOf(fixed, "op_heads")[0]["repaired"], true);
  EXPECT_EQ(ListDirNames(heads).size(), 1u);
  json hist = RunJson({"history"});
  ASSERT_FALSE(hist.empty());
  EXPECT_EQ(hist[0]["snapshot_id"], second);
}

TEST_F(DoctorTest, DanglingOpHeadIsRemovedByRepair) {
  fs::path dangling = Control() / "op_heads" / std::string(64, 'e');
  jvs::testing::WriteFile(dangling, "");
  EXPECT_NE(Run({"status"}).exit_code, 0);
  EXPECT_EQ(Run({"verify", "--all"}).exit_code, 3);
  json j = Doctor({}, 3);
  auto found = FindingsOf(j, "op_heads");
  ASSERT_EQ(found.size(), 1u) << j.dump(2);
  EXPECT_EQ(found[0]["path"], dangling.string());
  json fixed = Doctor({"--repair"});
  EXPECT_EQ(FindingsOf(fixed, "op_heads")[0]["repaired"], true);
  EXPECT_FALSE(fs::exists(dangling));
  EXPECT_EQ(Run({"status"}).exit_code, 0);
  EXPECT_EQ(Doctor({"--repair"})["repaired"], 0);
}

TEST_F(DoctorTest, MissingObjectIsAnErrorAndNotRepaired) {
  fs::path blob = StoreObject(Root(), "blobs", HexOf("beta\n"));
  fs::remove(blob);
  json j = Doctor({}, 1);
  auto found = FindingsOf(j, "missing_object");
  ASSERT_EQ(found.size(), 1u) << j.dump(2);
  EXPECT_EQ(found[0]["severity"], "error");
  EXPECT_EQ(found[0]["path"], blob.string());
  EXPECT_TRUE(Has(found[0]["description"], "dir/b.txt")) << found[0].dump();
  json again = Doctor({"--repair"}, 1);
  EXPECT_EQ(FindingsOf(again, "missing_object")[0]["repaired"], false);
  // A missing snapshot that a view names is an error too.
  fs::remove(StoreObject(Root(), "snapshots", first_));
  json j2 = Doctor({}, 1);
  bool snapshot_missing = false;
  for (const auto& f : FindingsOf(j2, "missing_object"))
    snapshot_missing |= Has(f["description"], "snapshot " + first_.substr(0, 12));
  EXPECT_TRUE(snapshot_missing) << j2.dump(2);
}

TEST_F(DoctorTest, DamagedTreeIsCorruptionAndStrictFindsDamagedBlobs) {
  // A flipped blob byte (same size) is only found by --strict.
  FlipByte(StoreObject(Root(), "blobs", HexOf("alpha\n")), 0);
  json quick = Doctor({});
  EXPECT_EQ(quick["healthy"], true);
  json strict = Doctor({"--strict"}, 3);
  auto found = FindingsOf(strict, "corrupt_object");
  ASSERT_EQ(found.size(), 1u) << strict.dump(2);
  EXPECT_EQ(found[0]["corruption"], true);
  EXPECT_TRUE(Has(found[0]["description"], "blob for a.txt"));
  // A damaged tree is found without --strict.
  json hist = RunJson({"history"});
  FlipByte(StoreObject(Root(), "trees", hist[0]["payload_root_hash"].get<std::string>()), 3);
  json j = Doctor({}, 3);
  EXPECT_FALSE(FindingsOf(j, "corrupt_object").empty());
  RunResult text = Run({"doctor"});
  EXPECT_EQ(text.exit_code, 3);
  EXPECT_TRUE(Has(text.err, "hint:"));
}

TEST_F(DoctorTest, OrphanObjectsAreReportedButNeverDeleted) {
  // An object no operation reaches, as an interrupted snapshot leaves.
  std::string orphan = PutObject(Root(), "blobs", "nobody refers to me");
  ::chmod(StoreObject(Root(), "blobs", orphan).c_str(), 0444);
  json j = Doctor({"--repair"});
  EXPECT_EQ(j["healthy"], true);
  auto found = FindingsOf(j, "orphan_object");
  ASSERT_EQ(found.size(), 1u) << j.dump(2);
  EXPECT_EQ(found[0]["severity"], "info");
  EXPECT_EQ(found[0]["repaired"], false);
  EXPECT_TRUE(Has(found[0]["description"], "gc"));
  EXPECT_TRUE(fs::exists(StoreObject(Root(), "blobs", orphan)));
}

TEST_F(DoctorTest, RejectsAtOp) { ExpectError(Ws(), {"--at-op", "@", "doctor"}, 2, "--at-op"); }

}  // namespace
}  // namespace jvs::e2e
