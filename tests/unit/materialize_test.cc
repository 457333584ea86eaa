// MaterializeTree, RecordWorkingTree, TextContentMerger: conflicts written
// into a plain tree (markers for text, side files for the rest) and read back.
// Over 400 lines on purpose: every kind of conflict is checked through the same
// fixture (trees built from specs, both directions, the terms read back).
#include "jvs/merge/materialize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "jvs/base/hash.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::TempDir;

// A leaf: "f:TEXT" a file, "x:TEXT" an executable, "l:TARGET" a symlink,
// "d" an empty directory.
using Spec = std::map<std::string, std::string>;

class MaterializeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() / "store";
    ASSERT_TRUE(Store::Create(env_, dir_).ok());
    auto s = Store::Open(env_, dir_);
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
  }

  TreeId Build(const Spec& spec) {
    std::map<std::string, Spec> subdirs;
    Tree t;
    for (const auto& [path, leaf] : spec) {
      size_t slash = path.find('/');
      if (slash != std::string::npos) {
        subdirs[path.substr(0, slash)][path.substr(slash + 1)] = leaf;
        continue;
      }
      TreeEntry e;
      e.name = path;
      if (leaf == "d") {
        e.kind = EntryKind::kTree;
        e.id = EmptyTreeId().bytes();
      } else {
        e.kind = leaf[0] == 'f'   ? EntryKind::kFile
                 : leaf[0] == 'x' ? EntryKind::kExecutable
                                  : EntryKind::kSymlink;
        std::string content = leaf.substr(2);
        e.id = store_->WriteBlob(content)->bytes();
        e.size = content.size();
      }
      t.entries.push_back(e);
    }
    for (const auto& [name, sub] : subdirs) {
      TreeId id = Build(sub);
      t.entries.push_back(
          {name, EntryKind::kTree, id.bytes(), (*store_->ReadTree(id))->TotalSize(), {}});
    }
    std::sort(t.entries.begin(), t.entries.end(), [](auto& a, auto& b) { return a.name < b.name; });
    return *store_->WriteTree(t);
  }

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
        if (e.kind == EntryKind::kTree) {
          auto sub = store_->ReadTree(TreeId(e.id));
          EXPECT_EQ((*sub)->TotalSize(), e.size) << p;
          if ((*sub)->entries.empty())
            out[p] = "d";
          else
            stack.push_back({TreeId(e.id), p + "/"});
          continue;
        }
        std::string content = *store_->ReadBlob(BlobId(e.id));
        EXPECT_EQ(content.size(), e.size) << p;
        char k = e.kind == EntryKind::kFile ? 'f' : e.kind == EntryKind::kExecutable ? 'x' : 'l';
        out[p] = std::string(1, k) + ":" + content;
      }
    }
    return out;
  }

  // The merge of sides against bases as MergeTrees leaves it (text merged).
  Merge<TreeId> Merged(const std::vector<Spec>& terms) {
    std::vector<TreeId> ids;
    for (const auto& s : terms) ids.push_back(Build(s));
    auto r = MergeTrees(*store_, Merge<TreeId>::FromTerms(ids), TextContentMerger(*store_));
    EXPECT_TRUE(r.ok());
    return *r;
  }
  Merge<TreeId> Three(const Spec& base, const Spec& a, const Spec& b) {
    return Merged({a, base, b});
  }

  MaterializedTree Mat(const Merge<TreeId>& root, ConflictStyle style = ConflictStyle::kDiff) {
    auto r = MaterializeTree(*store_, root, style);
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? *r : MaterializedTree{};
  }
  Merge<TreeId> Record(const Merge<TreeId>& root, const TreeId& working) {
    auto r = RecordWorkingTree(*store_, root, working);
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? *r : root;
  }
  Merge<TreeId> Record(const Merge<TreeId>& root, const Spec& working) {
    return Record(root, Build(working));
  }

  // The contents at `path` in every term ("-" when absent).
  std::vector<std::string> TermsAt(const Merge<TreeId>& m, const std::string& path) {
    auto v = PathValueAt(*store_, m, *RepoPath::Parse(path));
    EXPECT_TRUE(v.ok());
    std::vector<std::string> out;
    for (const auto& t : v->terms())
      out.push_back(!t ? "-" : t->is_tree() ? "tree" : *store_->ReadBlob(BlobId(t->id)));
    return out;
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
};

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

