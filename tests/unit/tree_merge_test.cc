// MergeTrees, ListConflicts, PathValueAt: merged trees whose terms agree
// except at conflicted paths, unchanged subtrees taken by id.
#include "jvs/merge/tree_merge.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;

// A leaf of a test tree: "f:TEXT" a file, "x:TEXT" an executable, "l:TARGET"
// a symlink, "d" an empty directory; "m0600:f:TEXT" with explicit mode bits.
using Spec = std::map<std::string, std::string>;

class TreeMergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() / "store";
    ASSERT_TRUE(Store::Create(env_, dir_).ok());
    store_ = Open();
  }
  std::unique_ptr<Store> Open() {
    auto s = Store::Open(env_, dir_);
    EXPECT_TRUE(s.ok());
    return std::move(s).value();
  }

  TreeId Build(const Spec& spec) {
    // Group by first component, build bottom-up (test trees are shallow).
    std::map<std::string, Spec> subdirs;
    Tree t;
    for (const auto& [path, leaf] : spec) {
      size_t slash = path.find('/');
      if (slash != std::string::npos) {
        subdirs[path.substr(0, slash)][path.substr(slash + 1)] = leaf;
        continue;
      }
      std::string l = leaf;
      std::optional<uint32_t> mode;
      if (l[0] == 'm') {
        mode = std::stoul(l.substr(1, 4), nullptr, 8);
        l = l.substr(6);
      }
      TreeEntry e;
      e.name = path;
      e.mode = mode;
      if (l == "d") {
        e.kind = EntryKind::kTree;
        e.id = EmptyTreeId().bytes();
      } else {
        e.kind = l[0] == 'f'   ? EntryKind::kFile
                 : l[0] == 'x' ? EntryKind::kExecutable
                               : EntryKind::kSymlink;
        std::string content = l.substr(2);
        e.id = store_->WriteBlob(content)->bytes();
        e.size = content.size();
      }
      t.entries.push_back(e);
    }
    for (const auto& [name, sub] : subdirs) {
      TreeEntry e;
      e.name = name;
      e.kind = EntryKind::kTree;
      TreeId id = Build(sub);
      e.id = id.bytes();
      e.size = (*store_->ReadTree(id))->TotalSize();
      t.entries.push_back(e);
    }
    std::sort(t.entries.begin(), t.entries.end(), [](auto& a, auto& b) { return a.name < b.name; });
    return *store_->WriteTree(t);
  }

  // The inverse of Build (sizes checked on the way).
  Spec Read(const TreeId& root) {
    Spec out;
    std::vector<std::pair<TreeId, std::string>> stack{{root, ""}};
    while (!stack.empty()) {
      auto [id, prefix] = stack.back();
      stack.pop_back();
      auto t = store_->ReadTree(id);
      EXPECT_TRUE(t.ok());
      for (const auto& e : (*t)->entries) {
        std::string p = prefix + e.name;
        std::string m = e.mode ? "m0" + ToOctal(*e.mode) + ":" : "";
        if (e.kind == EntryKind::kTree) {
          auto sub = store_->ReadTree(TreeId(e.id));
          EXPECT_EQ((*sub)->TotalSize(), e.size) << p;
          if ((*sub)->entries.empty())
            out[p] = m + "d";
          else
            stack.push_back({TreeId(e.id), p + "/"});
          continue;
        }
        std::string content = *store_->ReadBlob(BlobId(e.id));
        EXPECT_EQ(content.size(), e.size) << p;
        char k = e.kind == EntryKind::kFile ? 'f' : e.kind == EntryKind::kExecutable ? 'x' : 'l';
        out[p] = m + k + ":" + content;
      }
    }
    return out;
  }
  static std::string ToOctal(uint32_t v) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%03o", v);
    return buf;
  }

  Merge<TreeId> Three(const Spec& base, const Spec& a, const Spec& b) {
    return Merge<TreeId>::ThreeWay(Build(base), Build(a), Build(b));
  }

  // A merger that records its calls and resolves by joining the adds'
  // contents with '+' (or refuses when `refuse`).
  ContentMerger Merger() {
    return [this](const RepoPath& path,
                  const Merge<std::optional<BlobId>>& contents) -> Result<std::optional<BlobId>> {
      calls_.push_back(path.str());
      last_contents_ = contents.terms();
      if (refuse_) return std::optional<BlobId>();
      std::string joined;
      for (const auto& a : contents.adds())
        joined += (joined.empty() ? "" : "+") + *store_->ReadBlob(*a);
      JVS_ASSIGN_OR_RETURN(BlobId id, store_->WriteBlob(joined));
      return std::optional<BlobId>(id);
    };
  }

  Merge<TreeId> MergeOk(const Merge<TreeId>& in, TreeMergeStats* stats = nullptr) {
    auto r = MergeTrees(*store_, in, Merger(), stats);
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? *r : in;
  }

  // The result is resolved; its tree as a Spec.
  Spec Resolved(const Merge<TreeId>& m) {
    EXPECT_TRUE(m.is_resolved()) << m.terms().size() << " terms";
    return Read(m.terms()[0]);
  }

  std::vector<std::string> ConflictPaths(const Merge<TreeId>& m) {
    auto c = ListConflicts(*store_, m);
    EXPECT_TRUE(c.ok());
    std::vector<std::string> out;
    for (const auto& p : *c) out.push_back(p.path.str());
    return out;
  }

  TempDir tmp_;
  Env* env_ = Env::Default();
  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::vector<std::string> calls_;
  std::vector<std::optional<BlobId>> last_contents_;
  bool refuse_ = false;
};

