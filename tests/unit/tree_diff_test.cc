// Unit tests of the tree diff (jvs/merge/tree_diff.h): DiffTrees over trees
// built in memory (added, removed, modified, empty directories, file and
// directory replacing each other, path filters and order, equal subtrees
// never read, deep trees without recursion) and LookupPath.

#include "jvs/merge/tree_diff.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "jvs/base/hash.h"
#include "jvs/store/objects.h"

namespace jvs {
namespace {

std::vector<std::string> ChangedPaths(const std::vector<TreeChange>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(c.path.str() + (c.added() ? " +" : c.removed() ? " -" : " ~"));
  return out;
}

RepoPath P(std::string_view s) { return *RepoPath::Parse(s); }

class DiffTest : public ::testing::Test {
 protected:
  // Builds a tree from "path" -> content ("/" suffix: empty directory,
  // "@target": symlink, "*content": executable).
  TreeId Build(const std::map<std::string, std::string>& files) {
    std::map<std::string, std::map<std::string, std::string>> dirs;  // dir -> name -> spec
    std::set<std::string> all_dirs = {""};
    for (const auto& [path, spec] : files) {
      std::string p = path;
      bool is_dir = !p.empty() && p.back() == '/';
      if (is_dir) p.pop_back();
      size_t slash = p.rfind('/');
      std::string parent = slash == std::string::npos ? "" : p.substr(0, slash);
      std::string name = slash == std::string::npos ? p : p.substr(slash + 1);
      dirs[parent][name] = is_dir ? std::string("/") : "=" + spec;
      if (is_dir) all_dirs.insert(p);
      for (std::string d = parent; !d.empty();) {
        all_dirs.insert(d);
        size_t s = d.rfind('/');
        std::string pp = s == std::string::npos ? "" : d.substr(0, s);
        dirs[pp][s == std::string::npos ? d : d.substr(s + 1)] = "/";
        d = pp;
      }
    }
    return BuildDir("", dirs);
  }
  TreeId BuildDir(const std::string& dir, std::map<std::string, std::map<std::string, std::string>>& dirs) {
    Tree t;
    for (const auto& [name, spec] : dirs[dir]) {
      TreeEntry e;
      e.name = name;
      if (spec == "/") {
        TreeId sub = BuildDir(dir.empty() ? name : dir + "/" + name, dirs);
        e.kind = EntryKind::kTree;
        e.id = sub.bytes();
      } else {
        std::string content = spec.substr(1);
        e.kind = EntryKind::kFile;
        if (!content.empty() && content[0] == '@') {
          e.kind = EntryKind::kSymlink;
          content = content.substr(1);
        } else if (!content.empty() && content[0] == '*') {
          e.kind = EntryKind::kExecutable;
          content = content.substr(1);
        }
        e.id = Sha256Of(content);
        e.size = content.size();
      }
      t.entries.push_back(e);
    }
    TreeId id = t.ComputeId();
    trees_[id] = std::make_shared<const Tree>(t);
    return id;
  }
  TreeGetter Getter() {
    return [this](const TreeId& id) -> Result<std::shared_ptr<const Tree>> {
      reads_++;
      if (unreadable_.count(id)) return Error(ErrorCode::kInternal, "walked into an equal subtree");
      auto it = trees_.find(id);
      if (it == trees_.end()) return Error(ErrorCode::kNotFound, "no tree " + id.hex());
      return it->second;
    };
  }
  std::vector<std::string> Diff(const std::map<std::string, std::string>& a,
                                const std::map<std::string, std::string>& b, std::vector<RepoPath> paths = {}) {
    auto r = DiffTrees(Getter(), Build(a), Build(b), paths);
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? ChangedPaths(*r) : std::vector<std::string>{"<error>"};
  }
  std::map<TreeId, std::shared_ptr<const Tree>> trees_;
  std::set<TreeId> unreadable_;
  int reads_ = 0;
};

using V = std::vector<std::string>;

TEST_F(DiffTest, FilesAddedRemovedModified) {
  EXPECT_EQ(Diff({{"a", "1"}, {"b", "2"}}, {{"a", "1"}, {"b", "3"}, {"c", "4"}}), (V{"b ~", "c +"}));
  EXPECT_EQ(Diff({{"a", "1"}, {"d/x", "1"}}, {{"a", "1"}}), (V{"d/x -"}));
  EXPECT_EQ(Diff({{"a", "1"}}, {{"a", "*1"}}), (V{"a ~"}));   // executable bit
  EXPECT_EQ(Diff({{"a", "1"}}, {{"a", "@1"}}), (V{"a ~"}));   // file <-> symlink, same bytes
  EXPECT_EQ(Diff({{"a", "1"}}, {{"a", "1"}}), (V{}));
  EXPECT_EQ(Diff({}, {}), (V{}));
}

TEST_F(DiffTest, EmptyDirectories) {
  EXPECT_EQ(Diff({{"a", "1"}}, {{"a", "1"}, {"e/", ""}}), (V{"e +"}));
  EXPECT_EQ(Diff({{"a", "1"}, {"e/", ""}}, {{"a", "1"}}), (V{"e -"}));
  EXPECT_EQ(Diff({{"d/e/f/", ""}}, {}), (V{"d/e/f -"}));
  EXPECT_EQ(Diff({}, {{"d/e/", ""}, {"d/f/", ""}}), (V{"d/e +", "d/f +"}));
  // An empty directory that gains a file: the file is the change.
  EXPECT_EQ(Diff({{"e/", ""}}, {{"e/x", "1"}}), (V{"e/x +"}));
  // A directory that loses its last file.
  EXPECT_EQ(Diff({{"e/x", "1"}}, {{"e/", ""}}), (V{"e/x -"}));
}

TEST_F(DiffTest, FileDirectoryReplacement) {
  // A file replaced by a directory is one change at its path (old file, new
  // tree), followed by the contents of the directory.
  auto r = DiffTrees(Getter(), Build({{"x", "file"}}), Build({{"x/inner", "f"}}));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].path.str(), "x");
  ASSERT_TRUE((*r)[0].old_entry && (*r)[0].new_entry);
  EXPECT_EQ((*r)[0].old_entry->kind, EntryKind::kFile);
  EXPECT_EQ((*r)[0].old_entry->id, Sha256Of("file"));
  EXPECT_EQ((*r)[0].new_entry->kind, EntryKind::kTree);
  EXPECT_EQ((*r)[1].path.str(), "x/inner");
  EXPECT_TRUE((*r)[1].added());