const Spec kBase = {{"f", "f:a\nb\nc\n"}, {"g", "f:same\n"}};
const Spec kSide1 = {{"f", "f:a\nB1\nc\n"}, {"g", "f:same\n"}};
const Spec kSide2 = {{"f", "f:a\nB2\nc\n"}, {"g", "f:same\n"}};

TEST_F(MaterializeTest, ResolvedRootIsItsTree) {
  TreeId t = Build({{"a", "f:1"}});
  MaterializedTree m = Mat(Merge<TreeId>(t));
  EXPECT_EQ(m.tree, t);
  EXPECT_TRUE(m.conflicts.empty());
  TreeId w = Build({{"a", "f:2"}});
  EXPECT_EQ(Record(Merge<TreeId>(t), w), Merge<TreeId>(w));
}

TEST_F(MaterializeTest, TextConflictGetsMarkersAndRecordsBackUnchanged) {
  Merge<TreeId> root = Three(kBase, kSide1, kSide2);
  ASSERT_FALSE(root.is_resolved());
  MaterializedTree m = Mat(root);
  ASSERT_EQ(m.conflicts.size(), 1u);
  const MaterializedConflict& c = m.conflicts[0];
  EXPECT_EQ(c.path.str(), "f");
  EXPECT_EQ(c.kind, MaterializedConflict::Kind::kText);
  EXPECT_EQ(c.num_sides, 2u);
  EXPECT_EQ(c.marker_len, 7u);
  EXPECT_EQ(c.num_hunks, 1u);
  EXPECT_FALSE(c.note_file);
  Spec w = Read(m.tree);
  EXPECT_EQ(w.size(), 2u);
  EXPECT_EQ(w["g"], "f:same\n");
  EXPECT_NE(w["f"].find("<<<<<<< conflict 1 of 1"), std::string::npos) << w["f"];
  EXPECT_NE(w["f"].find("B1"), std::string::npos);
  EXPECT_NE(w["f"].find("B2"), std::string::npos);
  EXPECT_EQ(Record(root, m.tree), root);
  // Every style reads back.
  EXPECT_EQ(Record(root, Mat(root, ConflictStyle::kGit).tree), root);
  EXPECT_EQ(Record(root, Mat(root, ConflictStyle::kSnapshot).tree), root);
}

TEST_F(MaterializeTest, MarkersRemovedResolve) {
  Merge<TreeId> root = Three(kBase, kSide1, kSide2);
  Merge<TreeId> r = Record(root, {{"f", "f:a\nB\nc\n"}, {"g", "f:same\n"}});
  ASSERT_TRUE(r.is_resolved());
  EXPECT_EQ(Read(r.terms()[0]), (Spec{{"f", "f:a\nB\nc\n"}, {"g", "f:same\n"}}));
}

TEST_F(MaterializeTest, EditInsideOneSideKeepsTheConflictWithThatSideChanged) {
  Merge<TreeId> root = Three(kBase, kSide1, kSide2);
  Spec w = Read(Mat(root, ConflictStyle::kSnapshot).tree);
  std::string text = w["f"].substr(2);
  text = Replace(text, "B2\n", "B2x\n");
  text = "top\n" + text;  // outside the markers: every term
  w["f"] = "f:" + text;
  Merge<TreeId> r = Record(root, w);
  ASSERT_FALSE(r.is_resolved());
  EXPECT_EQ(ConflictPaths(r), std::vector<std::string>{"f"});
  EXPECT_EQ(TermsAt(r, "f"),
            (std::vector<std::string>{"top\na\nB1\nc\n", "top\na\nb\nc\n", "top\na\nB2x\nc\n"}));
}

TEST_F(MaterializeTest, EditsMakingTheSidesAgreeResolve) {
  Merge<TreeId> root = Three(kBase, kSide1, kSide2);
  Spec w = Read(Mat(root, ConflictStyle::kSnapshot).tree);
  w["f"] = "f:" + Replace(w["f"].substr(2), "B2\n", "B1\n");
  Merge<TreeId> r = Record(root, w);
  ASSERT_TRUE(r.is_resolved());
  EXPECT_EQ(Read(r.terms()[0])["f"], "f:a\nB1\nc\n");
}

