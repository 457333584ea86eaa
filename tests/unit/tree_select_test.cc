// TakePaths: a tree that is `base` except at the selected paths, which come
// from `source` (absent there: removed); unselected subtrees keep their ids;
// sizes stay right; selecting below a file turns it into a folder.
#include "jvs/merge/tree_select.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;

using Spec = std::map<std::string, std::string>;  // path -> content ("" with a trailing '/' key: empty folder)

class TreeSelectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Store::Create(env_, tmp_.path() / "store").ok());
    store_ = std::move(Store::Open(env_, tmp_.path() / "store")).value();
  }
  TreeId Build(const Spec& spec) {
    std::map<std::string, Spec> subdirs;
    Tree t;
    for (const auto& [path, content] : spec) {
      size_t slash = path.find('/');
      if (slash != std::string::npos) {
        subdirs[path.substr(0, slash)];
        if (slash + 1 < path.size()) subdirs[path.substr(0, slash)][path.substr(slash + 1)] = content;
        continue;
      }
      TreeEntry e;
      e.name = path;
      e.id = store_->WriteBlob(content)->bytes();
      e.size = content.size();
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
  Spec Read(const TreeId& root, const std::string& prefix = "") {
    Spec out;
    auto t = store_->ReadTree(root);
    EXPECT_TRUE(t.ok());
    for (const auto& e : (*t)->entries) {
      if (e.kind == EntryKind::kTree) {
        auto sub = store_->ReadTree(TreeId(e.id));
        EXPECT_EQ((*sub)->TotalSize(), e.size) << prefix + e.name;
        if ((*sub)->entries.empty()) out[prefix + e.name + "/"] = "";
        for (auto& [p, c] : Read(TreeId(e.id), prefix + e.name + "/")) out[p] = c;
        continue;
      }
      out[prefix + e.name] = *store_->ReadBlob(BlobId(e.id));
    }
    return out;
  }
  TreeId Take(const TreeId& base, const TreeId& source, const std::vector<std::string>& paths) {
    std::vector<RepoPath> ps;
    for (const auto& p : paths) ps.push_back(*RepoPath::Parse(p));
    auto r = TakePaths(*store_, base, source, ps);
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? *r : base;
  }

  TempDir tmp_;
  Env* env_ = Env::Default();
  std::unique_ptr<Store> store_;
};

TEST_F(TreeSelectTest, SelectedPathsComeFromTheSourceAndTheRestStays) {
  TreeId base = Build({{"a.txt", "a0"}, {"d/x", "x0"}, {"d/y", "y0"}, {"gone.txt", "g"}, {"keep/k", "k"}});
  TreeId source = Build({{"a.txt", "a1"}, {"d/x", "x1"}, {"new.txt", "n"}, {"keep/k", "K"}});
  // A file, a file inside a folder, one only in the source, one only in the base.
  EXPECT_EQ(Read(Take(base, source, {"a.txt", "d/x", "new.txt", "gone.txt"})),
            (Spec{{"a.txt", "a1"}, {"d/x", "x1"}, {"d/y", "y0"}, {"keep/k", "k"}, {"new.txt", "n"}}));
  // A whole folder: d/y goes with it.
  EXPECT_EQ(Read(Take(base, source, {"d"})),
            (Spec{{"a.txt", "a0"}, {"d/x", "x1"}, {"gone.txt", "g"}, {"keep/k", "k"}}));
  // The unselected subtree keeps its id (nothing rewritten there).
  TreeId out = Take(base, source, {"a.txt"});
  auto bt = *store_->ReadTree(base);
  auto ot = *store_->ReadTree(out);
  EXPECT_EQ(bt->Find("keep")->id, ot->Find("keep")->id);
  EXPECT_EQ(bt->Find("d")->id, ot->Find("d")->id);
}

TEST_F(TreeSelectTest, RootNothingAndFileToFolder) {
  TreeId base = Build({{"f", "file"}, {"z", "z"}});
  TreeId source = Build({{"f/inner", "i"}, {"z", "z"}});
  EXPECT_EQ(Take(base, source, {""}), source) << "the root selects everything";
  EXPECT_EQ(Take(base, source, {}), base);
  EXPECT_EQ(Take(base, source, {"z"}), base) << "the same value changes nothing";
  // A path below a file of the base: the file becomes a folder.
  EXPECT_EQ(Read(Take(base, source, {"f/inner"})), (Spec{{"f/inner", "i"}, {"z", "z"}}));
  // Selecting a path absent from both changes nothing.
  EXPECT_EQ(Take(base, source, {"nowhere/deep"}), base);
  // Removing the last file of a folder keeps the folder (folders are recorded).
  TreeId one = Build({{"d/only", "o"}});
  TreeId none = Build({{"d/", ""}});
  EXPECT_EQ(Read(Take(one, none, {"d/only"})), (Spec{{"d/", ""}}));
}

}  // namespace
}  // namespace jvs
