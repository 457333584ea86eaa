// End-to-end: crafted trees nested deeper than a filesystem can hold. Every
// tree walk is iterative, so restore, fork and diff never overflow the stack;
// before writing anything, restore and fork refuse a target with a path the
// filesystem cannot name (docs/cli.md: "Limits"), leaving the workspace and
// the repository as they were.
#include "integrity_util.h"

namespace jvs::e2e {
namespace {

class DeepTreeTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    Write("keep.txt", "keep\n");
    base_ = Snap("base");
  }
  // A snapshot whose root holds keep.txt and a chain of `depth` directories
  // named `name`, with one file at the bottom.
  std::string Chain(size_t depth, const std::string& name) {
    std::string blob = PutObject(Root(), "blobs", "deep\n");
    Tree leaf;
    leaf.entries.push_back(TreeEntry{"bottom.txt", EntryKind::kFile, *DigestFromHex(blob), 5});
    std::string tree = PutObject(Root(), "trees", leaf.Encode());
    for (size_t i = 0; i < depth; ++i) {
      Tree t;
      t.entries.push_back(TreeEntry{name, EntryKind::kTree, *DigestFromHex(tree), 5});
      tree = PutObject(Root(), "trees", t.Encode());
    }
    Tree root;
    root.entries.push_back(TreeEntry{"keep.txt", EntryKind::kFile, *DigestFromHex(HexOf("keep\n")), 5});
    root.entries.push_back(TreeEntry{name, EntryKind::kTree, *DigestFromHex(tree), 5});
    std::sort(root.entries.begin(), root.entries.end(),
              [](const TreeEntry& a, const TreeEntry& b) { return a.name < b.name; });
    return PutObject(Root(), "snapshots", Descriptor(PutObject(Root(), "trees", root.Encode())));
  }
  // restore, fork and diff of `snap` fail cleanly (no signal, a message that
  // says why, nothing written); the repository keeps working.
  void ExpectRefused(const std::string& snap, const std::string& why) {
    SCOPED_TRACE(why);
    auto before = DumpTree(Ws());
    RunResult heads = Run({"--json", "op", "log"});
    RunResult restore = Run({"restore", snap});
    EXPECT_GT(restore.exit_code, 0) << restore.Describe();
    EXPECT_LT(restore.exit_code, 128) << "killed by a signal\n" << restore.Describe();
    EXPECT_TRUE(Has(restore.err, why)) << restore.Describe();
    EXPECT_EQ(DumpTree(Ws()), before) << "the workspace changed";
    RunResult fork = Run({"worktree", "fork", snap, "deep"});
    EXPECT_GT(fork.exit_code, 0) << fork.Describe();
    EXPECT_LT(fork.exit_code, 128) << "killed by a signal\n" << fork.Describe();
    EXPECT_TRUE(Has(fork.err, why)) << fork.Describe();
    if (fs::exists(Root() / "worktrees" / "deep")) {
      EXPECT_TRUE(fs::is_empty(Root() / "worktrees" / "deep")) << "a failed fork left files";
    }
    RunResult diff = Run({"diff", "--name-only", "@", snap});
    EXPECT_LT(diff.exit_code, 128) << "killed by a signal\n" << diff.Describe();
    // Nothing was published, nothing blocks the next commands.
    RunResult after = Run({"--json", "op", "log"});
    EXPECT_EQ(after.out, heads.out);
    RunResult status = Run({"status"});
    EXPECT_EQ(status.exit_code, 0) << status.Describe();
    Write("after.txt", std::to_string(++n_));
    EXPECT_FALSE(Snap("after").empty());
  }
  std::string base_;
  int n_ = 0;
};

TEST_F(DeepTreeTest, ThirtyThousandLevelsAreRefusedWithoutCrashing) {
  ExpectRefused(Chain(30000, "d"), "deeper than 2048 levels");
}

TEST_F(DeepTreeTest, PathsLongerThanTheFilesystemAllowsAreRefusedBeforeWriting) {
  // 1,500 levels of "dd/": 4,500 bytes, within the depth limit but beyond PATH_MAX.
  ExpectRefused(Chain(1500, "dd"), "the limit is");
  // 6,000 levels: the tester's case that left 2,032 nested folders behind.
  ExpectRefused(Chain(6000, "d"), "deeper than 2048 levels");
}

TEST_F(DeepTreeTest, DeepButWritableTreesAreRestored) {
  // 500 levels of "d/": 1,000 bytes, restored and forked as usual.
  std::string snap = Chain(500, "d");
  RunResult restore = Run({"restore", snap});
  ASSERT_EQ(restore.exit_code, 0) << restore.Describe();
  std::string rel;
  for (int i = 0; i < 501; ++i) rel += "d/";
  EXPECT_EQ(Read(rel + "bottom.txt"), "deep\n");
  RunResult fork = Run({"worktree", "fork", snap, "deep"});
  ASSERT_EQ(fork.exit_code, 0) << fork.Describe();
  RunResult diff = Run({"diff", "--name-only", base_, snap});
  EXPECT_EQ(diff.exit_code, 0) << diff.Describe();
  EXPECT_TRUE(Has(diff.out, "bottom.txt")) << diff.Describe();
  RunResult status = Run({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.Describe();
}

}  // namespace
}  // namespace jvs::e2e