TEST_F(MaterializeTest, BinaryConflictWritesSidesAndNote) {
  Merge<TreeId> root = Three({{"f", std::string("f:\0b", 4)}}, {{"f", std::string("f:\0one", 6)}},
                             {{"f", std::string("f:\0two", 6)}});
  ASSERT_FALSE(root.is_resolved());
  MaterializedTree m = Mat(root);
  ASSERT_EQ(m.conflicts.size(), 1u);
  const MaterializedConflict& c = m.conflicts[0];
  EXPECT_EQ(c.kind, MaterializedConflict::Kind::kSides);
  ASSERT_TRUE(c.note_file);
  EXPECT_EQ(c.note_file->str(), "f.jvs-conflict");
  ASSERT_EQ(c.side_files.size(), 1u);
  EXPECT_EQ(c.side_files[0]->str(), "f.jvs-side-2");
  Spec w = Read(m.tree);
  EXPECT_EQ(w.size(), 3u);
  EXPECT_EQ(w["f"], std::string("f:\0one", 6));
  EXPECT_EQ(w["f.jvs-side-2"], std::string("f:\0two", 6));
  EXPECT_NE(w["f.jvs-conflict"].find("side #2"), std::string::npos) << w["f.jvs-conflict"];
  EXPECT_NE(w["f.jvs-conflict"].find("delete this file once the path holds the resolution"),
            std::string::npos);
  EXPECT_EQ(Record(root, m.tree), root);

  // A side file edited while the note exists: that side changes.
  Spec edited = w;
  edited["f.jvs-side-2"] = std::string("f:\0three", 8);
  Merge<TreeId> r = Record(root, edited);
  EXPECT_EQ(TermsAt(r, "f"), (std::vector<std::string>{std::string("\0one", 4), std::string("\0b", 2),
                                                       std::string("\0three", 6)}));
  EXPECT_EQ(TermsAt(r, "f.jvs-side-2"), std::vector<std::string>(3, "-"));

  // The note deleted: resolved to the path's content, the side file kept.
  w.erase("f.jvs-conflict");
  r = Record(root, w);
  ASSERT_TRUE(r.is_resolved());
  EXPECT_EQ(Read(r.terms()[0]), (Spec{{"f", std::string("f:\0one", 6)},
                                      {"f.jvs-side-2", std::string("f:\0two", 6)}}));
}

TEST_F(MaterializeTest, ModifyDeleteHasNoSideFileForTheAbsentSide) {
  Merge<TreeId> root = Three({{"f", "f:1\n"}, {"k", "f:k"}}, {{"f", "f:2\n"}, {"k", "f:k"}},
                             {{"k", "f:k"}});
  MaterializedTree m = Mat(root);
  ASSERT_EQ(m.conflicts.size(), 1u);
  EXPECT_EQ(m.conflicts[0].kind, MaterializedConflict::Kind::kSides);
  ASSERT_EQ(m.conflicts[0].side_files.size(), 1u);
  EXPECT_FALSE(m.conflicts[0].side_files[0]);
  Spec w = Read(m.tree);
  EXPECT_EQ(w.size(), 3u);
  EXPECT_EQ(w["f"], "f:2\n");
  EXPECT_TRUE(w.count("f.jvs-conflict"));
  EXPECT_EQ(Record(root, m.tree), root);
}

TEST_F(MaterializeTest, DeleteModifyLeavesThePathEmpty) {
  Merge<TreeId> root = Three({{"d/f", "f:1\n"}, {"k", "f:k"}}, {{"k", "f:k"}},
                             {{"d/f", "f:2\n"}, {"k", "f:k"}});
  MaterializedTree m = Mat(root);
  ASSERT_EQ(m.conflicts.size(), 1u);
  Spec w = Read(m.tree);
  EXPECT_EQ(w.size(), 3u);
  EXPECT_FALSE(w.count("d/f"));
  EXPECT_EQ(w["d/f.jvs-side-2"], "f:2\n");
  EXPECT_TRUE(w.count("d/f.jvs-conflict"));
  // Side 1 has no directory d: recorded back without one.
  EXPECT_EQ(Record(root, m.tree), root);
  // The note deleted: resolved; the side file stays an ordinary file.
  w.erase("d/f.jvs-conflict");
  Merge<TreeId> r = Record(root, w);
  ASSERT_TRUE(r.is_resolved());
  EXPECT_EQ(Read(r.terms()[0]), (Spec{{"d/f.jvs-side-2", "f:2\n"}, {"k", "f:k"}}));
}

