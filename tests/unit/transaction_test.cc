// Unit tests of Transaction: one Commit publishes one operation holding every
// collected change; an uncommitted transaction publishes nothing; rewrites
// land in the operation's predecessor map; the library's verbs (tags) go
// through it.

#include "jvs/repo/transaction.h"

#include <gtest/gtest.h>

#include "remedy.h"

#include <algorithm>
#include <string>
#include <vector>

#include "jvs/repo/repo.h"
#include "jvs/repo/tags.h"
#include "jvs/repo/workspace.h"
#include "repo_fixture.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::TestEnv;
using testing::WriteFile;

class TransactionTest : public testing::RepoFixture {
 protected:
  TransactionTest() : RepoFixture(/*seed=*/11) {}
  void SetUp() override {
    RepoFixture::SetUp();
    if (HasFatalFailure()) return;
    WriteFile(ws_ / "f", "one");
    s1_ = Snap("one").id;
    WriteFile(ws_ / "f", "two");
    s2_ = Snap("two").id;
  }
  size_t OperationCount(Repo& repo) {
    auto ops = repo.op_store().ListOperations();
    EXPECT_TRUE(ops.ok());
    return ops.ok() ? ops->size() : 0;
  }
  std::vector<std::string> OpHeadFiles() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(root_ / ".jvs" / "op_heads")) out.push_back(e.path().filename());
    return out;
  }

  SnapshotId s1_, s2_;
};

TEST_F(TransactionTest, OneCommitIsOneOperationWithEverythingInIt) {
  auto repo = OpenRepo();
  const OperationId before = repo->op_id();
  const size_t ops_before = OperationCount(*repo);
  Transaction tx(*repo);
  EXPECT_EQ(tx.base_op(), before);
  tx.AddWorktree("side", WorktreeView{s1_, std::nullopt});
  tx.RenameWorktree("side", "side2");
  tx.SetWorktreeHead("main", s1_);
  tx.SetWorktreeLatest("main", s2_);
  tx.SetTag("keep", s1_);
  tx.SetTag("gone", s2_);
  tx.DeleteTag("gone");
  tx.AddPin(s2_);
  tx.RecordRewrite(s1_, {s2_});
  tx.SetAttribute("why", "testing");
  // Nothing is visible before Commit.
  EXPECT_EQ(repo->op_id(), before);
  EXPECT_FALSE(repo->view().tags.count("keep"));
  const View expected = tx.view();
  auto op = tx.Commit("a transaction");
  ASSERT_TRUE(op.ok()) << op.error().message();
  EXPECT_TRUE(tx.committed());
  EXPECT_EQ(repo->op_id(), *op);
  EXPECT_EQ(OperationCount(*repo), ops_before + 1);
  EXPECT_EQ(OpHeadFiles(), std::vector<std::string>{op->hex()});

  // A fresh reader sees all of it in one operation.
  auto again = OpenRepo();
  EXPECT_EQ(again->op_id(), *op);
  const View& v = again->view();
  EXPECT_EQ(v, expected);
  EXPECT_EQ(v.worktrees.count("side"), 0u);
  ASSERT_EQ(v.worktrees.count("side2"), 1u);
  EXPECT_EQ(v.worktrees.at("side2").head, s1_);
  EXPECT_EQ(v.worktrees.at("main").head, s1_);
  EXPECT_EQ(v.worktrees.at("main").latest, s2_);
  EXPECT_EQ(v.tags.at("keep"), s1_);
  EXPECT_EQ(v.tags.count("gone"), 0u);
  EXPECT_EQ(v.pins, std::vector<SnapshotId>{s2_});
  const Operation& o = again->operation();
  EXPECT_EQ(o.parents, std::vector<OperationId>{before});
  EXPECT_EQ(o.metadata.description, "a transaction");
  EXPECT_EQ(o.metadata.attributes.at("why"), "testing");
  EXPECT_EQ(o.metadata.user, "tester");
  // Predecessors recorded.
  ASSERT_EQ(o.predecessors.size(), 1u);
  EXPECT_EQ(o.predecessors.at(s1_), std::vector<SnapshotId>{s2_});
}

TEST_F(TransactionTest, UncommittedTransactionPublishesNothing) {
  auto repo = OpenRepo();
  const OperationId before = repo->op_id();
  const View view_before = repo->view();
  const size_t ops_before = OperationCount(*repo);
  {
    Transaction tx(*repo);
    tx.SetTag("never", s1_);
    tx.RemoveWorktree("main");
    tx.RecordRewrite(s1_, {});
    tx.SetAttribute("x", "y");
    EXPECT_FALSE(tx.committed());
  }
  EXPECT_EQ(repo->op_id(), before);
  EXPECT_EQ(repo->view(), view_before);
  EXPECT_EQ(OperationCount(*repo), ops_before);
  EXPECT_EQ(OpHeadFiles(), std::vector<std::string>{before.hex()});
  auto again = OpenRepo();
  EXPECT_EQ(again->op_id(), before);
  EXPECT_EQ(again->view(), view_before);
}

