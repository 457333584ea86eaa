// End-to-end tests of `jvs verify`: the text and JSON contract of an intact
// repository, argument errors, references, worktrees, and the count of
// distinct objects (each hashed once however many snapshots share it).
#include "integrity_util.h"

namespace jvs::e2e {
namespace {

class VerifyCliTest : public RepoTest {};

TEST_F(VerifyCliTest, IntactSnapshotPassesWithTheDocumentedJson) {
  Write("a.txt", "alpha\n");
  Write("big/blob.bin", std::string(2u << 20, 'z'));
  std::string id = Snap("one");
  RunResult text = Run({"verify"});
  ASSERT_EQ(text.exit_code, 0) << text.Describe();
  EXPECT_TRUE(Has(text.out, "Verified 1 snapshot")) << text.out;
  EXPECT_TRUE(Has(text.out, "everything is intact")) << text.out;
  EXPECT_TRUE(text.err.empty()) << text.err;

  json j = RunJson({"verify"});
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["scope"], "snapshot");
  ASSERT_EQ(j["snapshots"].size(), 1u);
  const json& s = j["snapshots"][0];
  EXPECT_EQ(s["snapshot_id"], id);
  EXPECT_EQ(s["checksum_valid"], true);
  EXPECT_EQ(s["payload_hash_valid"], true);
  EXPECT_EQ(s["tamper_detected"], false);
  EXPECT_TRUE(s["error"].is_null());
  EXPECT_TRUE(j["problems"].is_array() && j["problems"].empty());
  EXPECT_EQ(j["bytes_hashed"], 6 + (2u << 20));
  EXPECT_EQ(j["blobs_checked"], 2);
  EXPECT_EQ(j["oplog"]["checked"], false);
}

TEST_F(VerifyCliTest, AllCountsEachSharedObjectOnce) {
  std::string big(1u << 20, 'q');
  Write("one.bin", big);
  Snap("1");
  Write("two.bin", big);  // same content under another name
  Snap("2");
  Write("note.txt", "n\n");
  Snap("3");
  json j = RunJson({"verify", "--all"});
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["scope"], "all");
  EXPECT_EQ(j["snapshots"].size(), 3u);
  EXPECT_EQ(j["blobs_checked"], 2);  // big and "n\n"
  EXPECT_EQ(j["bytes_hashed"], (1u << 20) + 2);
  EXPECT_EQ(j["oplog"]["checked"], true);
  EXPECT_EQ(j["oplog"]["ok"], true);
  EXPECT_EQ(j["oplog"]["operations"], 4);  // init + 3 snapshots
  EXPECT_EQ(j["oplog"]["heads"], 1);
}

TEST_F(VerifyCliTest, ReferencesAndErrors) {
  Write("a.txt", "1\n");
  std::string first = Snap("first", {"v1"});
  Write("a.txt", "2\n");
  Snap("second");
  EXPECT_EQ(Run({"verify", "v1"}).exit_code, 0);
  EXPECT_EQ(Run({"verify", "@~1"}).exit_code, 0);
  EXPECT_EQ(Run({"verify", first.substr(0, 8)}).exit_code, 0);
  EXPECT_EQ(RunJson({"verify", "latest"})["snapshots"].size(), 1u);
  ExpectError(Ws(), {"verify", "nosuchref"}, 1, "nosuchref");
  ExpectError(Ws(), {"verify", "@", "--all"}, 2, "either REF or --all");
  ExpectError(Ws(), {"--at-op", "@-", "verify", "--all"}, 2, "--at-op");
  // --at-op with a reference looks at the view of that operation.
  EXPECT_EQ(Run({"--at-op", "@-", "verify", "@"}).exit_code, 0);
}

TEST_F(VerifyCliTest, EmptyWorktreeHasNothingToVerify) {
  ExpectError(Ws(), {"verify"}, 1, "no snapshot yet");
  RunResult all = Run({"verify", "--all"});
  EXPECT_EQ(all.exit_code, 0) << all.Describe();
}

TEST_F(VerifyCliTest, WorksFromAForkAndWithRepoFlag) {
  Write("a.txt", "1\n");
  Snap("first");
  ASSERT_EQ(Run({"worktree", "fork", "side"}).exit_code, 0);
  fs::path side = Root() / "worktrees" / "side";
  RunResult r = Jvs(side, {"verify", "--all"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  RunResult r2 = Jvs(Tmp(), {"-R", Root().string(), "--json", "verify", "--all"});
  EXPECT_EQ(r2.exit_code, 0) << r2.Describe();
  RunResult outside = Jvs(Tmp(), {"verify", "--all"});
  EXPECT_EQ(outside.exit_code, 1) << outside.Describe();
}

TEST_F(VerifyCliTest, OrphanSnapshotsAreVerifiedButMarkedUnreachable) {
  Write("a.txt", "1\n");
  std::string real = Snap("first");
  // A well-formed snapshot that no operation names (an interrupted snapshot).
  json hist = RunJson({"history"});
  std::string orphan =
      PutObject(Root(), "snapshots", Descriptor(hist[0]["payload_root_hash"].get<std::string>()));
  json j = RunJson({"verify", "--all"});
  EXPECT_EQ(j["ok"], true);
  ASSERT_EQ(j["snapshots"].size(), 2u);
  for (const auto& s : j["snapshots"])
    EXPECT_EQ(s["reachable"], s["snapshot_id"] == real) << s.dump();
}

// verify --all fails when what every command needs to open the repository is
// damaged (it once passed while every other command failed); a deleted
// store/tmp folder is made again by the next command instead of failing
// every snapshot.
TEST_F(VerifyCliTest, AllFailsOnADamagedStoreTypeOrRepositoryId) {
  Write("a.txt", "a\n");
  Snap("one");
  fs::path control = Root() / ".jvs";
  std::string type = jvs::testing::ReadFile(control / "store" / "type");
  jvs::testing::WriteFile(control / "store" / "type", "bogus\n");
  RunResult v = Run({"verify", "--all"});
  EXPECT_EQ(v.exit_code, 3) << v.Describe();
  EXPECT_TRUE(Contains(v.err, "store")) << v.err;
  jvs::testing::WriteFile(control / "store" / "type", type);
  ASSERT_OK(Run({"verify", "--all"}));
  std::string id = jvs::testing::ReadFile(control / "repo_id");
  fs::remove(control / "repo_id");
  v = Run({"verify", "--all"});
  EXPECT_EQ(v.exit_code, 3) << v.Describe();
  EXPECT_TRUE(Contains(v.err, "repository id")) << v.err;
  jvs::testing::WriteFile(control / "repo_id", id);
  ASSERT_OK(Run({"verify", "--all"}));

  fs::remove_all(control / "store" / "tmp");
  Write("b.txt", "b\n");
  ASSERT_OK(Run({"snapshot", "after tmp was deleted"}));
  EXPECT_TRUE(fs::is_directory(control / "store" / "tmp"));
  EXPECT_OK(Run({"verify", "--all"}));
}

}  // namespace
}  // namespace jvs::e2e