TEST_F(MaterializeTest, FileVersusDirectory) {
  Merge<TreeId> root = Three({}, {{"p", "f:file\n"}}, {{"p/x", "f:x\n"}, {"p/y/z", "l:t"}});
  MaterializedTree m = Mat(root);
  ASSERT_EQ(m.conflicts.size(), 1u);
  EXPECT_EQ(Read(m.tree), (Spec{{"p", "f:file\n"},
                                {"p.jvs-side-2/x", "f:x\n"},
                                {"p.jvs-side-2/y/z", "l:t"},
                                {"p.jvs-conflict", Read(m.tree)["p.jvs-conflict"]}}));
  EXPECT_NE(Read(m.tree)["p.jvs-conflict"].find("side #2: directory"), std::string::npos);
  EXPECT_EQ(Record(root, m.tree), root);
}

TEST_F(MaterializeTest, AddAddIsWrittenAsSides) {
  Merge<TreeId> root = Three({}, {{"f", "f:1\n"}}, {{"f", "f:2\n"}});
  MaterializedTree m = Mat(root);
  ASSERT_EQ(m.conflicts.size(), 1u);
  EXPECT_EQ(m.conflicts[0].kind, MaterializedConflict::Kind::kSides);
  Spec w = Read(m.tree);
  EXPECT_EQ(w["f"], "f:1\n");
  EXPECT_EQ(w["f.jvs-side-2"], "f:2\n");
  EXPECT_EQ(Record(root, m.tree), root);
}

TEST_F(MaterializeTest, TakenNamesGetASuffix) {
  Spec extra = {{"f.jvs-side-2", "f:mine"}, {"f.jvs-conflict~2", "f:also"}};
  Spec base = extra, a = extra, b = extra;
  base["f"] = "l:0";
  a["f"] = "l:1";
  b["f"] = "l:2";
  b["f.jvs-conflict"] = "f:theirs";
  a["f.jvs-conflict"] = "f:theirs";
  base["f.jvs-conflict"] = "f:theirs";
  Merge<TreeId> root = Three(base, a, b);
  MaterializedTree m = Mat(root);
  ASSERT_EQ(m.conflicts.size(), 1u);
  EXPECT_EQ(m.conflicts[0].note_file->str(), "f.jvs-conflict~3");
  EXPECT_EQ(m.conflicts[0].side_files[0]->str(), "f.jvs-side-2~2");
  Spec w = Read(m.tree);
  EXPECT_EQ(w["f.jvs-side-2"], "f:mine");
  EXPECT_EQ(w["f.jvs-side-2~2"], "l:2");
  EXPECT_EQ(w["f"], "l:1");
  EXPECT_EQ(Record(root, m.tree), root);
}