TEST_F(TreeMergeTest, TrivialRootNeedsNoRead) {
  TreeId base = Build({{"a", "f:1"}}), side = Build({{"a", "f:2"}});
  TreeMergeStats stats;
  auto m = MergeOk(Merge<TreeId>::ThreeWay(base, side, base), &stats);
  EXPECT_EQ(m, Merge<TreeId>(side));
  EXPECT_EQ(stats.trees_read, 0u);
  EXPECT_TRUE(ConflictPaths(m).empty());
}

TEST_F(TreeMergeTest, DisjointEditsMergeClean) {
  auto m =
      MergeOk(Three({{"a", "f:1"}, {"b", "f:1"}, {"d/c", "f:1"}, {"d/e", "f:1"}},
                    {{"a", "f:2"}, {"b", "f:1"}, {"d/c", "f:1"}, {"d/e", "f:2"}, {"n1", "f:new"}},
                    {{"a", "f:1"}, {"d/c", "f:3"}, {"d/e", "f:1"}, {"d/n2", "l:target"}}));
  EXPECT_EQ(
      Resolved(m),
      (Spec{{"a", "f:2"}, {"d/c", "f:3"}, {"d/e", "f:2"}, {"d/n2", "l:target"}, {"n1", "f:new"}}));
  EXPECT_TRUE(calls_.empty());
}

TEST_F(TreeMergeTest, SameEditOnBothSidesResolves) {
  auto m =
      MergeOk(Three({{"a", "f:1"}, {"d/x", "f:1"}}, {{"a", "f:2"}, {"d/x", "x:1"}, {"n", "f:n"}},
                    {{"a", "f:2"}, {"d/x", "x:1"}, {"n", "f:n"}}));
  EXPECT_EQ(Resolved(m), (Spec{{"a", "f:2"}, {"d/x", "x:1"}, {"n", "f:n"}}));
  EXPECT_TRUE(calls_.empty());
}

TEST_F(TreeMergeTest, ModifyDeleteIsAConflictWithEveryTerm) {
  TreeId base = Build({{"a", "f:1"}, {"b", "f:1"}}), ours = Build({{"a", "f:2"}, {"b", "f:2"}}),
         theirs = Build({{"b", "f:1"}});
  auto m = MergeOk(Merge<TreeId>::ThreeWay(base, ours, theirs));
  ASSERT_EQ(m.terms().size(), 3u);
  EXPECT_TRUE(calls_.empty());
  // The terms agree except at the conflicted path.
  EXPECT_EQ(Read(m.add(0)), (Spec{{"a", "f:2"}, {"b", "f:2"}}));
  EXPECT_EQ(Read(m.remove(0)), (Spec{{"a", "f:1"}, {"b", "f:2"}}));
  EXPECT_EQ(Read(m.add(1)), (Spec{{"b", "f:2"}}));
  auto conflicts = ListConflicts(*store_, m);
  ASSERT_TRUE(conflicts.ok());
  ASSERT_EQ(conflicts->size(), 1u);
  const ConflictedPath& c = (*conflicts)[0];
  EXPECT_EQ(c.path.str(), "a");
  ASSERT_EQ(c.value.terms().size(), 3u);
  EXPECT_EQ(c.value.add(0)->id, store_->WriteBlob("2")->bytes());
  EXPECT_EQ(c.value.remove(0)->id, store_->WriteBlob("1")->bytes());
  EXPECT_FALSE(c.value.add(1).has_value());
  auto at = PathValueAt(*store_, m, *RepoPath::Parse("a"));
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(*at, c.value);
  auto b = PathValueAt(*store_, m, *RepoPath::Parse("b"));
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->ResolveTrivial().has_value());
}

