// End-to-end: the `checkout_pending` marker is tied to the operation it
// belongs to. A restore killed before its operation was published changed
// nothing: its marker is void (ignored, then removed with its staging files),
// so no command asks the user to finish a restore that did not happen. Killed
// after publishing, the marker still blocks until the restore is finished.
#include <csignal>

#include "integrity_util.h"

namespace jvs::e2e {
namespace {

class InterruptedRestoreTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    Write("a.txt", "one\n");
    Write("big.bin", std::string(200000, 'x'));
    s1_ = Snap("s1");
    Write("a.txt", "two\n");
    Write("big.bin", std::string(300000, 'y'));
    Write("new.txt", "new\n");
    s2_ = Snap("s2");
  }
  fs::path Marker() const { return Root() / ".jvs" / "worktrees" / "main" / "checkout_pending"; }
  // `jvs restore s1` killed at `point`.
  void KillRestoreAt(const std::string& point) {
    RunResult r = JvsEnv(Ws(), {"restore", s1_}, {{"JVS_FAULT_POINT", point + ":kill"}});
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.Describe();
    ASSERT_TRUE(fs::exists(Marker()));
  }
  std::vector<std::string> Staging() const {
    std::vector<std::string> out;
    for (const auto& n : ListDirNames(Root() / ".jvs" / "worktrees" / "main"))
      if (n.rfind("staging-", 0) == 0) out.push_back(n);
    return out;
  }
  std::string s1_, s2_;
  int forks_ = 0;
};

TEST_F(InterruptedRestoreTest, MarkerOfAnUnpublishedRestoreIsVoid) {
  for (const std::string point : {"restore.after_marker", "publish.after_view", "publish.after_op",
                                  "publish.after_barrier"}) {
    SCOPED_TRACE(point);
    auto before = DumpTree(Ws());
    ASSERT_NO_FATAL_FAILURE(KillRestoreAt(point));
    EXPECT_EQ(DumpTree(Ws()), before);
    EXPECT_FALSE(Staging().empty()) << "the kill should leave staged files";
    // Nothing asks to finish it: status works, doctor does not call it an
    // interrupted restore.
    RunResult st = Run({"status"});
    EXPECT_EQ(st.exit_code, 0) << st.Describe();
    EXPECT_FALSE(Has(st.err, "interrupted restore")) << st.Describe();
    json doctor = RunJson({"doctor"});
    for (const auto& f : doctor["findings"]) EXPECT_NE(f["category"], "interrupted_operation") << f.dump();
    // Another worktree publishes meanwhile: the marker is still known void.
    RunResult fork = Run({"worktree", "fork", "other" + std::to_string(forks_++)});
    ASSERT_EQ(fork.exit_code, 0) << fork.Describe();
    // The next snapshot (it holds the worktree lock) removes marker and staging.
    Write("later.txt", point);
    RunResult snap = Run({"snapshot", "after " + point});
    EXPECT_EQ(snap.exit_code, 0) << snap.Describe();
    EXPECT_TRUE(Has(snap.err, "interrupted before it was recorded")) << snap.Describe();
    EXPECT_FALSE(fs::exists(Marker()));
    EXPECT_TRUE(Staging().empty());
    EXPECT_EQ(Read("a.txt"), "two\n");
  }
}

TEST_F(InterruptedRestoreTest, MarkerOfAPublishedRestoreStillBlocks) {
  for (const std::string point : {"publish.after_new_head", "restore.after_publish"}) {
    SCOPED_TRACE(point);
    ASSERT_NO_FATAL_FAILURE(KillRestoreAt(point));
    // Another worktree publishes meanwhile: the restore is still found.
    RunResult fork = Jvs(Ws(), {"worktree", "fork", "@", "other" + std::to_string(forks_++)});
    (void)fork;
    // The next command either asks to finish the restore or (the head moved,
    // the tree state is older) finishes it as a stale-worktree update; it
    // never carries on silently.
    RunResult st = Run({"status"});
    if (st.exit_code == 0) {
      EXPECT_TRUE(Has(st.err, "its files were updated")) << st.Describe();
    } else {
      EXPECT_TRUE(Has(st.err, "interrupted restore")) << st.Describe();
      EXPECT_TRUE(fs::exists(Marker()));
      RunResult finish = Run({"restore", s1_});
      ASSERT_EQ(finish.exit_code, 0) << finish.Describe();
    }
    EXPECT_EQ(Read("a.txt"), "one\n");
    EXPECT_FALSE(fs::exists(Marker()));
    RunResult back = Run({"restore", s2_});
    ASSERT_EQ(back.exit_code, 0) << back.Describe();
  }
}

// A marker written by an older jvs (only the target) names no operation: it
// counts as published, as before.
TEST_F(InterruptedRestoreTest, OldMarkerStillBlocks) {
  jvs::testing::WriteFile(Marker(), s1_ + "\n");
  RunResult st = Run({"status"});
  EXPECT_NE(st.exit_code, 0) << st.Describe();
  EXPECT_TRUE(Has(st.err, "interrupted restore")) << st.Describe();
}

// `restore --abort` takes back a restore killed after it was recorded: the
// files (dirty edits and new files included) and the head are exactly as
// before it, the marker is gone, and a second --abort has nothing to do.
TEST_F(InterruptedRestoreTest, AbortPutsFilesAndHeadBackAsBefore) {
  for (const std::string point : {"restore.after_publish", "restore.before_tree_state"}) {
    SCOPED_TRACE(point);
    Write("a.txt", "dirty " + point + "\n");
    Write("mine.txt", "not in any snapshot\n");
    auto before = DumpTree(Ws());
    ASSERT_NO_FATAL_FAILURE(KillRestoreAt(point));
    RunResult ab = Run({"restore", "--abort"});
    ASSERT_EQ(ab.exit_code, 0) << ab.Describe();
    EXPECT_TRUE(Has(ab.out, "Aborted the interrupted restore")) << ab.Describe();
    EXPECT_EQ(DumpTree(Ws()), before);
    EXPECT_FALSE(fs::exists(Marker()));
    json st = RunJson({"status"});
    EXPECT_EQ(st["head_snapshot_id"], s2_) << st.dump(1);
    ExpectError(Ws(), {"restore", "--abort"}, 1, "nothing to abort");
    ASSERT_EQ(Run({"verify", "--all"}).exit_code, 0);
  }
  ExpectError(Ws(), {"restore", "--abort", s1_}, 2, "--abort takes no REF");
  ExpectError(Ws(), {"restore"}, 2, "'jvs restore' needs REF");
}

// A restore killed before it was recorded changed nothing: --abort only
// removes its marker (and says so).
TEST_F(InterruptedRestoreTest, AbortOfAnUnrecordedRestoreOnlyRemovesItsMarker) {
  auto before = DumpTree(Ws());
  ASSERT_NO_FATAL_FAILURE(KillRestoreAt("restore.after_marker"));
  RunResult ab = Run({"restore", "--abort"});
  ASSERT_EQ(ab.exit_code, 0) << ab.Describe();
  EXPECT_TRUE(Has(ab.out, "never recorded")) << ab.Describe();
  EXPECT_FALSE(fs::exists(Marker()));
  EXPECT_EQ(DumpTree(Ws()), before);
  EXPECT_EQ(RunJson({"status"})["head_snapshot_id"], s2_);
}

}  // namespace
}  // namespace jvs::e2e
