// MergeBaseTrees: the virtual base of several common ancestors (criss-cross).
#include "jvs/merge/merge_base_trees.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;

class MergeBaseTreesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() / "store";
    ASSERT_TRUE(Store::Create(env_, dir_).ok());
    store_ = std::move(Store::Open(env_, dir_)).value();
  }

  // A snapshot of files {name: content} (one level), `id` its note.
  SnapshotId Snap(const std::string& note, const std::map<std::string, std::string>& files) {
    Tree t;
    for (const auto& [name, content] : files)
      t.entries.push_back(
          {name, EntryKind::kFile, store_->WriteBlob(content)->bytes(), content.size()});
    Snapshot s;
    s.SetTree(*store_->WriteTree(t));
    s.change_id = std::string(32, 'a');
    s.note = note;
    return *store_->WriteSnapshot(s);
  }

  std::map<std::string, std::string> Files(const TreeId& id) {
    std::map<std::string, std::string> out;
    for (const auto& e : (*store_->ReadTree(id))->entries)
      out[e.name] = *store_->ReadBlob(BlobId(e.id));
    return out;
  }

  // The common ancestors of two sets, from a table keyed by the sets' first ids.
  CommonAncestors Lookup() {
    return [this](const std::vector<SnapshotId>& a,
                  const std::vector<SnapshotId>& b) -> Result<std::vector<SnapshotId>> {
      lookups_++;
      auto it = table_.find({a.back(), b.back()});
      if (it == table_.end()) return std::vector<SnapshotId>{};
      return it->second;
    };
  }

  ContentMerger Refuse() {
    return
        [](const RepoPath&, const Merge<std::optional<BlobId>>&) -> Result<std::optional<BlobId>> {
          return std::optional<BlobId>();
        };
  }

  TempDir tmp_;
  Env* env_ = Env::Default();
  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::map<std::pair<SnapshotId, SnapshotId>, std::vector<SnapshotId>> table_;
  int lookups_ = 0;
};

TEST_F(MergeBaseTreesTest, NoneOneAndTwoAncestors) {
  auto none = MergeBaseTrees(*store_, {}, Lookup(), Refuse());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, Merge<TreeId>(EmptyTreeId()));

  SnapshotId r = Snap("r", {{"f", "r"}});
  SnapshotId a1 = Snap("a1", {{"f", "r"}, {"a", "1"}});
  SnapshotId a2 = Snap("a2", {{"f", "r"}, {"b", "2"}});
  auto one = MergeBaseTrees(*store_, {a1}, Lookup(), Refuse());
  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(one->is_resolved());
  EXPECT_EQ(Files(one->terms()[0]), (std::map<std::string, std::string>{{"a", "1"}, {"f", "r"}}));

  // Criss-cross: a1 and a2 both descend from r; their virtual base merges them against r.
  table_[{a1, a2}] = {r};
  auto two = MergeBaseTrees(*store_, {a1, a2}, Lookup(), Refuse());
  ASSERT_TRUE(two.ok()) << two.error().message();
  ASSERT_TRUE(two->is_resolved());
  EXPECT_EQ(Files(two->terms()[0]),
            (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}, {"f", "r"}}));
  EXPECT_EQ(lookups_, 1);
}

TEST_F(MergeBaseTreesTest, ConflictingAncestorsStayTermsOfTheBase) {
  SnapshotId r = Snap("r", {{"f", "r"}});
  SnapshotId a1 = Snap("a1", {{"f", "x"}});
  SnapshotId a2 = Snap("a2", {{"f", "y"}});
  table_[{a1, a2}] = {r};
  auto base = MergeBaseTrees(*store_, {a1, a2}, Lookup(), Refuse());
  ASSERT_TRUE(base.ok()) << base.error().message();
  ASSERT_EQ(base->terms().size(), 3u);
  // The final merge stacks that base (Flatten): what only one side changed
  // merges clean. Where both sides resolved the ancestors' conflict the same
  // way, the stack [z, x, r, y, z] does not resolve trivially (adds z, r, z):
  // Merge algebra, as Jujutsu's, unlike Git's recursive strategy, which
  // would take z. Left to the caller (see the report of this change).
  SnapshotId s1 = Snap("s1", {{"f", "z"}, {"one", "1"}});
  SnapshotId s2 = Snap("s2", {{"f", "z"}});
  auto root = [&](const SnapshotId& id) { return SnapshotRoot(**store_->ReadSnapshot(id)); };
  auto stacked = Merge<Merge<TreeId>>::ThreeWay(*base, root(s1), root(s2)).Flatten();
  ASSERT_EQ(stacked.terms().size(), 5u);
  auto merged = MergeTrees(*store_, stacked, Refuse());
  ASSERT_TRUE(merged.ok());
  auto conflicts = ListConflicts(*store_, *merged);
  ASSERT_TRUE(conflicts.ok());
  ASSERT_EQ(conflicts->size(), 1u);
  EXPECT_EQ((*conflicts)[0].path.str(), "f");
  auto one = PathValueAt(*store_, *merged, *RepoPath::Parse("one"));
  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(one->ResolveTrivial().has_value());
  EXPECT_TRUE(one->ResolveTrivial()->has_value());
}

TEST_F(MergeBaseTreesTest, RecursesThroughSeveralLevels) {
  // r -> (b1, b2) criss-cross -> (a1, a2) criss-cross: the base of a1 and a2
  // is the virtual merge of b1 and b2, itself merged against r.
  SnapshotId r = Snap("r", {{"f", "r"}});
  SnapshotId b1 = Snap("b1", {{"f", "r"}, {"g", "b1"}});
  SnapshotId b2 = Snap("b2", {{"f", "b2"}});
  SnapshotId a1 = Snap("a1", {{"f", "b2"}, {"g", "b1"}, {"h", "a1"}});
  SnapshotId a2 = Snap("a2", {{"f", "b2"}, {"g", "b1"}, {"i", "a2"}});
  table_[{a1, a2}] = {b1, b2};
  table_[{b1, b2}] = {r};
  auto base = MergeBaseTrees(*store_, {a1, a2}, Lookup(), Refuse());
  ASSERT_TRUE(base.ok()) << base.error().message();
  ASSERT_TRUE(base->is_resolved());
  EXPECT_EQ(Files(base->terms()[0]), (std::map<std::string, std::string>{
                                         {"f", "b2"}, {"g", "b1"}, {"h", "a1"}, {"i", "a2"}}));
  EXPECT_EQ(lookups_, 2);
}

}  // namespace
}  // namespace jvs
