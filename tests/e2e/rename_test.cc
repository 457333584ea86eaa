// Rename detection as a user meets it (issue 19): a moved file is one
// rename in status, diff (text, --stat, --name-status, -z, JSON) and show; a
// moved and edited text file is a rename with its similarity and its hunks;
// --no-renames shows removed and added again.
#include <string>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::Contains;

class RenameTest : public RepoTest {};

std::string Lines(int n, const std::string& prefix) {
  std::string s;
  for (int i = 0; i < n; ++i) s += prefix + std::to_string(i) + "\n";
  return s;
}

TEST_F(RenameTest, AMovedFileIsOneRenameEverywhere) {
  Write("data/train.csv", Lines(50, "row "));
  Write("model.bin", std::string("\0\1weights", 9) + std::string(4096, 'w'));
  Write("keep.txt", "k\n");
  Snap("base");
  fs::rename(Ws() / "data" / "train.csv", Ws() / "data" / "train-v1.csv");
  fs::create_directories(Ws() / "models");
  fs::rename(Ws() / "model.bin", Ws() / "models" / "model.bin");

  RunResult st = Run({"status"});
  ASSERT_OK(st);
  EXPECT_TRUE(Contains(st.out, "  R data/train.csv -> data/train-v1.csv\n")) << st.out;
  EXPECT_TRUE(Contains(st.out, "  R model.bin -> models/model.bin\n")) << st.out;
  EXPECT_FALSE(Contains(st.out, "  A ")) << st.out;
  EXPECT_FALSE(Contains(st.out, "  D ")) << st.out;

  RunResult z = Run({"status", "-z"});
  ASSERT_OK(z);
  using namespace std::string_literals;
  EXPECT_EQ(z.out, "R data/train-v1.csv\0data/train.csv\0R models/model.bin\0model.bin\0"s);

  json j = RunJson({"status"});
  ASSERT_EQ(j["renamed"].size(), 2u) << j.dump();
  EXPECT_EQ(j["renamed"][0]["path"], "data/train-v1.csv");
  EXPECT_EQ(j["renamed"][0]["old_path"], "data/train.csv");
  EXPECT_EQ(j["renamed"][0]["similarity"], 100);
  EXPECT_EQ(j["total_added"], 0);
  EXPECT_EQ(j["total_removed"], 0);

  RunResult ns = Run({"diff", "--name-status"});
  ASSERT_OK(ns);
  EXPECT_EQ(ns.out, "R\tdata/train.csv\tdata/train-v1.csv\nR\tmodel.bin\tmodels/model.bin\n");
  RunResult stat = Run({"diff", "--stat"});
  ASSERT_OK(stat);
  EXPECT_TRUE(Contains(stat.out, "data/train.csv => data/train-v1.csv | 0")) << stat.out;
  RunResult d = Run({"diff"});
  ASSERT_OK(d);
  EXPECT_TRUE(Contains(d.out, "similarity index 100%\nrename from data/train.csv\nrename to data/train-v1.csv\n"))
      << d.out;
  EXPECT_FALSE(Contains(d.out, "@@")) << d.out;

  // Snapshotted: show says the same.
  Snap("moved");
  RunResult sh = Run({"show", "--stat"});
  ASSERT_OK(sh);
  EXPECT_TRUE(Contains(sh.out, "data/train.csv => data/train-v1.csv")) << sh.out;
  json sj = RunJson({"show"});
  EXPECT_EQ(sj["changes"]["total_renamed"], 2) << sj.dump();

  // --no-renames: removed and added, as before.
  RunResult nr = Run({"diff", "-r", "@", "--name-status", "--no-renames"});
  ASSERT_OK(nr);
  EXPECT_EQ(nr.out, "A\tdata/train-v1.csv\nD\tdata/train.csv\nD\tmodel.bin\nA\tmodels/model.bin\n");
  json nj = RunJson({"show", "--no-renames"});
  EXPECT_EQ(nj["changes"]["total_renamed"], 0);
  EXPECT_EQ(nj["changes"]["total_added"], 2);
}

TEST_F(RenameTest, AMovedAndEditedTextFileShowsItsSimilarityAndHunks) {
  Write("notes.md", Lines(20, "line "));
  Write("other.txt", "unrelated\n");
  Snap("base");
  fs::remove(Ws() / "notes.md");
  Write("docs/notes.md", Lines(20, "line ") + "one more line\n");
  fs::remove(Ws() / "other.txt");
  Write("totally-new.txt", "nothing in common\n");

  RunResult st = Run({"status"});
  ASSERT_OK(st);
  EXPECT_TRUE(Contains(st.out, "  R notes.md -> docs/notes.md (95% similar)\n")) << st.out;
  EXPECT_TRUE(Contains(st.out, "  D other.txt\n")) << st.out;
  EXPECT_TRUE(Contains(st.out, "  A totally-new.txt\n")) << st.out;

  RunResult d = Run({"diff"});
  ASSERT_OK(d);
  EXPECT_TRUE(Contains(d.out, "diff --jvs a/notes.md b/docs/notes.md\nsimilarity index 95%\n")) << d.out;
  EXPECT_TRUE(Contains(d.out, "--- a/notes.md\n+++ b/docs/notes.md\n")) << d.out;
  EXPECT_TRUE(Contains(d.out, "+one more line\n")) << d.out;
}

}  // namespace
}  // namespace jvs::e2e
