// Unit tests of Evolog and HiddenSnapshots (jvs/repo/evolog.h) on rewrites
// recorded by hand through a Transaction: two snapshots squashed into one
// (a version with two predecessors), an abandoned snapshot, an unknown id.

#include "jvs/repo/evolog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "jvs/repo/repo.h"
#include "jvs/repo/transaction.h"
#include "repo_fixture.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::WriteFile;

class EvologTest : public testing::RepoFixture {
 protected:
  EvologTest() : RepoFixture(/*seed=*/7) {}
  void SetUp() override {
    RepoFixture::SetUp();
    if (HasFatalFailure()) return;
    WriteFile(ws_ / "f", "one");
    auto a = Snap("a");
    a_ = a.id;
    a_op_ = a.op;
    WriteFile(ws_ / "f", "two");
    auto b = Snap("b");
    b_ = b.id;
    b_op_ = b.op;
  }

  SnapshotId a_, b_;
  OperationId a_op_, b_op_;
};

TEST_F(EvologTest, SquashHasTwoPredecessorsAndAbandonedOnesAreHidden) {
  auto repo = OpenRepo();
  // b squashed into a: one snapshot with a's change, parents and b's tree.
  Snapshot m = *repo->ReadSnapshot(a_).value();
  m.root_terms = repo->ReadSnapshot(b_).value()->root_terms;
  m.note = "a and b";
  const SnapshotId mid = repo->store().WriteSnapshot(m).value();
  Transaction tx(*repo);
  tx.AddSnapshot(mid, {b_});
  tx.SetWorktreeHead("main", mid);
  tx.SetWorktreeLatest("main", mid);
  tx.RecordRewrite(a_, {mid});
  tx.RecordRewrite(b_, {mid});
  const OperationId squash = tx.Commit("squash").value();

  auto log = Evolog(*repo, mid);
  ASSERT_TRUE(log.ok()) << log.error().message();
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ((*log)[0].id, mid);
  EXPECT_EQ((*log)[0].op, squash);
  EXPECT_EQ((*log)[0].op_description, "squash");
  EXPECT_FALSE((*log)[0].hidden);
  std::vector<SnapshotId> preds = (*log)[0].predecessors;
  std::sort(preds.begin(), preds.end());
  std::vector<SnapshotId> want{a_, b_};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(preds, want);
  // Then b and a, each made by its snapshot operation (newest first), hidden.
  EXPECT_EQ((*log)[1].id, b_);
  EXPECT_EQ((*log)[1].op, b_op_);
  EXPECT_EQ((*log)[2].id, a_);
  EXPECT_EQ((*log)[2].op, a_op_);
  EXPECT_TRUE((*log)[1].hidden && (*log)[2].hidden);
  ASSERT_TRUE((*log)[2].snapshot);
  EXPECT_EQ((*log)[2].snapshot->note, "a");

  auto limited = Evolog(*repo, mid, EvologOptions{1});
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 1u);

  auto hidden = HiddenSnapshots(*repo);
  ASSERT_TRUE(hidden.ok());
  EXPECT_EQ(*hidden, want);

  // Abandoning the squashed snapshot (no replacement): hidden too, and its
  // own evolog still reaches the earlier versions.
  Transaction tx2(*repo);
  View v = tx2.view();
  v.heads.clear();
  v.worktrees["main"] = WorktreeView{};
  tx2.SetView(v);
  tx2.RecordRewrite(mid, {});
  ASSERT_TRUE(tx2.Commit("abandon").ok());
  hidden = HiddenSnapshots(*repo);
  ASSERT_TRUE(hidden.ok());
  EXPECT_EQ(hidden->size(), 3u);
  log = Evolog(*repo, mid);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->size(), 3u);
  EXPECT_TRUE((*log)[0].hidden);
}

TEST_F(EvologTest, UnknownIdIsNotFoundAndAnUnrewrittenSnapshotIsAlone) {
  auto repo = OpenRepo();
  auto bogus = SnapshotId::FromHex(std::string(64, 'a'));
  ASSERT_TRUE(bogus.ok());
  auto r = Evolog(*repo, *bogus);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);

  auto log = Evolog(*repo, b_);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].op, b_op_);
  EXPECT_TRUE((*log)[0].predecessors.empty());
  auto hidden = HiddenSnapshots(*repo);
  ASSERT_TRUE(hidden.ok());
  EXPECT_TRUE(hidden->empty());
}

}  // namespace
}  // namespace jvs