TEST_F(TransactionTest, PlainOperationsHaveNoPredecessors) {
  auto repo = OpenRepo();
  EXPECT_TRUE(repo->operation().predecessors.empty());  // the last snapshot's operation
  Transaction tx(*repo);
  tx.RecordRewrite(s1_, {s2_});
  tx.RecordRewrite(s1_, {s2_});  // recorded once
  tx.RecordRewrite(s2_, {});     // abandoned
  auto op = tx.Commit("rewrite");
  ASSERT_TRUE(op.ok()) << op.error().message();
  auto stored = repo->op_store().ReadOperation(*op);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->predecessors.at(s1_), std::vector<SnapshotId>{s2_});
  EXPECT_TRUE(stored->predecessors.at(s2_).empty());
}

TEST_F(TransactionTest, RemovedWorktreeAndDeletedTagKeepTheirSnapshotsVisible) {
  auto repo = OpenRepo();
  Transaction tx(*repo);
  tx.AddWorktree("w", WorktreeView{s1_, s1_});
  tx.SetTag("t", s1_);
  ASSERT_TRUE(tx.Commit("setup").ok());
  Transaction tx2(*repo);
  tx2.RemoveWorktree("w");
  tx2.DeleteTag("t");
  ASSERT_TRUE(tx2.Commit("remove").ok());
  const View& v = repo->view();
  EXPECT_EQ(v.worktrees.count("w"), 0u);
  EXPECT_EQ(v.tags.count("t"), 0u);
  EXPECT_TRUE(std::find(v.heads.begin(), v.heads.end(), s1_) != v.heads.end());
}

TEST_F(TransactionTest, CommitRefusesTwiceStaleAndReadOnly) {
  auto repo = OpenRepo();
  Transaction tx(*repo);
  tx.SetTag("a", s1_);
  ASSERT_TRUE(tx.Commit("first").ok());
  auto twice = tx.Commit("again");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code(), ErrorCode::kInternal);

  // A transaction begun before another one committed would overwrite it.
  Transaction early(*repo);
  Transaction other(*repo);
  other.SetTag("b", s1_);
  ASSERT_TRUE(other.Commit("other").ok());
  early.SetTag("c", s2_);
  const OperationId at = repo->op_id();
  auto stale = early.Commit("stale");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(repo->op_id(), at);

  auto old = Repo::Open(TestEnv(), ws_, Next(), at.hex().substr(0, 12));
  ASSERT_TRUE(old.ok()) << old.error().message();
  Transaction ro(**old);
  ro.SetTag("d", s2_);
  auto refused = ro.Commit("read-only");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kRefused);
}

TEST_F(TransactionTest, TagsAreSetAndDeletedInOneOperationEach) {
  auto repo = OpenRepo();
  const size_t ops_before = OperationCount(*repo);
  auto set = SetTag(*repo, "v1", s1_);
  ASSERT_TRUE(set.ok()) << set.error().message();
  EXPECT_TRUE(set->changed);
  EXPECT_FALSE(set->moved);
  ASSERT_TRUE(set->op);
  EXPECT_EQ(repo->op_id(), *set->op);
  auto same = SetTag(*repo, "v1", s1_);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->changed);
  EXPECT_FALSE(same->op);
  auto moved = SetTag(*repo, "v1", s2_);
  ASSERT_TRUE(moved.ok());
  EXPECT_TRUE(moved->moved);
  EXPECT_EQ(OperationCount(*repo), ops_before + 2);
  EXPECT_FALSE(SetTag(*repo, "bad name", s1_).ok());
  auto missing = DeleteTag(*repo, "v2");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(jvs::cli::FullHint(missing.error()).find("v1"), std::string::npos) << jvs::cli::FullHint(missing.error());
  auto del = DeleteTag(*repo, "v1");
  ASSERT_TRUE(del.ok()) << del.error().message();
  EXPECT_EQ(del->id, s2_);
  EXPECT_EQ(repo->view().tags.count("v1"), 0u);
  EXPECT_EQ(OperationCount(*repo), ops_before + 3);
  EXPECT_EQ(repo->operation().metadata.description, "delete tag v1");
}

}  // namespace
}  // namespace jvs
