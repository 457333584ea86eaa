// End-to-end tamper detection: one byte flipped in a blob, a tree, a snapshot
// descriptor, an operation or a view is found by `jvs verify --all` (and by
// `jvs verify REF` when the object belongs to REF) with exit code 3, and the
// damaged snapshot, path or object id is named in text and JSON.
#include <set>

#include "integrity_util.h"

namespace jvs::e2e {
namespace {

class TamperTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    Write("readme.txt", "hello\n");
    Write("data/x.bin", std::string(70000, 'x') + "end");
    first_ = Snap("first");
    Write("readme.txt", "hello again\n");
    second_ = Snap("second");
  }
  std::string Short(const std::string& id) const { return id.substr(0, 12); }
  std::string BlobHex() const { return HexOf(std::string(70000, 'x') + "end"); }
  std::string RootTree(const std::string& id) const {
    json all = RunJson({"history", "--all"});
    for (const auto& s : all)
      if (s["snapshot_id"] == id) return s["payload_root_hash"].get<std::string>();
    ADD_FAILURE() << "no snapshot " << id;
    return "";
  }
  // The id of the tree of `data/` (the only tree besides the roots).
  std::string DataTree() const {
    std::set<std::string> roots = {RootTree(first_), RootTree(second_)};
    std::string found;
    for (const auto& fan : fs::directory_iterator(Root() / ".jvs/store/trees"))
      for (const auto& f : fs::directory_iterator(fan.path())) {
        std::string hex = fan.path().filename().string() + f.path().filename().string();
        if (!roots.count(hex)) found = hex;
      }
    return found;
  }
  // Runs verify ARGS as text and JSON; both must exit 3 and the text must
  // contain `text_part`. Returns the JSON.
  json ExpectTamper(std::vector<std::string> args, const std::string& text_part) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 3) << r.Describe();
    EXPECT_TRUE(Has(r.out, text_part)) << "missing '" << text_part << "'\n" << r.Describe();
    EXPECT_TRUE(Has(r.err, "jvs: error: verification failed")) << r.Describe();
    EXPECT_TRUE(Has(r.err, "hint: ")) << r.Describe();
    args.insert(args.begin(), "--json");
    RunResult j = Run(args);
    EXPECT_EQ(j.exit_code, 3) << j.Describe();
    json out = j.Json();
    EXPECT_EQ(out["ok"], false);
    return out;
  }
  static const json* FindSnapshot(const json& report, const std::string& id) {
    for (const auto& s : report["snapshots"])
      if (s["snapshot_id"] == id) return &s;
    return nullptr;
  }
  static const json* FindProblem(const json& report, const std::string& id) {
    for (const auto& p : report["problems"])
      if (p["id"] == id) return &p;
    return nullptr;
  }
  std::string first_, second_;
};