  auto back = DiffTrees(Getter(), Build({{"x/inner", "f"}}), Build({{"x", "file"}}));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].path.str(), "x");
  ASSERT_TRUE((*back)[0].old_entry && (*back)[0].new_entry);
  EXPECT_EQ((*back)[0].old_entry->kind, EntryKind::kTree);
  EXPECT_EQ((*back)[0].new_entry->kind, EntryKind::kFile);
  EXPECT_TRUE((*back)[1].removed());
  EXPECT_EQ((*back)[1].path.str(), "x/inner");

  // File <-> empty directory: the one change at the path.
  EXPECT_EQ(Diff({{"x", "file"}}, {{"x/", ""}}), (V{"x ~"}));
  EXPECT_EQ(Diff({{"x/", ""}}, {{"x", "file"}}), (V{"x ~"}));
  EXPECT_EQ(Diff({{"x", "@target"}}, {{"x/y/z", "1"}}), (V{"x ~", "x/y/z +"}));
  // Deeper: a directory with subdirectories becomes a symlink.
  EXPECT_EQ(Diff({{"d/a/b", "1"}, {"d/c", "2"}, {"e", "3"}}, {{"d", "@elsewhere"}, {"e", "3"}}),
            (V{"d ~", "d/a/b -", "d/c -"}));
}

TEST_F(DiffTest, SkipsEqualSubtrees) {
  std::map<std::string, std::string> a = {{"big/a", "1"}, {"big/b/c", "2"}, {"small", "1"}};
  std::map<std::string, std::string> b = a;
  b["small"] = "2";
  Build(a);
  // Make the shared subtree unreadable: the diff must not walk into it.
  const Tree& root = *trees_.at(Build(a));
  unreadable_.insert(TreeId(root.Find("big")->id));
  EXPECT_EQ(Diff(a, b), (V{"small ~"}));
  reads_ = 0;
  TreeId same = Build(a);
  auto r = DiffTrees(Getter(), same, same);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(reads_, 0);
}

