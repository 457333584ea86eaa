// A conflicted snapshot (format 2, its root a Merge<TreeId>) written through
// the store: gc keeps the objects of every term, verify checks every term and
// names the damaged one, and restore, status, snapshot and fork materialise it
// (markers in the files) and read it back unchanged.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <time.h>

#include <set>
#include <string>

#include "jvs/base/hash.h"
#include "jvs/integrity/gc.h"
#include "jvs/integrity/verify.h"
#include "jvs/merge/tree_merge.h"
#include "jvs/repo/transaction.h"
#include "jvs/repo/worktrees.h"
#include "repo_fixture.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::WriteFile;

class ConflictedSnapshotTest : public testing::RepoFixture {
 protected:
  ConflictedSnapshotTest() : RepoFixture(/*seed=*/11) {}

  TreeId PutTree(Store& store, const std::vector<std::pair<std::string, std::string>>& files) {
    Tree t;
    for (const auto& [name, content] : files) {
      auto blob = store.WriteBlob(content);
      EXPECT_TRUE(blob.ok());
      t.entries.push_back({name, EntryKind::kFile, blob->bytes(), content.size()});
    }
    auto id = store.WriteTree(t);
    EXPECT_TRUE(id.ok());
    return *id;
  }

  // base: a.txt; the conflict: a.txt changed two ways, and a file that only
  // the third term (add1) holds.
  void SetUp() override {
    RepoFixture::SetUp();
    WriteFile(ws_ / "a.txt", "base\n");
    base_ = Snap("base").id;
    auto repo = OpenRepo();
    Store& store = repo->store();
    terms_ = {PutTree(store, {{"a.txt", "one\n"}}), PutTree(store, {{"a.txt", "base\n"}}),
              PutTree(store, {{"a.txt", "two\n"}, {"only_in_term_2", "term-only content\n"}})};
    term_only_blob_ = BlobId(Sha256Of("term-only content\n"));
    Snapshot s;
    SetSnapshotRoot(&s, Merge<TreeId>::FromTerms(terms_));
    s.parents = {base_};
    s.change_id = std::string(32, 'c');
    s.note = "conflicted";
    s.created_at = "2026-01-01T00:00:00.000Z";
    s.worktree = "main";
    s.author = "x@y";
    s.engine = "copy";
    ASSERT_TRUE(s.conflicted());
    auto id = store.WriteSnapshot(s);
    ASSERT_TRUE(id.ok());
    conflicted_ = *id;
    // Named by a tag, as a merge would make it visible.
    Transaction tx(*repo);
    tx.AddSnapshot(conflicted_);
    tx.SetTag("conflicted", conflicted_);
    ASSERT_TRUE(tx.Commit("test: add a conflicted snapshot").ok());
  }

  fs::path ObjectFile(const std::string& kind, const std::string& hex) const {
    return testing::StoreObjectFile(root_ / ".jvs/store", kind, hex);
  }

  SnapshotId base_, conflicted_;
  std::vector<TreeId> terms_;
  BlobId term_only_blob_;
};

TEST_F(ConflictedSnapshotTest, ReadsBackAsFormat2) {
  auto repo = OpenRepo();
  auto snap = repo->store().ReadSnapshot(conflicted_);
  ASSERT_TRUE(snap.ok()) << snap.error().message();
  EXPECT_EQ((*snap)->root_terms, terms_);
  auto raw = testing::ReadFile(ObjectFile("snapshots", conflicted_.hex()));
  EXPECT_NE(raw.find("\"format\":2"), std::string::npos) << raw;
}