TEST_F(TreeMergeTest, AddAddOfDifferentContentGoesToTheMerger) {
  auto in = Three({{"k", "f:k"}}, {{"k", "f:k"}, {"n", "f:x"}}, {{"k", "f:k"}, {"n", "f:y"}});
  refuse_ = true;
  auto conflicted = MergeOk(in);
  EXPECT_EQ(calls_, std::vector<std::string>{"n"});
  ASSERT_EQ(last_contents_.size(), 3u);
  EXPECT_FALSE(last_contents_[1].has_value());  // no base
  EXPECT_EQ(ConflictPaths(conflicted), std::vector<std::string>{"n"});
  refuse_ = false;
  auto merged = MergeOk(in);
  EXPECT_EQ(Resolved(merged), (Spec{{"k", "f:k"}, {"n", "f:x+y"}}));
}

TEST_F(TreeMergeTest, ContentConflictKeepsEachSide) {
  refuse_ = true;
  auto m = MergeOk(Three({{"a", "f:1"}}, {{"a", "f:2"}}, {{"a", "f:3"}}));
  ASSERT_EQ(m.terms().size(), 3u);
  EXPECT_EQ(Read(m.add(0)), (Spec{{"a", "f:2"}}));
  EXPECT_EQ(Read(m.add(1)), (Spec{{"a", "f:3"}}));
  EXPECT_EQ(calls_.size(), 1u);
}

TEST_F(TreeMergeTest, FileVersusDirectoryIsAConflictNeverMerged) {
  auto m = MergeOk(Three({{"p", "f:1"}}, {{"p", "f:2"}}, {{"p/inner", "f:3"}}));
  EXPECT_TRUE(calls_.empty());
  EXPECT_EQ(ConflictPaths(m), std::vector<std::string>{"p"});
  EXPECT_EQ(Read(m.add(1)), (Spec{{"p/inner", "f:3"}}));
}

TEST_F(TreeMergeTest, SymlinksAndKindsAreNeverOfferedToTheMerger) {
  auto m = MergeOk(Three({{"l", "l:a"}, {"k", "f:1"}}, {{"l", "l:b"}, {"k", "l:x"}},
                         {{"l", "l:c"}, {"k", "f:2"}}));
  EXPECT_TRUE(calls_.empty());
  EXPECT_EQ(ConflictPaths(m), (std::vector<std::string>{"k", "l"}));
}

TEST_F(TreeMergeTest, ExecutableBitAndContentMergeApart) {
  // One side sets the executable bit, the other changes the content.
  auto m = MergeOk(Three({{"s", "f:1"}}, {{"s", "x:1"}}, {{"s", "f:2"}}));
  EXPECT_EQ(Resolved(m), (Spec{{"s", "x:2"}}));
  EXPECT_TRUE(calls_.empty());
  // Both change the content, one the bit: the merger sees only contents.
  auto m2 = MergeOk(Three({{"s", "f:1"}}, {{"s", "x:2"}}, {{"s", "f:3"}}));
  EXPECT_EQ(Resolved(m2), (Spec{{"s", "x:2+3"}}));
  EXPECT_EQ(calls_.size(), 1u);
  // Other permission bits merge apart too.
  auto m3 = MergeOk(Three({{"s", "f:1"}}, {{"s", "m0600:f:1"}}, {{"s", "x:1"}}));
  EXPECT_EQ(Resolved(m3), (Spec{{"s", "m0711:x:1"}}));
  // Executable bits changed differently on both sides: a conflict, the merger not asked.
  calls_.clear();
  auto m4 = MergeOk(Three({{"s", "m0744:x:1"}}, {{"s", "f:2"}}, {{"s", "x:3"}}));
  EXPECT_TRUE(calls_.empty());
  EXPECT_EQ(ConflictPaths(m4), std::vector<std::string>{"s"});
}

