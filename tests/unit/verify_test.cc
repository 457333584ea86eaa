// Unit tests of verification (VerifySnapshots, VerifyAll): intact
// repositories verify, every kind of damage is found once and named by
// snapshot and path, crafted objects (wrong sizes, non-canonical bytes) are
// refused, the census counts unreachable objects, progress is reported; and
// the decoders refuse hostile trees and views.
#include "jvs/integrity/verify.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <set>

#include "jvs/integrity/doctor.h"
#include "jvs/base/hash.h"
#include "jvs/oplog/oplog.h"
#include "jvs/repo/repo.h"
#include "jvs/repo/workspace.h"
#include "repo_fixture.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::TestEnv;
using testing::WriteFile;

std::string Hex(const Digest& d) { return ToHex(d.data(), d.size()); }

class RecordingSink : public ProgressSink {
 public:
  void Begin(std::string_view phase, uint64_t, uint64_t) override {
    phases.insert(std::string(phase));
  }
  void Add(uint64_t i, uint64_t b) override {
    items += i;
    bytes += b;
  }
  void End() override { ends++; }
  std::set<std::string> phases;
  std::atomic<uint64_t> items{0}, bytes{0};
  int ends = 0;
};

class VerifyTest : public testing::RepoFixture {
 protected:
  VerifyTest() : RepoFixture(/*seed=*/7) {}
  std::unique_ptr<Repo> Open() { return OpenRepo(); }
  SnapshotId Snap(const std::string& note) { return RepoFixture::Snap(note).id; }
  fs::path Store() const { return root_ / ".jvs" / "store"; }
  fs::path ObjectFile(const std::string& kind, const std::string& hex) const {
    return testing::StoreObjectFile(Store(), kind, hex);
  }
  // Writes raw bytes as an object of `kind` under their true id.
  std::string PutRaw(const std::string& kind, const std::string& bytes) {
    std::string hex = Hex(Sha256Of(bytes));
    fs::create_directories(ObjectFile(kind, hex).parent_path());
    WriteFile(ObjectFile(kind, hex), bytes);
    return hex;
  }
  void FlipByte(const fs::path& p, size_t offset = 0) {
    ::chmod(p.c_str(), 0644);
    std::string data = testing::ReadFile(p);
    ASSERT_LT(offset, data.size());
    data[offset] ^= 0x20;
    WriteFile(p, data);
  }
  VerifyReport All(VerifyOptions o = {}) {
    auto r = VerifyAll(TestEnv(), root_, o);
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? std::move(r).value() : VerifyReport{};
  }
  const SnapshotVerdict* Verdict(const VerifyReport& r, const SnapshotId& id) {
    for (const auto& v : r.snapshots)
      if (v.id == id) return &v;
    return nullptr;
  }
};

TEST_F(VerifyTest, IntactRepositoryVerifiesEveryObjectOnce) {
  WriteFile(ws_ / "a.txt", "alpha\n");
  WriteFile(ws_ / "dir/b.bin", std::string(300000, 'b'));
  WriteFile(ws_ / "dir/same.txt", "alpha\n");  // same blob as a.txt
  fs::create_directories(ws_ / "empty");
  fs::create_symlink("a.txt", ws_ / "link");
  SnapshotId s1 = Snap("one");
  WriteFile(ws_ / "c.txt", "gamma\n");
  SnapshotId s2 = Snap("two");
  RecordingSink sink;
  VerifyOptions o;
  o.progress = &sink;
  VerifyReport r = All(o);
  EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems[0].message);
  EXPECT_TRUE(r.oplog.checked && r.oplog.ok);
  EXPECT_EQ(r.oplog.heads, 1u);
  EXPECT_EQ(r.oplog.operations, 3u);  // init + two snapshots
  ASSERT_EQ(r.snapshots.size(), 2u);
  for (const auto& id : {s1, s2}) {
    const SnapshotVerdict* v = Verdict(r, id);
    ASSERT_NE(v, nullptr);
    EXPECT_TRUE(v->checksum_valid && v->payload_hash_valid && !v->tamper_detected());
    EXPECT_TRUE(v->error.empty());
  }
  // Distinct blobs: "alpha\n", 300000 x b, "a.txt" (link target), "gamma\n".
  EXPECT_EQ(r.blobs_checked, 4u);
  EXPECT_EQ(r.bytes_hashed, 6u + 300000u + 5u + 6u);
  EXPECT_EQ(sink.bytes.load(), r.bytes_hashed);
  EXPECT_TRUE(sink.phases.count("verify"));
  EXPECT_GE(sink.items.load(), r.objects_checked);
  EXPECT_EQ(r.unreachable.size(), 0u);

  // The same through VerifySnapshots for one snapshot.
  auto repo = Open();
  auto one = VerifySnapshots(*repo, {s1});
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(one->ok());
  ASSERT_EQ(one->snapshots.size(), 1u);
  EXPECT_EQ(one->blobs_checked, 3u);
}

