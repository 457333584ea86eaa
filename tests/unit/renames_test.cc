// Unit tests of rename detection (jvs/merge/renames.h): exact renames by id,
// the same file name preferred among equal contents, similar text files
// above the threshold only, kinds, empty files and directories never paired,
// the pair limit, and TextSimilarity.
#include "jvs/merge/renames.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "jvs/base/hash.h"

namespace jvs {
namespace {

RepoPath P(std::string_view s) { return *RepoPath::Parse(s); }

TreeEntry Entry(const std::string& content, EntryKind kind = EntryKind::kFile) {
  TreeEntry e;
  e.name = "x";
  e.kind = kind;
  e.id = Sha256Of(content);
  e.size = content.size();
  return e;
}

class RenamesTest : public ::testing::Test {
 protected:
  std::map<std::string, std::string> old_, new_;  // path -> content
  std::vector<TreeChange> changes_;
  int reads_ = 0;

  void Removed(const std::string& p, const std::string& c, EntryKind k = EntryKind::kFile) {
    old_[p] = c;
    changes_.push_back({P(p), Entry(c, k), std::nullopt});
  }
  void Added(const std::string& p, const std::string& c, EntryKind k = EntryKind::kFile) {
    new_[p] = c;
    changes_.push_back({P(p), std::nullopt, Entry(c, k)});
  }
  std::vector<TreeChange> Detect(RenameOptions o = {}) {
    std::sort(changes_.begin(), changes_.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return DetectRenames(changes_,
                         [this](const RepoPath& p, const TreeEntry&, bool new_side) -> std::optional<std::string> {
                           ++reads_;
                           return new_side ? new_.at(p.str()) : old_.at(p.str());
                         },
                         o);
  }
  static std::vector<std::string> Show(const std::vector<TreeChange>& cs) {
    std::vector<std::string> out;
    for (const auto& c : cs)
      out.push_back(c.renamed() ? c.old_path->str() + " -> " + c.path.str() + " " + std::to_string(c.similarity)
                                : c.path.str() + (c.added() ? " +" : c.removed() ? " -" : " ~"));
    return out;
  }
};

using V = std::vector<std::string>;

TEST_F(RenamesTest, ExactRenamesPairByContentWithoutReading) {
  Removed("a/data.csv", "1,2\n3,4\n");
  Added("b/data.csv", "1,2\n3,4\n");
  Added("c.txt", "new\n");
  Removed("d.txt", "gone\n");
  EXPECT_EQ(Show(Detect({.similar = false})), (V{"a/data.csv -> b/data.csv 100", "c.txt +", "d.txt -"}));
  EXPECT_EQ(reads_, 0);
}

TEST_F(RenamesTest, TheSameFileNameWinsAmongEqualContents) {
  Removed("x/one.txt", "same\n");
  Removed("x/two.txt", "same\n");
  Added("y/two.txt", "same\n");
  Added("y/zzz.txt", "same\n");
  EXPECT_EQ(Show(Detect()), (V{"x/two.txt -> y/two.txt 100", "x/one.txt -> y/zzz.txt 100"}));
}

TEST_F(RenamesTest, SimilarTextFilesAboveTheThresholdOnly) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "line " + std::to_string(i) + "\n";
  Removed("old.py", text);
  Added("new.py", text + "one more\n");
  Removed("far.txt", "a\nb\nc\nd\n");
  Added("other.txt", "w\nx\ny\nd\n");
  EXPECT_EQ(Show(Detect()), (V{"far.txt -", "old.py -> new.py 95", "other.txt +"}));
  EXPECT_EQ(Show(Detect({.similar = false})), (V{"far.txt -", "new.py +", "old.py -", "other.txt +"}));
}

TEST_F(RenamesTest, KindsEmptyFilesAndDirectoriesAreNeverPaired) {
  Removed("link", "target", EntryKind::kSymlink);
  Added("file", "target");
  Removed("empty1", "");
  Added("empty2", "");
  Removed("bin1", std::string("\0\1\2", 3) + "abc");
  Added("bin2", std::string("\0\1\2", 3) + "abd");
  EXPECT_EQ(Show(Detect()), (V{"bin1 -", "bin2 +", "empty1 -", "empty2 +", "file +", "link -"}));
}

TEST_F(RenamesTest, InexactMatchingStopsAtThePairLimit) {
  Removed("a.txt", "1\n2\n3\n4\n");
  Added("b.txt", "1\n2\n3\n5\n");
  EXPECT_EQ(Show(Detect({.max_pairs = 0})), (V{"a.txt -", "b.txt +"}));
  EXPECT_EQ(reads_, 0);
  EXPECT_EQ(Show(Detect()), (V{"a.txt -> b.txt 75"}));
}

TEST(TextSimilarityTest, LinesKeptOverTheLargerSide) {
  EXPECT_EQ(TextSimilarity("a\nb\n", "a\nb\n"), 100);
  EXPECT_EQ(TextSimilarity("a\nb\nc\nd\n", "a\nb\n"), 50);
  EXPECT_EQ(TextSimilarity("a\n", "b\n"), 0);
  EXPECT_EQ(TextSimilarity("", ""), 100);
}

}  // namespace
}  // namespace jvs