TEST_F(TreeMergeTest, ThreeSidesMergeTogether) {
  TreeId base = Build({{"a", "f:0"}, {"b", "f:0"}, {"c", "f:0"}, {"d/e", "f:0"}});
  TreeId s1 = Build({{"a", "f:1"}, {"b", "f:0"}, {"c", "f:0"}, {"d/e", "f:0"}});
  TreeId s2 = Build({{"a", "f:0"}, {"b", "f:2"}, {"c", "f:0"}, {"d/e", "f:0"}, {"d/f", "f:2"}});
  TreeId s3 = Build({{"a", "f:0"}, {"b", "f:0"}, {"d/e", "f:3"}});
  auto m = MergeOk(Merge<TreeId>({base, base}, {s1, s2, s3}));
  EXPECT_EQ(Resolved(m), (Spec{{"a", "f:1"}, {"b", "f:2"}, {"d/e", "f:3"}, {"d/f", "f:2"}}));
  // The same path changed by three sides: the merger gets five terms.
  auto m2 = MergeOk(Merge<TreeId>(
      {base, base}, {Build({{"a", "f:1"}}), Build({{"a", "f:2"}}), Build({{"a", "f:3"}})}));
  ASSERT_EQ(calls_, std::vector<std::string>{"a"});
  EXPECT_EQ(last_contents_.size(), 5u);
  EXPECT_EQ(Resolved(m2), (Spec{{"a", "f:1+2+3"}}));
}

TEST_F(TreeMergeTest, UnchangedSubtreesAreTakenByIdWithoutReading) {
  Spec base;
  for (int d = 0; d < 40; ++d)
    for (int f = 0; f < 5; ++f)
      base["dir" + std::to_string(d) + "/sub/f" + std::to_string(f)] = "f:" + std::to_string(f);
  base["shared/a"] = "f:a";
  base["shared/b"] = "f:b";
  Spec ours = base, theirs = base;
  ours["shared/a"] = "f:A";
  ours["dir3/sub/f1"] = "f:changed";  // one side only: dir3 taken by id
  theirs["shared/b"] = "f:B";
  auto in = Three(base, ours, theirs);
  store_ = Open();  // no tree cached
  TreeMergeStats stats;
  auto m = MergeOk(in, &stats);
  // The three roots and the three versions of shared/: nothing else.
  EXPECT_EQ(stats.trees_read, 6u);
  EXPECT_EQ(stats.trees_written, 2u);  // the new root and shared/
  EXPECT_EQ(stats.content_merges, 0u);
  Spec want = base;
  want["shared/a"] = "f:A";
  want["shared/b"] = "f:B";
  want["dir3/sub/f1"] = "f:changed";
  EXPECT_EQ(Resolved(m), want);
}

TEST_F(TreeMergeTest, DeletedDirectoryAgainstChangesInside) {
  Spec base{{"d/f", "f:1"}, {"k", "f:k"}};
  // Modified inside on one side, deleted on the other: that file conflicts.
  auto m = MergeOk(Three(base, {{"k", "f:k"}}, {{"d/f", "f:2"}, {"k", "f:k"}}));
  EXPECT_EQ(ConflictPaths(m), std::vector<std::string>{"d/f"});
  EXPECT_EQ(Read(m.add(0)), (Spec{{"k", "f:k"}}));  // no empty d in the deleting side's term
  // A file added inside on one side: the directory stays with it only.
  auto m2 = MergeOk(Three(base, {{"k", "f:k"}}, {{"d/f", "f:1"}, {"d/g", "f:g"}, {"k", "f:k"}}));
  EXPECT_EQ(Resolved(m2), (Spec{{"d/g", "f:g"}, {"k", "f:k"}}));
  // Deleted on one side, emptied on the other: gone.
  auto m3 = MergeOk(Three(base, {{"k", "f:k"}}, {{"d", "d"}, {"k", "f:k"}}));
  EXPECT_EQ(Resolved(m3), (Spec{{"k", "f:k"}}));
  // Emptied on both sides in different ways: an empty directory stays.
  auto m4 = MergeOk(Three({{"d/f", "f:1"}, {"d/g", "f:1"}}, {{"d/f", "f:1"}}, {{"d/g", "f:1"}}));
  EXPECT_EQ(Resolved(m4), (Spec{{"d", "d"}}));
}

