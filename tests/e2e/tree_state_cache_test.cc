// End-to-end: the tree state is a cache with a checksum. A damaged one (two
// blob ids swapped, the hostile tester's case, or plain garbage) is detected,
// discarded with a warning and rebuilt by a full rescan: the next snapshot
// records the real content, and no command fails because of it.
#include "integrity_util.h"

namespace jvs::e2e {
namespace {

class TreeStateCacheTest : public RepoTest {
 protected:
  fs::path State() const { return Root() / ".jvs" / "worktrees" / "main" / "tree_state"; }
};

TEST_F(TreeStateCacheTest, SwappedBlobIdsAreDetectedAndTheSnapshotIsRight) {
  Write("a.txt", "content of a\n");
  Write("b.txt", "content of b, longer\n");
  std::string first = Snap("first");
  ASSERT_FALSE(first.empty());
  std::string data = jvs::testing::ReadFile(State());
  std::string a = std::string(reinterpret_cast<const char*>(Sha256Of("content of a\n").data()), 32);
  std::string b = std::string(reinterpret_cast<const char*>(Sha256Of("content of b, longer\n").data()), 32);
  size_t pa = data.find(a), pb = data.find(b);
  ASSERT_NE(pa, std::string::npos);
  ASSERT_NE(pb, std::string::npos);
  data.replace(pa, 32, b);
  data.replace(pb, 32, a);
  jvs::testing::WriteFile(State(), data);

  RunResult st = Run({"status"});
  EXPECT_EQ(st.exit_code, 0) << st.Describe();
  EXPECT_TRUE(Has(st.err, "tree state")) << st.Describe();
  RunResult snap = Run({"--json", "snapshot", "second"});
  ASSERT_EQ(snap.exit_code, 0) << snap.Describe();
  EXPECT_TRUE(Has(snap.out + snap.err, "discarded")) << snap.Describe();
  // The same content as the first snapshot: nothing differs.
  RunResult diff = Run({"diff", "--name-only", first, "@"});
  EXPECT_EQ(diff.exit_code, 0) << diff.Describe();
  EXPECT_EQ(diff.out, "") << diff.Describe();
  RunResult fork = Run({"worktree", "fork", "copy"});
  ASSERT_EQ(fork.exit_code, 0) << fork.Describe();
  EXPECT_EQ(jvs::testing::ReadFile(Root() / "worktrees" / "copy" / "a.txt"), "content of a\n");
  EXPECT_EQ(jvs::testing::ReadFile(Root() / "worktrees" / "copy" / "b.txt"), "content of b, longer\n");
  RunResult verify = Run({"verify", "--all"});
  EXPECT_EQ(verify.exit_code, 0) << verify.Describe();
  // Rebuilt: the next snapshot warns no more.
  RunResult again = Run({"snapshot", "third"});
  EXPECT_EQ(again.exit_code, 0) << again.Describe();
  EXPECT_FALSE(Has(again.err, "tree state")) << again.Describe();
}

TEST_F(TreeStateCacheTest, GarbageNeverBlocksACommand) {
  Write("a.txt", "a\n");
  ASSERT_FALSE(Snap("first").empty());
  for (const std::string& junk : {std::string("junk"), std::string(500, '\0'), std::string("JVSS\x02garbage")}) {
    SCOPED_TRACE(junk.substr(0, 8));
    jvs::testing::WriteFile(State(), junk);
    RunResult st = Run({"status"});
    EXPECT_EQ(st.exit_code, 0) << st.Describe();
    jvs::testing::WriteFile(State(), junk);
    Write("a.txt", "a " + std::to_string(junk.size()) + "\n");
    RunResult snap = Run({"snapshot", "next"});
    EXPECT_EQ(snap.exit_code, 0) << snap.Describe();
    EXPECT_TRUE(Has(snap.err, "discarded")) << snap.Describe();
    jvs::testing::WriteFile(State(), junk);
    RunResult restore = Run({"restore", "@~1"});
    EXPECT_EQ(restore.exit_code, 0) << restore.Describe();
  }
}

}  // namespace
}  // namespace jvs::e2e