TEST_F(VerifyTest, DamagedBlobIsNamedBySnapshotAndPathAndCountedOnce) {
  WriteFile(ws_ / "keep.txt", "keep\n");
  WriteFile(ws_ / "data/x.bin", std::string(5000, 'x'));
  SnapshotId s1 = Snap("one");
  WriteFile(ws_ / "keep.txt", "changed\n");
  SnapshotId s2 = Snap("two");
  FlipByte(ObjectFile("blobs", Hex(Sha256Of(std::string(5000, 'x')))), 4000);
  VerifyReport r = All();
  ASSERT_EQ(r.problems.size(), 1u);
  const VerifyProblem& p = r.problems[0];
  EXPECT_EQ(p.kind, ObjectKind::kBlob);
  EXPECT_EQ(p.type, ProblemType::kHashMismatch);
  EXPECT_EQ(p.path, "data/x.bin");
  EXPECT_EQ(p.snapshots_affected, 2u);
  EXPECT_NE(p.message.find("blob for data/x.bin: content hash mismatch"), std::string::npos)
      << p.message;
  for (const auto& id : {s1, s2}) {
    const SnapshotVerdict* v = Verdict(r, id);
    ASSERT_NE(v, nullptr);
    EXPECT_TRUE(v->checksum_valid);
    EXPECT_FALSE(v->payload_hash_valid);
    EXPECT_TRUE(v->tamper_detected());
    EXPECT_NE(v->error.find("data/x.bin"), std::string::npos);
  }
  // Without hashing, a same-size change goes unnoticed; a missing blob does not.
  VerifyOptions quick;
  quick.hash_blobs = false;
  EXPECT_TRUE(All(quick).ok());
  fs::remove(ObjectFile("blobs", Hex(Sha256Of(std::string("keep\n")))));
  VerifyReport q = All(quick);
  ASSERT_EQ(q.problems.size(), 1u);
  EXPECT_EQ(q.problems[0].type, ProblemType::kMissing);
  EXPECT_EQ(q.problems[0].path, "keep.txt");
  EXPECT_EQ(q.problems[0].snapshot, s1);
}

TEST_F(VerifyTest, CraftedTreeWithWrongSizeIsRefused) {
  std::string content = "twelve bytes";
  std::string blob = PutRaw("blobs", content);
  Tree t;
  TreeEntry e;
  e.name = "f.txt";
  e.kind = EntryKind::kFile;
  e.id = *DigestFromHex(blob);
  e.size = 1ull << 40;  // a huge size for a 12-byte blob
  t.entries.push_back(e);
  std::string tree_hex = PutRaw("trees", t.Encode());
  Snapshot s;
  s.SetTree(*TreeId::FromHex(tree_hex));
  s.change_id = std::string(32, 'a');
  s.created_at = "2026-01-01T00:00:00.000Z";
  s.worktree = "main";
  s.author = "x@y";
  s.engine = "copy";
  SnapshotId sid = *SnapshotId::FromHex(PutRaw("snapshots", s.Encode()));
  auto repo = Open();
  auto r = VerifySnapshots(*repo, {sid});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].type, ProblemType::kSizeMismatch);
  EXPECT_EQ(r->problems[0].kind, ObjectKind::kTree);
  EXPECT_NE(r->problems[0].message.find("entry 'f.txt'"), std::string::npos)
      << r->problems[0].message;
  ASSERT_EQ(r->snapshots.size(), 1u);
  EXPECT_FALSE(r->snapshots[0].payload_hash_valid);
  // Not reachable from any operation: VerifyAll still checks it and says so.
  VerifyReport all = All();
  ASSERT_FALSE(all.ok());
  EXPECT_FALSE(all.problems[0].reachable);
}

