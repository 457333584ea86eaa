// Content is checked before it lands in a workspace (issue 16, item 6): a
// store blob replaced by other bytes of the same length is refused by restore
// and fork with exit 3, naming the snapshot, the path and the blob, and the
// workspace is left exactly as it was. The copy engine hashes what it
// copied; `--verify` asks the same of sharing engines (tests/fs covers
// reflink on XFS and btrfs).
#include "integrity_util.h"

namespace jvs::e2e {
namespace {

class CheckoutIntegrityTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    Write("readme.txt", "hello\n");
    Write("data/big.bin", Big('a'));
    first_ = Snap("first");
    Write("readme.txt", "hello again\n");
    Write("data/big.bin", Big('b'));
    second_ = Snap("second");
  }
  // 3 MiB: above the small-file limit, so it goes through the engine.
  static std::string Big(char fill) {
    std::string s(3u << 20, fill);
    s[12345] = 'x';
    return s;
  }
  // Replaces the blob of `content` by other bytes of the same length.
  void Tamper(const std::string& content) const {
    fs::path p = StoreObject(Root(), "blobs", HexOf(content));
    ASSERT_TRUE(fs::exists(p)) << p;
    ::chmod(p.c_str(), 0644);
    std::string other = content;
    for (auto& c : other) c = c == 'z' ? 'y' : 'z';
    jvs::testing::WriteFile(p, other);
  }
  RunResult Copy(std::vector<std::string> args) const {
    return JvsEnv(Ws(), std::move(args), {{"JVS_ENGINE", "copy"}});
  }
  // The failure names the snapshot, the path and the blob.
  void ExpectNamed(const RunResult& r, const std::string& snapshot, const std::string& path,
                   const std::string& blob) const {
    EXPECT_EQ(r.exit_code, 3) << r.Describe();
    EXPECT_TRUE(Contains(r.err, "snapshot " + snapshot.substr(0, 12))) << r.Describe();
    EXPECT_TRUE(Contains(r.err, "'" + path + "'")) << r.Describe();
    EXPECT_TRUE(Contains(r.err, blob)) << r.Describe();
    EXPECT_TRUE(Contains(r.err, "does not match its id")) << r.Describe();
  }
  void ExpectClean() const {
    RunResult st = Run({"status"});
    ASSERT_OK(st);
    EXPECT_TRUE(Contains(st.out, "No changes")) << st.Describe();
    json j = RunJson({"status"});
    EXPECT_EQ(j["head_snapshot_id"], second_) << "the head moved: " << j.dump();
    EXPECT_EQ(j["clean"], true) << j.dump();
  }
  std::string first_, second_;
};

TEST_F(CheckoutIntegrityTest, RestoreOfTamperedBlobFailsAndChangesNothing) {
  Tamper(Big('a'));
  auto before = DumpTree(Ws());
  RunResult r = Copy({"restore", first_.substr(0, 12)});
  ExpectNamed(r, first_, "data/big.bin", HexOf(Big('a')));
  EXPECT_TRUE(Contains(r.err, "hint: ")) << r.Describe();
  EXPECT_EQ(DumpTree(Ws()), before) << "the workspace changed";
  EXPECT_FALSE(fs::exists(Root() / ".jvs/worktrees/main/checkout_pending"));
  ExpectClean();
  // Nothing was published: the next command works and the head is unchanged.
  RunResult again = Copy({"--json", "restore", first_.substr(0, 12), "--verify"});
  EXPECT_EQ(again.exit_code, 3) << again.Describe();
  EXPECT_EQ(again.Json()["error"]["code"], "E_CORRUPT") << again.Describe();
  EXPECT_EQ(DumpTree(Ws()), before);
  // The intact file of that snapshot can still be restored alone.
  ASSERT_OK(Copy({"restore", first_.substr(0, 12), "--", "readme.txt"}));
  EXPECT_EQ(Read("readme.txt"), "hello\n");
}

TEST_F(CheckoutIntegrityTest, RestoreOfTamperedSmallBlobFails) {
  // Small files take the same path: a 6-byte blob replaced by 6 other bytes.
  fs::path p = StoreObject(Root(), "blobs", HexOf("hello\n"));
  ::chmod(p.c_str(), 0644);
  jvs::testing::WriteFile(p, "HELLO\n");
  auto before = DumpTree(Ws());
  RunResult r = Copy({"restore", first_.substr(0, 12)});
  ExpectNamed(r, first_, "readme.txt", HexOf("hello\n"));
  EXPECT_EQ(DumpTree(Ws()), before);
  ExpectClean();
}

TEST_F(CheckoutIntegrityTest, TamperedSymlinkTargetIsRefused) {
  ASSERT_EQ(::symlink("target-aaaa", (Ws() / "ln").c_str()), 0);
  std::string with_a = Snap("link a");
  fs::remove(Ws() / "ln");
  ASSERT_EQ(::symlink("target-bbbb", (Ws() / "ln").c_str()), 0);
  second_ = Snap("link b");
  fs::path p = StoreObject(Root(), "blobs", HexOf("target-aaaa"));
  ::chmod(p.c_str(), 0644);
  jvs::testing::WriteFile(p, "target-cccc");
  auto before = DumpTree(Ws());
  RunResult r = Copy({"restore", with_a.substr(0, 12)});
  ExpectNamed(r, with_a, "ln", HexOf("target-aaaa"));
  EXPECT_EQ(DumpTree(Ws()), before);
  EXPECT_EQ(fs::read_symlink(Ws() / "ln"), "target-bbbb");
  ExpectClean();
}

TEST_F(CheckoutIntegrityTest, ForkOfTamperedBlobFailsAndLeavesNothing) {
  Tamper(Big('a'));
  RunResult r = Copy({"worktree", "fork", first_.substr(0, 12), "fk"});
  ExpectNamed(r, first_, "data/big.bin", HexOf(Big('a')));
  EXPECT_FALSE(fs::exists(Root() / "worktrees/fk")) << "a half-written fork stayed";
  json list = RunJson({"worktree", "list"});
  for (const auto& w : list) EXPECT_NE(w["name"], "fk") << list.dump();
  // Into a directory the user made: it is left empty, as it was.
  fs::create_directories(Tmp() / "mine");
  RunResult p = Copy({"worktree", "fork", first_.substr(0, 12), "fk2", "--path", (Tmp() / "mine").string()});
  ExpectNamed(p, first_, "data/big.bin", HexOf(Big('a')));
  EXPECT_TRUE(fs::exists(Tmp() / "mine"));
  EXPECT_TRUE(DumpTree(Tmp() / "mine").empty()) << "files of a failed fork stayed";
  ExpectClean();
  // An intact snapshot still forks.
  ASSERT_OK(Copy({"worktree", "fork", second_.substr(0, 12), "ok"}));
  EXPECT_EQ(jvs::testing::ReadFile(Root() / "worktrees/ok/data/big.bin"), Big('b'));
}

TEST_F(CheckoutIntegrityTest, IntactContentRestoresWithAndWithoutVerify) {
  ASSERT_OK(Copy({"restore", first_.substr(0, 12)}));
  EXPECT_EQ(Read("data/big.bin"), Big('a'));
  ASSERT_OK(Copy({"restore", second_.substr(0, 12), "--verify"}));
  EXPECT_EQ(Read("data/big.bin"), Big('b'));
  ASSERT_OK(Copy({"worktree", "fork", first_.substr(0, 12), "v", "--verify"}));
  EXPECT_EQ(jvs::testing::ReadFile(Root() / "worktrees/v/data/big.bin"), Big('a'));
  ExpectClean();
}

}  // namespace
}  // namespace jvs::e2e