TEST_F(TamperTest, IntactRepositoryPasses) {
  RunResult r = Run({"verify", "--all"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Has(r.out, "everything is intact")) << r.Describe();
}

TEST_F(TamperTest, FlippedBlobByteIsFoundAndNamed) {
  FlipByte(StoreObject(Root(), "blobs", BlobHex()));
  json all = ExpectTamper({"verify", "--all"}, ": blob for data/x.bin: content hash mismatch");
  // Both snapshots hold the blob: the text names both.
  RunResult text = Run({"verify", "--all"});
  EXPECT_TRUE(Has(text.out, "also in 1 more snapshot")) << text.out;
  EXPECT_TRUE(Has(text.out, "Damaged snapshots: ")) << text.out;
  EXPECT_TRUE(Has(text.out, Short(first_)) && Has(text.out, Short(second_))) << text.out;
  const json* p = FindProblem(all, BlobHex());
  ASSERT_NE(p, nullptr) << all.dump(2);
  EXPECT_EQ((*p)["kind"], "blob");
  EXPECT_EQ((*p)["type"], "hash_mismatch");
  EXPECT_EQ((*p)["path"], "data/x.bin");
  EXPECT_EQ((*p)["snapshots_affected"], 2);
  for (const auto& id : {first_, second_}) {
    const json* s = FindSnapshot(all, id);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ((*s)["checksum_valid"], true);
    EXPECT_EQ((*s)["payload_hash_valid"], false);
    EXPECT_EQ((*s)["tamper_detected"], true);
    EXPECT_TRUE(Has((*s)["error"].get<std::string>(), "data/x.bin"));
  }
  // verify REF (the blob is in both snapshots) and verify @.
  json one = ExpectTamper({"verify", first_.substr(0, 10)}, "blob for data/x.bin");
  ASSERT_EQ(one["snapshots"].size(), 1u);
  EXPECT_EQ(one["snapshots"][0]["snapshot_id"], first_);
  ExpectTamper({"verify"}, "snapshot " + Short(second_) + ": blob for data/x.bin");
}

TEST_F(TamperTest, FlippedBlobInOneSnapshotOnlyFailsThatSnapshot) {
  FlipByte(StoreObject(Root(), "blobs", HexOf("hello again\n")), 0);
  EXPECT_EQ(Run({"verify", first_}).exit_code, 0);
  json two = ExpectTamper({"verify", second_}, "blob for readme.txt: content hash mismatch");
  EXPECT_EQ(two["problems"][0]["snapshot_id"], second_);
}

TEST_F(TamperTest, FlippedTreeByteIsFoundAndNamed) {
  std::string tree = DataTree();
  ASSERT_EQ(tree.size(), 64u);
  FlipByte(StoreObject(Root(), "trees", tree), 10);
  json all = ExpectTamper({"verify", "--all"}, ": tree for data: content hash mismatch");
  const json* p = FindProblem(all, tree);
  ASSERT_NE(p, nullptr) << all.dump(2);
  EXPECT_EQ((*p)["kind"], "tree");
  EXPECT_EQ((*p)["path"], "data");
  ExpectTamper({"verify", first_}, "tree for data");
  // Restoring the first snapshot does not need the tree (the working copy
  // has the same data/ subtree, so it is skipped); once data/ is gone it does,
  // and the restore refuses with the integrity exit code, changing nothing.
  EXPECT_EQ(Run({"restore", first_}).exit_code, 0);
  fs::remove_all(Ws() / "data");
  RunResult r = Run({"restore", second_});
  EXPECT_EQ(r.exit_code, 3) << r.Describe();
  EXPECT_TRUE(Has(r.err, tree)) << r.Describe();
  EXPECT_FALSE(fs::exists(Ws() / "data"));
}

TEST_F(TamperTest, FlippedRootTreeIsNamed) {
  std::string root = RootTree(second_);
  FlipByte(StoreObject(Root(), "trees", root), 5);
  json all = ExpectTamper({"verify", "--all"},
                          "snapshot " + Short(second_) + ": root tree: content hash mismatch");
  EXPECT_NE(FindProblem(all, root), nullptr);
  EXPECT_EQ(Run({"verify", first_}).exit_code, 0);
}

TEST_F(TamperTest, FlippedDescriptorByteIsFoundAndNamed) {
  FlipByte(StoreObject(Root(), "snapshots", first_), 20);
  json all = ExpectTamper({"verify", "--all"},
                          "snapshot " + Short(first_) + ": descriptor: content hash mismatch");
  const json* s = FindSnapshot(all, first_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ((*s)["checksum_valid"], false);
  EXPECT_EQ((*s)["tamper_detected"], true);
  const json* p = FindProblem(all, first_);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ((*p)["kind"], "snapshot");
  ExpectTamper({"verify", first_}, "descriptor: content hash mismatch");
  EXPECT_EQ(Run({"verify", second_}).exit_code, 0);
}

TEST_F(TamperTest, FlippedOperationByteIsFoundAndNamed) {
  json log = RunJson({"op", "log"});
  ASSERT_GE(log.size(), 3u);
  std::string init_op = log[log.size() - 1]["op_id"]
                            .get<std::string>();  // the oldest: not needed to open the repository
  FlipByte(Root() / ".jvs/op_store/operations" / init_op, 15);
  json all =
      ExpectTamper({"verify", "--all"}, "operation " + Short(init_op) + ": content hash mismatch");
  EXPECT_EQ(all["oplog"]["checked"], true);
  EXPECT_EQ(all["oplog"]["ok"], false);
  const json* p = FindProblem(all, init_op);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ((*p)["kind"], "operation");
  // The snapshots themselves are intact.
  for (const auto& s : all["snapshots"]) EXPECT_EQ(s["tamper_detected"], false);
}

TEST_F(TamperTest, FlippedHeadOperationIsFoundEvenThoughTheRepositoryCannotOpen) {
  json log = RunJson({"op", "log"});
  std::string head = log[0]["op_id"].get<std::string>();
  FlipByte(Root() / ".jvs/op_store/operations" / head, 15);
  EXPECT_EQ(Run({"status"}).exit_code, 3);
  ExpectTamper({"verify", "--all"}, "operation " + Short(head) + ": content hash mismatch");
}

TEST_F(TamperTest, FlippedViewByteIsFoundAndNamed) {
  json log = RunJson({"op", "log"});
  std::string view = log[1]["view_id"].get<std::string>();  // the view after the first snapshot
  FlipByte(Root() / ".jvs/op_store/views" / view, 30);
  json all = ExpectTamper({"verify", "--all"}, "view " + Short(view) + ": content hash mismatch");
  const json* p = FindProblem(all, view);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ((*p)["kind"], "view");
  EXPECT_TRUE(Has((*p)["message"].get<std::string>(), "view of operation"));
}

TEST_F(TamperTest, RemovedObjectsAreReportedAsMissing) {
  fs::remove(StoreObject(Root(), "blobs", HexOf("hello\n")));
  json all = ExpectTamper({"verify", "--all"},
                          "snapshot " + Short(first_) + ": blob for readme.txt: missing");
  const json* p = FindProblem(all, HexOf("hello\n"));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ((*p)["type"], "missing");
}

}  // namespace
}  // namespace jvs::e2e
