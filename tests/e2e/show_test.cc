// Reading history (issue 19): jvs cat gives the exact bytes of every file of
// a randomized tree (binary, empty, large, odd names) as a snapshot holds it,
// symlinks as their target; jvs file list lists exactly the files; jvs show
// prints the descriptor with the whole note and what the snapshot changed;
// bad input is refused with a hint.
#include <random>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::Contains;

class ShowTest : public RepoTest {};

TEST_F(ShowTest, CatGivesTheExactBytesOfEveryFileAndFileListListsThem) {
  std::mt19937 rng(7);
  std::map<std::string, std::string> files;
  const std::vector<std::string> names = {"a.txt", "d/b.bin", "d/e/c", "sp ace.txt", "ünï.txt", "empty", "big.bin"};
  for (const auto& n : names) {
    std::string content;
    size_t len = n == "empty" ? 0 : n == "big.bin" ? 3 * 1024 * 1024 + 17 : rng() % 4000;
    content.resize(len);
    for (auto& ch : content) ch = static_cast<char>(rng() & 0xff);
    files[n] = content;
    Write(n, content);
  }
  const std::string first = Snap("random");
  for (const auto& [n, content] : files) {
    RunResult r = Run({"cat", first, n});
    ASSERT_OK(r);
    EXPECT_TRUE(r.out == content) << n << ": " << r.out.size() << " bytes vs " << content.size();
  }
  // Changed later: the old snapshot still gives the old bytes.
  Write("a.txt", "new\n");
  Snap("changed");
  EXPECT_TRUE(Run({"cat", first, "a.txt"}).out == files["a.txt"]);
  EXPECT_EQ(Run({"cat", "@", "a.txt"}).out, "new\n");
  // From a subfolder, paths are relative to it.
  EXPECT_TRUE(Jvs(Ws() / "d", {"cat", first, "b.bin"}).out == files["d/b.bin"]);
  // A symlink's content is its target.
  fs::create_symlink("d/b.bin", Ws() / "ln");
  const std::string withlink = Snap("link");
  EXPECT_EQ(Run({"cat", withlink, "ln"}).out, "d/b.bin");
  json cj = RunJson({"cat", withlink, "ln"});
  EXPECT_EQ(cj["type"], "symlink");
  EXPECT_EQ(cj["target"], "d/b.bin");

  json list = RunJson({"file", "list", first});
  std::vector<std::string> paths;
  for (const auto& f : list["files"]) paths.push_back(f["path"].get<std::string>());
  std::vector<std::string> expected;
  for (const auto& [n, c] : files) expected.push_back(n);
  std::sort(expected.begin(), expected.end());
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, expected);
  RunResult below = Run({"file", "list", first, "--", "d"});
  ASSERT_OK(below);
  EXPECT_EQ(below.out, "d/b.bin\nd/e/c\n");
  RunResult z = Run({"file", "ls", "-z", first, "--", "d"});
  EXPECT_EQ(z.out, std::string("d/b.bin\0d/e/c\0", 14));

  ExpectError(Ws(), {"cat", first, "nosuch.txt"}, 1, "not in snapshot");
  ExpectError(Ws(), {"cat", first, "d"}, 2, "is a folder");
  ExpectError(Ws(), {"cat", first}, 2, "PATH");
  ExpectError(Ws(), {"cat", "nosuchref", "a.txt"}, 1, "unknown reference");
  ExpectError(Ws(), {"cat", first, "../outside"}, 2);
}

TEST_F(ShowTest, ShowPrintsTheDescriptorTheWholeNoteAndTheChanges) {
  Write("a.txt", "one\n");
  Snap("first");
  Write("a.txt", "two\n");
  Write("b.txt", "b\n");
  const std::string id = Snap("second line one\nline two of the note\n\x1b[31mred", {"v2"});
  RunResult r = Run({"show"});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.out, id)) << r.out;
  EXPECT_TRUE(Contains(r.out, "line two of the note")) << r.out;
  EXPECT_FALSE(Contains(r.out, "\x1b[31m")) << "control characters are escaped";
  EXPECT_TRUE(Contains(r.out, "v2")) << r.out;
  EXPECT_TRUE(Contains(r.out, "-one")) << r.out;
  EXPECT_TRUE(Contains(r.out, "+two")) << r.out;
  EXPECT_TRUE(Contains(r.out, "b.txt")) << r.out;
  RunResult st = Run({"show", "v2", "--stat"});
  EXPECT_TRUE(Contains(st.out, "2 files changed")) << st.out;
  json j = RunJson({"show", id});
  EXPECT_EQ(j["snapshot_id"], id);
  EXPECT_EQ(j["changes"]["total_added"], 1);
  EXPECT_EQ(j["changes"]["total_modified"], 1);
  ExpectError(Ws(), {"show", "nosuchref"}, 1, "unknown reference");
}

// A revset names the snapshot wherever a REF is taken, when it names exactly
// one; several are listed, none is said; a mistyped plain reference keeps its
// own message.
TEST_F(ShowTest, ARevsetThatNamesOneSnapshotIsAReference) {
  Write("a.txt", "one\n");
  const std::string first = Snap("first");
  Write("a.txt", "two\n");
  const std::string second = Snap("second");
  EXPECT_EQ(RunJson({"show", "roots(all())"})["snapshot_id"], first);
  EXPECT_EQ(Run({"cat", "note(\"first\") & all()", "a.txt"}).out, "one\n");
  json d = RunJson({"diff", "roots(all())", "heads(all())"});
  EXPECT_EQ(d["from_snapshot_id"], first);
  EXPECT_EQ(d["to_snapshot_id"], second);
  RunResult many = ExpectError(Ws(), {"show", "all()"}, 1, "names 2 snapshots");
  EXPECT_TRUE(Contains(many.err, first.substr(0, 8)) && Contains(many.err, second.substr(0, 8))) << many.err;
  ExpectError(Ws(), {"restore", "none()"}, 1, "names no snapshot");
  ExpectError(Ws(), {"show", "nosuchref"}, 1, "unknown reference");
  ExpectError(Ws(), {"show", "all("}, 2, "revset");
}

}  // namespace
}  // namespace jvs::e2e
