// End-to-end hostile input: tree objects and descriptors crafted with a
// correct id (so the content hash matches) but naming `..`, `.`, absolute
// paths, names with '/', NUL, duplicate or unsorted entries, a symlink and a
// directory under the same name, or sizes that do not match their blobs.
// restore, fork and verify must refuse them as corruption (exit 3), and
// nothing may be written outside the workspace.
#include "integrity_util.h"

namespace jvs::e2e {
namespace {

struct RawEntry {
  std::string name;
  EntryKind kind;
  std::string id;  // hex
  uint64_t size;
};

// Encodes entries exactly as given (the encoder does not validate).
std::string RawTree(const std::vector<RawEntry>& entries) {
  Tree t;
  for (const auto& r : entries) {
    TreeEntry e;
    e.name = r.name;
    e.kind = r.kind;
    e.id = *DigestFromHex(r.id);
    e.size = r.size;
    t.entries.push_back(e);
  }
  return t.Encode();
}

class HostileTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    Write("keep.txt", "keep\n");
    base_ = Snap("base");
    outside_ = Tmp() / "outside";
    fs::create_directories(outside_);
    payload_ = PutObject(Root(), "blobs", "pwned\n");
    // A subtree holding one file "pwned.txt".
    sub_ = PutObject(Root(), "trees", RawTree({{"pwned.txt", EntryKind::kFile, payload_, 6}}));
  }
  // Stores a snapshot whose root tree is made of `entries`; returns its id.
  std::string Craft(const std::vector<RawEntry>& entries) {
    std::string tree = PutObject(Root(), "trees", RawTree(entries));
    return PutObject(Root(), "snapshots", Descriptor(tree));
  }
  // Everything below the test's temporary directory except the repository's
  // control folder and forked worktrees, for checking that nothing was
  // written anywhere else.
  std::map<std::string, std::string> Everything() const {
    std::map<std::string, std::string> out;
    for (auto& [p, v] : DumpTree(Tmp()))
      if (p.rfind("repo/.jvs", 0) != 0 && p.rfind("repo/worktrees", 0) != 0) out[p] = v;
    return out;
  }
  // restore, fork and verify of `snap` all fail with exit 3 and leave every
  // file outside the control folder as it was.
  void ExpectRefused(const std::string& snap, const std::string& what) {
    SCOPED_TRACE(what);
    auto before = Everything();
    RunResult restore = Run({"restore", snap});
    EXPECT_EQ(restore.exit_code, 3) << restore.Describe();
    EXPECT_TRUE(Has(restore.err, "jvs: error:")) << restore.Describe();
    std::string name = "evil" + std::to_string(forks_++);
    RunResult fork = Run({"worktree", "fork", snap, name});
    EXPECT_EQ(fork.exit_code, 3) << fork.Describe();
    // A failed fork leaves at most an empty directory.
    if (fs::exists(Root() / "worktrees" / name)) {
      EXPECT_TRUE(fs::is_empty(Root() / "worktrees" / name));
    }
    RunResult verify = Run({"verify", snap});
    EXPECT_EQ(verify.exit_code, 3) << verify.Describe();
    EXPECT_EQ(ManifestDiffText(before, Everything()), "");
    EXPECT_FALSE(fs::exists(Tmp() / "pwned.txt"));
    EXPECT_FALSE(fs::exists(Root() / "pwned.txt"));
    EXPECT_TRUE(fs::is_empty(outside_));
    EXPECT_EQ(Read("keep.txt"), "keep\n");
    // The repository still works.
    RunResult status = Run({"status"});
    EXPECT_EQ(status.exit_code, 0) << status.Describe();
  }
  static std::string ManifestDiffText(const std::map<std::string, std::string>& a,
                                      const std::map<std::string, std::string>& b) {
    std::string out;
    for (const auto& [p, v] : a)
      if (!b.count(p))
        out += "removed " + p + "\n";
      else if (b.at(p) != v)
        out += "changed " + p + "\n";
    for (const auto& [p, v] : b)
      if (!a.count(p)) out += "added " + p + "\n";
    return out;
  }
  std::string base_, payload_, sub_;
  fs::path outside_;
  int forks_ = 0;
};

TEST_F(HostileTest, DotDotNameIsRefused) {
  ExpectRefused(Craft({{"..", EntryKind::kTree, sub_, 6}}), "..");
}

TEST_F(HostileTest, DotNameIsRefused) {
  ExpectRefused(Craft({{".", EntryKind::kTree, sub_, 6}}), ".");
}

TEST_F(HostileTest, AbsoluteNameIsRefused) {
  ExpectRefused(Craft({{(outside_ / "pwned.txt").string(), EntryKind::kFile, payload_, 6}}),
                "absolute");
}