TEST_F(VerifyTest, NonCanonicalDescriptorIsMalformed) {
  WriteFile(ws_ / "a.txt", "a\n");
  SnapshotId real = Snap("one");
  auto repo = Open();
  auto snap = repo->store().ReadSnapshot(real);
  ASSERT_TRUE(snap.ok());
  // Same content with a space added: hashes to its own (new) id, decodes, but
  // is not the canonical encoding.
  std::string bytes = (*snap)->Encode();
  bytes.insert(1, " ");
  SnapshotId odd = *SnapshotId::FromHex(PutRaw("snapshots", bytes));
  auto r = VerifySnapshots(*repo, {odd, real});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].type, ProblemType::kMalformed);
  EXPECT_EQ(r->problems[0].id, odd.hex());
  EXPECT_NE(r->problems[0].message.find("canonical"), std::string::npos);
  EXPECT_FALSE(Verdict(*r, odd)->checksum_valid);
  EXPECT_TRUE(Verdict(*r, real)->checksum_valid);
}

TEST_F(VerifyTest, DamagedOperationAndViewAndMissingParentAreFound) {
  WriteFile(ws_ / "a.txt", "a\n");
  Snap("one");
  Snap("two");
  auto repo = Open();
  OperationId head = repo->op_id();
  Operation op = repo->operation();
  ASSERT_EQ(op.parents.size(), 1u);
  OperationId parent = op.parents[0];
  auto parent_op = repo->op_store().ReadOperation(parent);
  ASSERT_TRUE(parent_op.ok());
  fs::path ops = root_ / ".jvs" / "op_store";
  FlipByte(ops / "views" / parent_op->view.hex(), 3);
  VerifyReport r = All();
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.oplog.ok);
  bool view_found = false;
  for (const auto& p : r.problems)
    view_found |= p.kind == ObjectKind::kView && p.id == parent_op->view.hex();
  EXPECT_TRUE(view_found);
  fs::remove(ops / "operations" / parent.hex());
  r = All();
  bool missing_parent = false;
  for (const auto& p : r.problems)
    missing_parent |=
        p.kind == ObjectKind::kOperation && p.type == ProblemType::kMissing &&
        p.message.find("parent of operation " + head.hex().substr(0, 12)) != std::string::npos;
  EXPECT_TRUE(missing_parent);
}

TEST_F(VerifyTest, CensusCountsUnreachableObjects) {
  WriteFile(ws_ / "a.txt", "a\n");
  Snap("one");
  auto repo = Open();
  ASSERT_TRUE(repo->store().WriteBlob("nobody refers to me").ok());
  VerifyOptions o;
  o.census = true;
  VerifyReport r = All(o);
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.unreachable.size(), 1u);
  EXPECT_EQ(r.unreachable[0].kind, ObjectKind::kBlob);
  EXPECT_EQ(r.unreachable[0].count, 1u);
  EXPECT_EQ(r.unreachable[0].bytes, std::string("nobody refers to me").size());
}

TEST_F(VerifyTest, DoctorReportsOrphansWithoutDeletingThem) {
  WriteFile(ws_ / "a.txt", "a\n");
  Snap("one");
  auto repo = Open();
  auto orphan = repo->store().WriteBlob("orphan");
  ASSERT_TRUE(orphan.ok());
  DoctorOptions o;
  o.repair = true;
  auto r = Doctor(TestEnv(), root_, Next(), o);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_TRUE(r->healthy());
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_EQ(r->findings[0].category, "orphan_object");
  EXPECT_EQ(r->findings[0].severity, "info");
  EXPECT_FALSE(r->findings[0].repaired);
  EXPECT_TRUE(repo->store().HasBlob(*orphan));
}

