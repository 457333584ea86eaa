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

// An entry named `.jvs` is the control folder's name: as a file it would be a
// pointer to another repository, as a folder (with `format`) a control folder
// of its own, so that commands run in the restored workspace act on another
// repository. It is damage at any depth: verify names the snapshot (exit 3),
// restore and fork never write it.
TEST_F(HostileTest, ControlFolderNameIsRefusedAtEveryDepth) {
  fs::path other = Tmp() / "other";
  ASSERT_EQ(Jvs(Tmp(), {"init", "other"}).exit_code, 0);
  std::string pointer = "jvs-repo: " + other.string() + "\n";
  std::string pointer_blob = PutObject(Root(), "blobs", pointer);
  std::string format_blob = PutObject(Root(), "blobs", "1\n");
  std::string control = PutObject(Root(), "trees", RawTree({{"format", EntryKind::kFile, format_blob, 2}}));
  std::string deep = PutObject(Root(), "trees", RawTree({{".jvs", EntryKind::kFile, pointer_blob, pointer.size()}}));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {Craft({{".jvs", EntryKind::kFile, pointer_blob, pointer.size()},
              {"keep.txt", EntryKind::kFile, HexOf("keep\n"), 5}}),
       "pointer file at the root"},
      {Craft({{".jvs", EntryKind::kTree, control, 2}, {"keep.txt", EntryKind::kFile, HexOf("keep\n"), 5}}),
       "control folder at the root"},
      {Craft({{"d", EntryKind::kTree, deep, pointer.size()},
              {"keep.txt", EntryKind::kFile, HexOf("keep\n"), 5}}),
       "pointer file below"},
  };
  for (const auto& [snap, what] : cases) {
    ExpectRefused(snap, what);
    RunResult verify = Run({"verify", snap});
    EXPECT_TRUE(Has(verify.out + verify.err, snap.substr(0, 8))) << verify.Describe();
    EXPECT_TRUE(Has(verify.out + verify.err, ".jvs")) << verify.Describe();
    EXPECT_FALSE(fs::exists(Ws() / "d"));
    EXPECT_TRUE(fs::is_directory(Root() / ".jvs" / "store"));
  }
  // The other repository was never touched and this one still works.
  RunResult log = Jvs(other / "main", {"--json", "op", "log"});
  ASSERT_EQ(log.exit_code, 0) << log.Describe();
  EXPECT_EQ(log.Json().size(), 1u) << log.out;
  Write("after.txt", "after\n");
  EXPECT_FALSE(Snap("after").empty());
}

// The scanner never records an entry named `.jvs`: at the workspace root it
// is skipped silently (the control folder, or a worktree's pointer file),
// deeper down with a warning, whether it is a file or a folder.
TEST_F(HostileTest, ScannerNeverRecordsControlFolderNames) {
  Write("a/.jvs", "jvs-repo: /elsewhere\n");
  Write("b/.jvs/format", "1\n");
  Write("c/.jvs/other", "x\n");
  Write("c/kept.txt", "kept\n");
  RunResult snap = Run({"snapshot", "with control names"});
  ASSERT_EQ(snap.exit_code, 0) << snap.Describe();
  EXPECT_TRUE(Has(snap.err, "skipped 'a/.jvs'")) << snap.Describe();
  EXPECT_TRUE(Has(snap.err, "skipped 'b/.jvs'")) << snap.Describe();
  EXPECT_TRUE(Has(snap.err, "skipped 'c/.jvs'")) << snap.Describe();
  RunResult fork = Run({"worktree", "fork", "copy"});
  ASSERT_EQ(fork.exit_code, 0) << fork.Describe();
  fs::path copy = Root() / "worktrees" / "copy";
  EXPECT_TRUE(fs::exists(copy / "c" / "kept.txt"));
  EXPECT_FALSE(fs::exists(copy / "a" / ".jvs"));
  EXPECT_FALSE(fs::exists(copy / "b" / ".jvs"));
  EXPECT_FALSE(fs::exists(copy / "c" / ".jvs"));
  // A worktree outside the root holds a `.jvs` pointer file: never recorded, no warning.
  fs::path outside = Tmp() / "outside-wt";
  RunResult out = Run({"worktree", "fork", "--path", outside.string(), "far"});
  ASSERT_EQ(out.exit_code, 0) << out.Describe();
  ASSERT_TRUE(fs::is_regular_file(outside / ".jvs"));
  jvs::testing::WriteFile(outside / "far.txt", "far\n");
  RunResult far = Jvs(outside, {"--json", "snapshot", "far"});
  ASSERT_EQ(far.exit_code, 0) << far.Describe();
  EXPECT_FALSE(Has(far.err, "skipped")) << far.Describe();
  RunResult files = Jvs(outside, {"diff", "--name-only", "@~1", "@"});
  EXPECT_EQ(files.exit_code, 0) << files.Describe();
  EXPECT_FALSE(Has(files.out, ".jvs")) << files.Describe();
  EXPECT_TRUE(Has(files.out, "far.txt")) << files.Describe();
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