TEST_F(MaterializeTest, LongNamesKeepSideAndNoteNamesWithinNameMax) {
  // Two 250-byte names (the second ends in a 2-byte UTF-8 character where the
  // cut falls) conflict; their helper names must fit in 255 bytes, stay
  // distinct, and be planned the same way when read back.
  const std::string a = std::string(250, 'n');
  const std::string b = std::string(233, 'n') + "\xc3\xa9" + std::string(15, 'x');
  Spec base = {{a, std::string("f:\0b", 4)}, {b, std::string("f:\0b", 4)}};
  Spec one = {{a, std::string("f:\0one", 6)}, {b, std::string("f:\0one", 6)}};
  Spec two = {{a, std::string("f:\0two", 6)}, {b, std::string("f:\0two", 6)}};
  Merge<TreeId> root = Three(base, one, two);
  MaterializedTree m = Mat(root);
  ASSERT_EQ(m.conflicts.size(), 2u);
  std::set<std::string> names;
  for (const MaterializedConflict& c : m.conflicts) {
    ASSERT_TRUE(c.note_file);
    ASSERT_EQ(c.side_files.size(), 1u);
    for (std::string n : {std::string(c.note_file->name()), std::string(c.side_files[0]->name())}) {
      EXPECT_LE(n.size(), 255u) << n;
      EXPECT_TRUE(n.find(".jvs-") != std::string::npos) << n;
      // Never a cut UTF-8 sequence: every 0xC3 is followed by its continuation byte.
      size_t p = n.find('\xc3');
      if (p != std::string::npos) {
        EXPECT_EQ(n[p + 1], '\xa9') << n;
      }
      EXPECT_TRUE(names.insert(n).second) << "two helper files share " << n;
    }
  }
  Spec w = Read(m.tree);
  EXPECT_EQ(w.size(), 6u);
  EXPECT_EQ(Record(root, m.tree), root);
  // Deleting one note resolves that conflict only.
  w.erase(std::string(m.conflicts[0].note_file->name()));
  Merge<TreeId> r = Record(root, w);
  EXPECT_FALSE(r.is_resolved());
}

TEST_F(MaterializeTest, ThreeSidedTextConflict) {
  Merge<TreeId> root = Merged({{{"f", "f:a\nS1\nc\n"}}, {{"f", "f:a\nb\nc\n"}},
                               {{"f", "f:a\nS2\nc\n"}}, {{"f", "f:a\nb\nc\n"}},
                               {{"f", "f:a\nS3\nc\n"}}});
  ASSERT_EQ(root.terms().size(), 5u);
  MaterializedTree m = Mat(root);
  ASSERT_EQ(m.conflicts.size(), 1u);
  EXPECT_EQ(m.conflicts[0].kind, MaterializedConflict::Kind::kText);
  EXPECT_EQ(m.conflicts[0].num_sides, 3u);
  std::string text = Read(m.tree)["f"];
  EXPECT_NE(text.find("S3"), std::string::npos);
  EXPECT_EQ(Record(root, m.tree), root);
  Merge<TreeId> r = Record(root, {{"f", "f:a\nS\nc\n"}});
  ASSERT_TRUE(r.is_resolved());
}

TEST_F(MaterializeTest, NestedConflictsAndEditsElsewhere) {
  Spec base = {{"d/e/f", "f:a\nb\n"}, {"x/y", std::string("f:\0", 3)}, {"z", "f:z"}};
  Spec a = base, b = base;
  a["d/e/f"] = "f:a\nb1\n";
  b["d/e/f"] = "f:a\nb2\n";
  a["x/y"] = std::string("f:\0a", 4);
  b["x/y"] = std::string("f:\0b", 4);
  Merge<TreeId> root = Three(base, a, b);
  MaterializedTree m = Mat(root);
  ASSERT_EQ(m.conflicts.size(), 2u);
  EXPECT_EQ(m.conflicts[0].path.str(), "d/e/f");
  EXPECT_EQ(m.conflicts[1].path.str(), "x/y");
  Spec w = Read(m.tree);
  EXPECT_TRUE(w.count("x/y.jvs-side-2"));
  EXPECT_EQ(Record(root, m.tree), root);
  // Edits beside the conflicts are recorded in every term.
  w["z"] = "f:changed";
  w["new/file"] = "f:new";
  Merge<TreeId> r = Record(root, w);
  ASSERT_FALSE(r.is_resolved());
  EXPECT_EQ(ConflictPaths(r), (std::vector<std::string>{"d/e/f", "x/y"}));
  EXPECT_EQ(TermsAt(r, "z"), std::vector<std::string>(3, "changed"));
  EXPECT_EQ(TermsAt(r, "new/file"), std::vector<std::string>(3, "new"));
  EXPECT_EQ(TermsAt(r, "x/y.jvs-side-2"), std::vector<std::string>(3, "-"));
}