TEST_F(TreeMergeTest, DirectoryModesMerge) {
  auto m = MergeOk(Three({{"d/f", "f:1"}}, {{"d/f", "f:2"}}, {{"d/f", "f:1"}, {"d/g", "f:1"}}));
  EXPECT_EQ(Resolved(m), (Spec{{"d/f", "f:2"}, {"d/g", "f:1"}}));
  // A directory mode changed on one side while the other edits inside.
  TreeId base = Build({{"d/f", "f:1"}});
  TreeId inner = Build({{"f", "f:1"}});
  Tree t;
  t.entries.push_back({"d", EntryKind::kTree, inner.bytes(), 1, 0700u});
  TreeId locked = *store_->WriteTree(t);
  auto m2 = MergeOk(Merge<TreeId>::ThreeWay(base, locked, Build({{"d/f", "f:2"}})));
  ASSERT_TRUE(m2.is_resolved());
  auto root = *store_->ReadTree(m2.terms()[0]);
  ASSERT_EQ(root->entries.size(), 1u);
  EXPECT_EQ(root->entries[0].mode, std::optional<uint32_t>(0700u));
  EXPECT_EQ(Read(m2.terms()[0]), (Spec{{"d/f", "f:2"}}));
}

TEST_F(TreeMergeTest, EmptyTreesAreNeverWritten) {
  auto m = MergeOk(Three({{"a", "f:1"}}, {}, {{"a", "f:1"}}));
  EXPECT_EQ(m, Merge<TreeId>(EmptyTreeId()));
  auto m2 = MergeOk(Three({{"a", "f:1"}, {"b", "f:1"}}, {{"b", "f:1"}}, {{"a", "f:1"}}));
  EXPECT_EQ(m2, Merge<TreeId>(EmptyTreeId()));
  EXPECT_FALSE(store_->backend().Has(StoreKind::kTree, EmptyTreeId().bytes()));
}

TEST_F(TreeMergeTest, ConflictedResultMergesAgainLikeAnyMerge) {
  // A modify/delete conflict, then a later merge that brings the file back
  // on the deleting side: stacking the merges (Flatten) resolves it.
  TreeId base = Build({{"a", "f:1"}}), ours = Build({{"a", "f:2"}}), theirs = Build({});
  auto conflicted = MergeOk(Merge<TreeId>::ThreeWay(base, ours, theirs));
  ASSERT_FALSE(conflicted.is_resolved());
  // Rebase-like: replace `theirs` by `ours` in the conflicted merge.
  Merge<Merge<TreeId>> stacked =
      Merge<Merge<TreeId>>::ThreeWay(Merge<TreeId>(theirs), conflicted, Merge<TreeId>(ours));
  auto m = MergeOk(stacked.Flatten());
  EXPECT_EQ(Resolved(m), (Spec{{"a", "f:2"}}));
}

TEST_F(TreeMergeTest, SnapshotRootRoundTrips) {
  refuse_ = true;
  auto m = MergeOk(Three({{"a", "f:1"}}, {{"a", "f:2"}}, {{"a", "f:3"}}));
  Snapshot s;
  s.change_id = std::string(32, 'a');
  SetSnapshotRoot(&s, m);
  EXPECT_TRUE(s.conflicted());
  auto back = Snapshot::Decode(s.Encode());
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(SnapshotRoot(*back), m);
  // Written simplified: a merge that cancels is stored resolved (format 1).
  TreeId t = Build({{"a", "f:9"}});
  SetSnapshotRoot(&s, Merge<TreeId>::ThreeWay(t, t, m.add(0)));
  EXPECT_FALSE(s.conflicted());
  EXPECT_EQ(s.root_terms, std::vector<TreeId>{m.add(0)});
}

}  // namespace
}  // namespace jvs