TEST_F(ConflictedSnapshotTest, GcKeepsTheObjectsOfEveryTerm) {
  auto repo = OpenRepo();
  auto garbage = repo->store().WriteBlob("nobody names this");  // proves the gc deletes
  ASSERT_TRUE(garbage.ok());
  // Every object a day old: none is kept for being recent.
  struct timespec ts[2];
  ::clock_gettime(CLOCK_REALTIME, &ts[0]);
  ts[0].tv_sec -= 86400;
  ts[1] = ts[0];
  for (const auto& e : fs::recursive_directory_iterator(root_ / ".jvs/store"))
    if (e.is_regular_file()) {
      ASSERT_EQ(::utimensat(AT_FDCWD, e.path().c_str(), ts, AT_SYMLINK_NOFOLLOW), 0);
    }
  GcOptions o;
  o.keep_last = 1;
  o.grace_seconds = 600;
  auto plan = MakeGcPlan(*repo, o);
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  std::set<std::string> listed;
  for (const auto& c : plan->objects) listed.insert(ToHex(c.id.data(), c.id.size()));
  for (const auto& t : terms_) EXPECT_FALSE(listed.count(t.hex())) << t.hex();
  EXPECT_FALSE(listed.count(term_only_blob_.hex()));
  EXPECT_TRUE(listed.count(garbage->hex()));
  auto run = RunGcPlan(*repo, plan->plan_id);
  ASSERT_TRUE(run.ok()) << run.error().message();
  EXPECT_FALSE(repo->store().HasBlob(*garbage));
  EXPECT_TRUE(repo->store().HasBlob(term_only_blob_));
  for (const auto& t : terms_) EXPECT_TRUE(fs::exists(ObjectFile("trees", t.hex()))) << t.hex();
  repo.reset();
  auto v = VerifyAll(testing::TestEnv(), root_, {});
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems[0].message);
}

TEST_F(ConflictedSnapshotTest, VerifyChecksEveryTerm) {
  {
    auto v = VerifyAll(testing::TestEnv(), root_, {});
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems[0].message);
  }
  // Damage the blob only the third term holds.
  fs::path blob = ObjectFile("blobs", term_only_blob_.hex());
  ::chmod(blob.c_str(), 0644);
  WriteFile(blob, "tampered content!\n");
  auto v = VerifyAll(testing::TestEnv(), root_, {});
  ASSERT_TRUE(v.ok());
  ASSERT_FALSE(v->ok());
  ASSERT_EQ(v->problems.size(), 1u);
  const VerifyProblem& p = v->problems[0];
  EXPECT_EQ(p.kind, ObjectKind::kBlob);
  EXPECT_EQ(p.id, term_only_blob_.hex());
  EXPECT_EQ(p.path, "only_in_term_2");
  EXPECT_EQ(p.snapshot, conflicted_);
  EXPECT_NE(p.message.find("conflict term 2"), std::string::npos) << p.message;
  auto repo = OpenRepo();
  auto one = VerifySnapshots(*repo, {conflicted_});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->problems.size(), 1u);
  EXPECT_EQ(one->problems[0].id, term_only_blob_.hex());
}

TEST_F(ConflictedSnapshotTest, RestoreStatusSnapshotAndForkMaterialiseIt) {
  auto s = Open();
  auto r = s.ws->Restore(conflicted_, {});
  ASSERT_TRUE(r.ok()) << r.error().message();
  const std::string text = testing::ReadFile(ws_ / "a.txt");
  EXPECT_NE(text.find("<<<<<<< conflict 1 of 1"), std::string::npos) << text;
  EXPECT_NE(text.find("one"), std::string::npos) << text;
  EXPECT_NE(text.find("two"), std::string::npos) << text;
  // (The fixture's terms also differ at only_in_term_2, which a tree merge
  // would have resolved: off the conflicted paths, the files hold term 0.)
  auto s2 = Open();
  auto st = s2.ws->Status();
  ASSERT_TRUE(st.ok()) << st.error().message();
  EXPECT_TRUE(st->changes.empty());
  ASSERT_EQ(st->conflicts.size(), 1u);
  EXPECT_EQ(st->conflicts[0].path.str(), "a.txt");
  // A snapshot of the untouched files records the same conflict.
  auto snap = s2.ws->TakeSnapshot({});
  ASSERT_TRUE(snap.ok()) << snap.error().message();
  EXPECT_TRUE(snap->snapshot.conflicted());
  auto repo = OpenRepo();
  auto original = repo->ReadSnapshot(conflicted_);
  ASSERT_TRUE(original.ok());
  auto recorded = ListConflicts(repo->store(), SnapshotRoot(snap->snapshot));
  auto expected = ListConflicts(repo->store(), SnapshotRoot(**original));
  ASSERT_TRUE(recorded.ok() && expected.ok());
  ASSERT_EQ(recorded->size(), 1u);
  EXPECT_EQ((*recorded)[0].path.str(), "a.txt");
  EXPECT_EQ((*recorded)[0].value.Simplify(), (*expected)[0].value.Simplify());
  auto fork = ForkWorktree(*repo, conflicted_, "side", root_ / "side");
  ASSERT_TRUE(fork.ok()) << fork.error().message();
  EXPECT_EQ(testing::ReadFile(root_ / "side" / "a.txt"), text);
}

}  // namespace
}  // namespace jvs