TEST_F(DiffTest, PathFilterAndOrder) {
  std::map<std::string, std::string> a = {{"d1/x", "1"}, {"d1/y", "1"}, {"d2/x", "1"}, {"top", "1"}};
  std::map<std::string, std::string> b = {{"d1/x", "2"}, {"d1/z", "1"}, {"d2/x", "2"}, {"top", "2"}, {"d1y", "1"}};
  EXPECT_EQ(Diff(a, b), (V{"d1/x ~", "d1/y -", "d1/z +", "d1y +", "d2/x ~", "top ~"}));
  EXPECT_EQ(Diff(a, b, {P("d1")}), (V{"d1/x ~", "d1/y -", "d1/z +"}));
  EXPECT_EQ(Diff(a, b, {P("d1/x"), P("top")}), (V{"d1/x ~", "top ~"}));
  EXPECT_EQ(Diff(a, b, {P("d2/x/nothing")}), (V{}));
  EXPECT_EQ(Diff(a, b, {P("nowhere")}), (V{}));
  EXPECT_EQ(Diff(a, b, {RepoPath::Root()}).size(), 6u);
}

TEST_F(DiffTest, MissingTreeIsAnError) {
  TreeId a = Build({{"d/x", "1"}});
  TreeId b = Build({{"d/x", "2"}});
  trees_.erase(TreeId(trees_.at(b)->Find("d")->id));
  auto r = DiffTrees(Getter(), a, b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
}

TEST_F(DiffTest, LookupPath) {
  TreeId t = Build({{"a/b/c", "1"}, {"f", "2"}, {"e/", ""}});
  auto root = LookupPath(Getter(), t, RepoPath::Root());
  ASSERT_TRUE(root.ok() && root->has_value());
  EXPECT_EQ((*root)->kind, EntryKind::kTree);
  EXPECT_EQ(TreeId((*root)->id), t);
  auto c = LookupPath(Getter(), t, P("a/b/c"));
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->id, Sha256Of("1"));
  auto b = LookupPath(Getter(), t, P("a/b"));
  ASSERT_TRUE(b.ok() && b->has_value());
  EXPECT_EQ((*b)->kind, EntryKind::kTree);
  auto e = LookupPath(Getter(), t, P("e"));
  ASSERT_TRUE(e.ok() && e->has_value());
  EXPECT_EQ((*e)->id, EmptyTreeId().bytes());
  for (const char* missing : {"x", "a/x", "a/b/c/d", "f/g", "e/x"}) {
    auto m = LookupPath(Getter(), t, P(missing));
    ASSERT_TRUE(m.ok()) << missing;
    EXPECT_FALSE(m->has_value()) << missing;
  }
}

// A chain of `depth` directories "d" with one file at the bottom, built
// directly (Build would recurse).
TreeId Chain(std::map<TreeId, std::shared_ptr<const Tree>>* trees, size_t depth, const std::string& content) {
  Tree leaf;
  leaf.entries.push_back(TreeEntry{"f", EntryKind::kFile, Sha256Of(content), content.size()});
  TreeId id = leaf.ComputeId();
  (*trees)[id] = std::make_shared<const Tree>(leaf);
  for (size_t i = 0; i < depth; ++i) {
    Tree t;
    t.entries.push_back(TreeEntry{"d", EntryKind::kTree, id.bytes(), content.size()});
    id = t.ComputeId();
    (*trees)[id] = std::make_shared<const Tree>(t);
  }
  return id;
}

// The walk is iterative: a crafted tree 30,000 levels deep (the call stack
// overflowed at that depth) is refused with an error; up to kMaxTreeDepth
// levels are diffed as usual, including empty directories at the bottom.
TEST_F(DiffTest, DeepTreesAreWalkedWithoutRecursion) {
  TreeId empty = Build({});
  TreeId deep = Chain(&trees_, 30000, "x");
  auto r = DiffTrees(Getter(), empty, deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(r.error().message().find("deeper than"), std::string::npos) << r.error().message();
  auto back = DiffTrees(Getter(), deep, empty);
  ASSERT_FALSE(back.ok());
  TreeId a = Chain(&trees_, kMaxTreeDepth - 1, "1");
  TreeId b = Chain(&trees_, kMaxTreeDepth - 1, "2");
  auto changed = DiffTrees(Getter(), a, b);
  ASSERT_TRUE(changed.ok()) << changed.error().message();
  ASSERT_EQ(changed->size(), 1u);
  EXPECT_EQ(std::count(changed->front().path.str().begin(), changed->front().path.str().end(), '/'),
            static_cast<long>(kMaxTreeDepth - 1));
  EXPECT_TRUE(changed->front().old_entry && changed->front().new_entry);
  EXPECT_FALSE(DiffTrees(Getter(), a, Chain(&trees_, kMaxTreeDepth + 1, "2")).ok());
}

}  // namespace
}  // namespace jvs