// Checkout (restore) refuses tree entries whose size does not match their
// blob, and symlink targets that are empty or hold NUL, before the operation
// is published and before the workspace changes.
TEST_F(VerifyTest, RestoreRefusesHostileEntriesBeforeChangingAnything) {
  WriteFile(ws_ / "keep.txt", "keep\n");
  Snap("base");
  std::string blob = PutRaw("blobs", "twelve bytes");
  std::string nul_target = PutRaw("blobs", std::string("/etc\0x", 6));
  struct Case {
    std::string name;
    EntryKind kind;
    std::string blob;
    uint64_t size;
  };
  for (const Case& c :
       {Case{"big", EntryKind::kFile, blob, 1ull << 62}, Case{"short", EntryKind::kFile, blob, 3},
        Case{"link", EntryKind::kSymlink, nul_target, 6}}) {
    SCOPED_TRACE(c.name);
    Tree t;
    TreeEntry e;
    e.name = c.name;
    e.kind = c.kind;
    e.id = *DigestFromHex(c.blob);
    e.size = c.size;
    t.entries.push_back(e);
    Snapshot s;
    s.SetTree(*TreeId::FromHex(PutRaw("trees", t.Encode())));
    s.change_id = std::string(32, 'b');
    s.created_at = "2026-01-01T00:00:00.000Z";
    s.worktree = "main";
    s.author = "x@y";
    s.engine = "copy";
    SnapshotId sid = *SnapshotId::FromHex(PutRaw("snapshots", s.Encode()));
    auto repo = Open();
    OperationId op_before = repo->op_id();
    auto ws = Workspace::Open(*repo, "main");
    ASSERT_TRUE(ws.ok());
    auto r = (*ws)->Restore(sid, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt) << r.error().message();
    EXPECT_EQ(testing::ReadFile(ws_ / "keep.txt"), "keep\n");
    EXPECT_FALSE(fs::exists(ws_ / c.name));
    EXPECT_FALSE(fs::exists(root_ / ".jvs/worktrees/main/checkout_pending"));
    EXPECT_EQ(Open()->op_id(), op_before);  // nothing was published
    // And verify names the entry.
    auto v = VerifySnapshots(*repo, {sid});
    ASSERT_TRUE(v.ok());
    ASSERT_EQ(v->problems.size(), 1u);
    EXPECT_NE(v->problems[0].message.find("'" + c.name + "'"), std::string::npos)
        << v->problems[0].message;
  }
}

// ---- hostile input: the decoders refuse it as corruption ----

std::string RawTree(const std::vector<std::pair<std::string, EntryKind>>& entries) {
  // Encodes entries as given (unsorted, duplicated, invalid names allowed).
  Tree t;
  for (const auto& [name, kind] : entries) {
    TreeEntry e;
    e.name = name;
    e.kind = kind;
    t.entries.push_back(e);
  }
  return t.Encode();
}

TEST(HostileDecodeTest, TreeDecoderRefusesUnsafeNamesAndOrder) {
  const std::vector<std::vector<std::pair<std::string, EntryKind>>> cases = {
      {{"..", EntryKind::kFile}},
      {{".", EntryKind::kTree}},
      {{"", EntryKind::kFile}},
      {{"/etc", EntryKind::kFile}},
      {{"a/b", EntryKind::kFile}},
      {{std::string("a\0b", 3), EntryKind::kFile}},
      {{"a", EntryKind::kSymlink},
       {"a", EntryKind::kTree}},                           // symlink then a tree of the same name
      {{"b", EntryKind::kFile}, {"a", EntryKind::kFile}},  // unsorted
  };
  for (const auto& c : cases) {
    auto r = Tree::Decode(RawTree(c));
    ASSERT_FALSE(r.ok()) << "accepted a tree with '" << c[0].first << "'";
    EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
  }
  // Kind out of range and a count larger than the data.
  std::string bad_kind = RawTree({{"a", EntryKind::kFile}});
  bad_kind[6] = 9;
  EXPECT_FALSE(Tree::Decode(bad_kind).ok());
  std::string big_count = std::string("JVST") + char(1) + "\xff\xff\xff\xff\x0f";
  EXPECT_FALSE(Tree::Decode(big_count).ok());
}

TEST(HostileDecodeTest, ViewDecoderRefusesWorktreeAndTagNamesThatArePaths) {
  for (const std::string name : {"../../evil", "a/b", ".", ".."}) {
    View v;
    v.worktrees[name] = WorktreeView{};
    auto r = View::Decode(v.Encode());
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
    View t;
    t.tags[name] = SnapshotId();
    EXPECT_FALSE(View::Decode(t.Encode()).ok()) << name;
  }
  View ok;
  ok.worktrees["main"] = WorktreeView{};
  ok.tags["v1.0"] = SnapshotId();
  EXPECT_TRUE(View::Decode(ok.Encode()).ok());
}

}  // namespace
}  // namespace jvs