TEST_F(HostileTest, NameWithSlashIsRefused) {
  ExpectRefused(Craft({{"../outside/pwned.txt", EntryKind::kFile, payload_, 6}}), "slash");
}

TEST_F(HostileTest, NameWithNulIsRefused) {
  ExpectRefused(Craft({{std::string("pwned\0.txt", 10), EntryKind::kFile, payload_, 6}}), "NUL");
}

TEST_F(HostileTest, DuplicateNamesAreRefused) {
  ExpectRefused(Craft({{"a", EntryKind::kFile, payload_, 6}, {"a", EntryKind::kFile, payload_, 6}}),
                "dup");
}

TEST_F(HostileTest, UnsortedEntriesAreRefused) {
  ExpectRefused(Craft({{"b", EntryKind::kFile, payload_, 6}, {"a", EntryKind::kFile, payload_, 6}}),
                "unsorted");
}

TEST_F(HostileTest, SymlinkThenDirectoryOfTheSameNameIsRefused) {
  std::string target = PutObject(Root(), "blobs", outside_.string());
  ExpectRefused(Craft({{"a", EntryKind::kSymlink, target, outside_.string().size()},
                       {"a", EntryKind::kTree, sub_, 6}}),
                "symlink then tree");
}

TEST_F(HostileTest, HugeSizeIsRefused) {
  ExpectRefused(Craft({{"f.txt", EntryKind::kFile, payload_, 1ull << 62}}), "huge size");
}

TEST_F(HostileTest, SizeSmallerThanTheBlobIsRefused) {
  ExpectRefused(Craft({{"f.txt", EntryKind::kFile, payload_, 2}}), "short size");
}

TEST_F(HostileTest, SymlinkTargetWithNulIsRefused) {
  std::string t = std::string("/etc\0/passwd", 12);
  std::string target = PutObject(Root(), "blobs", t);
  ExpectRefused(Craft({{"l", EntryKind::kSymlink, target, t.size()}}), "NUL target");
}

TEST_F(HostileTest, MalformedDescriptorsAreRefused) {
  // Valid JSON with the right id, but no valid tree id or an unknown format.
  for (
      const std::string& d :
      {std::string(
           R"({"author":"a","change_id":"cccccccccccccccccccccccccccccccc","created_at":"x","engine":"copy","format":1,"note":"","parents":[],"tree":"../../etc","worktree":"main"})"),
       std::string(
           R"({"author":"a","change_id":"cccccccccccccccccccccccccccccccc","created_at":"x","engine":"copy","format":99,"note":"","parents":[],"tree":")") +
           std::string(64, '0') + R"(","worktree":"main"})",
       std::string("not json at all")}) {
    ExpectRefused(PutObject(Root(), "snapshots", d), d.substr(0, 40));
  }
}

// A legitimate sequence that tries the same trick across snapshots: the
// workspace first gets a symlink `a` pointing outside, then a snapshot where
// `a` is a directory with a file. The file must land in a real directory
// inside the workspace, never through the symlink.
TEST_F(HostileTest, SymlinkReplacedByDirectoryNeverWritesThroughIt) {
  std::string target = PutObject(Root(), "blobs", outside_.string());
  std::string with_link = Craft({{"a", EntryKind::kSymlink, target, outside_.string().size()},
                                 {"keep.txt", EntryKind::kFile, HexOf("keep\n"), 5}});
  std::string with_dir =
      Craft({{"a", EntryKind::kTree, sub_, 6}, {"keep.txt", EntryKind::kFile, HexOf("keep\n"), 5}});
  RunResult r1 = Run({"restore", with_link});
  ASSERT_EQ(r1.exit_code, 0) << r1.Describe();
  ASSERT_TRUE(fs::is_symlink(Ws() / "a"));
  RunResult r2 = Run({"restore", with_dir});
  ASSERT_EQ(r2.exit_code, 0) << r2.Describe();
  EXPECT_FALSE(fs::is_symlink(Ws() / "a"));
  EXPECT_TRUE(fs::is_directory(Ws() / "a"));
  EXPECT_EQ(Read("a/pwned.txt"), "pwned\n");
  EXPECT_TRUE(fs::is_empty(outside_));
  // The user puts the symlink back: the restore saves it (it is dirty) and
  // replaces it by a real directory, again without writing through it.
  fs::remove_all(Ws() / "a");
  fs::create_directory_symlink(outside_, Ws() / "a");
  RunResult r3 = Run({"restore", with_dir});
  EXPECT_EQ(r3.exit_code, 0) << r3.Describe();
  EXPECT_FALSE(fs::is_symlink(Ws() / "a"));
  EXPECT_TRUE(fs::is_empty(outside_));
}

}  // namespace
}  // namespace jvs::e2e