TEST_F(MaterializeTest, CrlfAndMissingFinalNewlineRoundTrip) {
  Merge<TreeId> root =
      Three({{"f", "f:a\r\nb"}}, {{"f", "f:a\r\nb1"}}, {{"f", "f:a\r\nb2"}});
  for (ConflictStyle style : {ConflictStyle::kDiff, ConflictStyle::kSnapshot, ConflictStyle::kGit}) {
    MaterializedTree m = Mat(root, style);
    ASSERT_EQ(m.conflicts.size(), 1u);
    EXPECT_EQ(m.conflicts[0].kind, MaterializedConflict::Kind::kText);
    EXPECT_EQ(Record(root, m.tree), root);
    Spec w = Read(m.tree);
    w["f"] = "f:top\r\n" + w["f"].substr(2);
    Merge<TreeId> r = Record(root, w);
    EXPECT_EQ(TermsAt(r, "f"), (std::vector<std::string>{"top\r\na\r\nb1", "top\r\na\r\nb", "top\r\na\r\nb2"}))
        << ConflictStyleName(style);
  }
}

TEST_F(MaterializeTest, DeletedTextFileResolvesToAbsent) {
  Merge<TreeId> root = Three(kBase, kSide1, kSide2);
  Merge<TreeId> r = Record(root, {{"g", "f:same\n"}});
  ASSERT_TRUE(r.is_resolved());
  EXPECT_EQ(Read(r.terms()[0]), (Spec{{"g", "f:same\n"}}));
}

TEST_F(MaterializeTest, OneOfTwoConflictsResolvedInTheFile) {
  Merge<TreeId> root = Three({{"f", "f:a\nb\nc\nd\ne\n"}}, {{"f", "f:a\nB1\nc\nD1\ne\n"}},
                             {{"f", "f:a\nB2\nc\nD2\ne\n"}});
  MaterializedTree m = Mat(root, ConflictStyle::kGit);
  ASSERT_EQ(m.conflicts.size(), 1u);
  EXPECT_EQ(m.conflicts[0].num_hunks, 2u);
  std::string text = Read(m.tree)["f"].substr(2);
  // The first conflict replaced by its resolution.
  size_t start = text.find("<<<<<<<"), end = text.find(">>>>>>>");
  end = text.find('\n', end) + 1;
  text.replace(start, end - start, "B\n");
  Merge<TreeId> r = Record(root, {{"f", "f:" + text}});
  EXPECT_EQ(TermsAt(r, "f"), (std::vector<std::string>{"a\nB\nc\nD1\ne\n", "a\nB\nc\nd\ne\n",
                                                       "a\nB\nc\nD2\ne\n"}));
}

TEST_F(MaterializeTest, ContentLikeMarkersGetLongerMarkers) {
  Merge<TreeId> root = Three({{"f", "f:=======\nb\n<<<<<<<\n"}},
                             {{"f", "f:=======\nb1\n<<<<<<<\n"}},
                             {{"f", "f:=======\nb2\n<<<<<<<\n"}});
  MaterializedTree m = Mat(root);
  ASSERT_EQ(m.conflicts.size(), 1u);
  EXPECT_EQ(m.conflicts[0].marker_len, 9u);
  EXPECT_EQ(Record(root, m.tree), root);
  Spec w = Read(m.tree);
  w["f"] = Replace(w["f"], "f:=======\n", "f:=======\nnew\n");
  EXPECT_EQ(TermsAt(Record(root, w), "f"),
            (std::vector<std::string>{"=======\nnew\nb1\n<<<<<<<\n", "=======\nnew\nb\n<<<<<<<\n",
                                      "=======\nnew\nb2\n<<<<<<<\n"}));
}

// At the path, side 1 of the root cancels against a base: the path's side 1
// is the root's second add.
TEST_F(MaterializeTest, SidesCountedAfterCancellation) {
  Spec x = {{"p", std::string("f:\0x", 4)}, {"t", "f:x\n"}};
  Spec y = {{"p", std::string("f:\0y", 4)}, {"t", "f:y\n"}};
  Spec z = {{"p", std::string("f:\0z", 4)}, {"t", "f:z\n"}};
  Spec w = {{"p", std::string("f:\0w", 4)}, {"t", "f:w\n"}};
  // The root keeps 5 terms: its first add differs from the fourth term at `o`.
  Spec x_o = x, y_o = y;
  x_o["o"] = "f:o";
  y_o["o"] = "f:base";
  std::vector<TreeId> ids{Build(x_o), Build(y_o), Build(z), Build(x), Build(w)};
  Merge<TreeId> root = Merge<TreeId>::FromTerms(ids);
  MaterializedTree m = Mat(root);
  ASSERT_EQ(m.conflicts.size(), 3u);  // o (modify/delete), p, t
  EXPECT_EQ(m.conflicts[1].path.str(), "p");
  EXPECT_EQ(m.conflicts[1].num_sides, 2u);
  EXPECT_EQ(m.conflicts[2].kind, MaterializedConflict::Kind::kText);
  EXPECT_EQ(m.conflicts[2].num_sides, 2u);
  Spec files = Read(m.tree);
  EXPECT_EQ(files["p"], std::string("f:\0z", 4));
  EXPECT_EQ(files["p.jvs-side-2"], std::string("f:\0w", 4));
  EXPECT_EQ(Record(root, m.tree), root);
  // Resolving p and t leaves the root's other conflict.
  files["p"] = "f:P";
  files.erase("p.jvs-conflict");
  files.erase("p.jvs-side-2");
  files["t"] = "f:T\n";
  Merge<TreeId> r = Record(root, Build(files));
  EXPECT_EQ(ConflictPaths(r), std::vector<std::string>{"o"});
  EXPECT_EQ(TermsAt(r, "p"), std::vector<std::string>(r.terms().size(), "P"));
}

// `tree` with the permission bits of its entry `name` set to `mode`.
TreeId WithMode(Store& store, const TreeId& tree, const std::string& name, uint32_t mode) {
  Tree t = **store.ReadTree(tree);
  for (auto& e : t.entries)
    if (e.name == name) e.mode = TreeEntry::CanonicalMode(e.kind, mode);
  return *store.WriteTree(t);
}

TEST_F(MaterializeTest, DirectoryModeConflictHasANoteOnly) {
  TreeId base = Build({{"d/f", "f:a\nb\n"}});
  TreeId a = WithMode(*store_, Build({{"d/f", "f:a\nb1\n"}}), "d", 0700);
  TreeId b = WithMode(*store_, Build({{"d/f", "f:a\nb2\n"}}), "d", 0750);
  auto merged = MergeTrees(*store_, Merge<TreeId>::ThreeWay(base, a, b), TextContentMerger(*store_));
  ASSERT_TRUE(merged.ok());
  Merge<TreeId> root = *merged;
  ASSERT_EQ(ConflictPaths(root), (std::vector<std::string>{"d", "d/f"}));
  MaterializedTree m = Mat(root);
  ASSERT_EQ(m.conflicts.size(), 2u);
  EXPECT_EQ(m.conflicts[0].kind, MaterializedConflict::Kind::kSides);
  EXPECT_EQ(m.conflicts[0].note_file->str(), "d.jvs-conflict");
  EXPECT_TRUE(m.conflicts[0].side_files.empty());
  EXPECT_EQ(m.conflicts[1].kind, MaterializedConflict::Kind::kText);
  auto d = PathValueAt(*store_, Merge<TreeId>(m.tree), *RepoPath::Parse("d"));
  ASSERT_TRUE(d.ok() && d->terms()[0]);
  EXPECT_EQ(d->terms()[0]->EffectiveMode(), 0700u);
  EXPECT_EQ(Record(root, m.tree), root);

  // Side 1's bits changed to side 2's: resolved, the note dropped.
  Spec files = Read(m.tree);
  TreeId w = WithMode(*store_, Build(files), "d", 0750);
  Merge<TreeId> r = Record(root, w);
  EXPECT_EQ(ConflictPaths(r), std::vector<std::string>{"d/f"});
  auto after = PathValueAt(*store_, r, *RepoPath::Parse("d"));
  ASSERT_TRUE(after.ok());
  for (const auto& v : after->terms()) EXPECT_EQ(v->EffectiveMode(), 0750u);
  EXPECT_EQ(TermsAt(r, "d.jvs-conflict"), std::vector<std::string>(3, "-"));

  // The note deleted: the directory's bits as the working copy holds them.
  files.erase("d.jvs-conflict");
  r = Record(root, WithMode(*store_, Build(files), "d", 0700));
  EXPECT_EQ(ConflictPaths(r), std::vector<std::string>{"d/f"});
}

// Side 1 deleted a directory whose bits side 2 changed, and side 2 changed a
// file in it: the file's conflict still gets its helper files.
TEST_F(MaterializeTest, DeletedDirectoryWithBitsAndFileChanged) {
  TreeId base = Build({{"d/f", std::string("f:\0", 3)}, {"k", "f:k"}});
  TreeId a = Build({{"k", "f:k"}});
  TreeId b = WithMode(*store_, Build({{"d/f", std::string("f:\0two", 6)}, {"k", "f:k"}}), "d", 0700);
  auto merged = MergeTrees(*store_, Merge<TreeId>::ThreeWay(base, a, b), TextContentMerger(*store_));
  ASSERT_TRUE(merged.ok());
  Merge<TreeId> root = *merged;
  ASSERT_EQ(ConflictPaths(root), (std::vector<std::string>{"d", "d/f"}));
  MaterializedTree m = Mat(root);
  Spec w = Read(m.tree);
  EXPECT_EQ(w["d/f.jvs-side-2"], std::string("f:\0two", 6));
  EXPECT_TRUE(w.count("d/f.jvs-conflict"));
  EXPECT_TRUE(w.count("d.jvs-conflict"));
  // The file's conflict survives the round trip.
  Merge<TreeId> r = Record(root, m.tree);
  EXPECT_EQ(TermsAt(r, "d/f"), (std::vector<std::string>{"-", std::string("\0", 1),
                                                         std::string("\0two", 4)}));
}

// Cost follows the conflicts: a subtree that no conflict touches is never
// read (here it is not even in the store).
TEST_F(MaterializeTest, UntouchedSubtreesAreNotRead) {
  const Digest missing = Sha256Of("a tree nobody stored");
  auto with_missing = [&](const Spec& spec) {
    Tree t = **store_->ReadTree(Build(spec));
    t.entries.push_back({"zz", EntryKind::kTree, missing, 5, {}});
    return *store_->WriteTree(t);
  };
  Merge<TreeId> root = Merge<TreeId>::ThreeWay(with_missing(kBase), with_missing(kSide1),
                                               with_missing(kSide2));
  auto m = MaterializeTree(*store_, root, ConflictStyle::kDiff);
  ASSERT_TRUE(m.ok()) << m.error().message();
  ASSERT_EQ(m->conflicts.size(), 1u);
  auto r = RecordWorkingTree(*store_, root, m->tree);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(*r, root);
}

TEST_F(MaterializeTest, TextContentMerger) {
  ContentMerger merge = TextContentMerger(*store_);
  auto blob = [&](std::string s) { return std::optional<BlobId>(*store_->WriteBlob(s)); };
  RepoPath p = *RepoPath::Parse("f");
  auto clean = merge(p, Merge<std::optional<BlobId>>::ThreeWay(blob("a\nb\nc\n"), blob("A\nb\nc\n"),
                                                               blob("a\nb\nC\n")));
  ASSERT_TRUE(clean.ok());
  ASSERT_TRUE(*clean);
  EXPECT_EQ(*store_->ReadBlob(**clean), "A\nb\nC\n");
  auto conflict = merge(p, Merge<std::optional<BlobId>>::ThreeWay(blob("b\n"), blob("1\n"), blob("2\n")));
  ASSERT_TRUE(conflict.ok());
  EXPECT_FALSE(*conflict);
  auto binary = merge(p, Merge<std::optional<BlobId>>::ThreeWay(
                             blob(std::string("\0a\nb\nc\n", 8)), blob(std::string("\0A\nb\nc\n", 8)),
                             blob(std::string("\0a\nb\nC\n", 8))));
  ASSERT_TRUE(binary.ok());
  EXPECT_FALSE(*binary);
  auto absent = merge(p, Merge<std::optional<BlobId>>::ThreeWay(std::nullopt, blob("a\n"), blob("a\nb\n")));
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(*absent);
}

TEST_F(MaterializeTest, LooksBinary) {
  EXPECT_FALSE(LooksBinary("text\n"));
  EXPECT_TRUE(LooksBinary(std::string("a\0b", 3)));
  EXPECT_FALSE(LooksBinary(std::string(8000, 'a') + std::string(1, '\0')));
}

}  // namespace
}  // namespace jvs
