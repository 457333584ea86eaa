// jvs rebase as a user runs it (issue 17): a line moved onto another with a
// conflict carried downstream and then gone once resolved; -r leaves the
// descendants in place; -b moves a whole branch; cycles and no-ops refused;
// undo brings heads and files back; uncommitted changes are carried; a
// worktree whose head moved follows on its next command.
#include <map>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::Contains;

class RebaseTest : public RepoTest {
 protected:
  static std::string Lines(int from, int to, const std::string& tag = "") {
    std::string s;
    for (int i = from; i <= to; ++i) s += "line " + std::to_string(i) + tag + "\n";
    return s;
  }
  static std::string With5(const std::string& five) { return Lines(1, 4) + five + Lines(6, 10); }
};

TEST_F(RebaseTest, ConflictIsCarriedDownstreamAndGoneOnceResolved) {
  Write("f.txt", Lines(1, 10));
  Snap("base");
  fs::path exp = Fork("exp");
  WriteAt(exp / "a.txt", "x1\n");
  const std::string x1 = SnapIn(exp, "x1");
  WriteAt(exp / "f.txt", With5("line 5 exp\n"));
  const std::string x2 = SnapIn(exp, "x2");
  WriteAt(exp / "c.txt", "x3\n");
  const std::string x3 = SnapIn(exp, "x3");
  Write("f.txt", With5("line 5 main\n"));
  const std::string d = Snap("main change");

  json r = In(Ws(), {"rebase", "-s", x1, "-d", d});
  ASSERT_TRUE(r.is_object());
  ASSERT_EQ(r["rebased"].size(), 3u) << r.dump(1);
  EXPECT_EQ(r["rebased"][0]["old"], x1);
  EXPECT_EQ(r["rebased"][1]["old"], x2);
  EXPECT_EQ(r["rebased"][2]["old"], x3);
  EXPECT_FALSE(r["rebased"][0]["conflicted"].get<bool>());
  EXPECT_TRUE(r["rebased"][1]["conflicted"].get<bool>());  // the middle one conflicts
  EXPECT_TRUE(r["rebased"][2]["conflicted"].get<bool>());  // and the later one carries it
  EXPECT_FALSE(r["files_updated"].get<bool>());           // main's head did not move
  EXPECT_EQ(r["worktrees_moved"], json::array({"exp"}));
  const std::string x1n = r["rebased"][0]["new"].get<std::string>(), x2n = r["rebased"][1]["new"].get<std::string>(),
                    x3n = r["rebased"][2]["new"].get<std::string>();

  auto vis = Visible();
  EXPECT_FALSE(vis.count(x1) || vis.count(x2) || vis.count(x3)) << "the old snapshots are hidden";
  ASSERT_TRUE(vis.count(x1n) && vis.count(x2n) && vis.count(x3n));
  EXPECT_EQ(vis[x1n]["parents"], json::array({d}));
  EXPECT_EQ(vis[x2n]["parents"], json::array({x1n}));
  EXPECT_EQ(vis[x2n]["note"], "x2");
  EXPECT_TRUE(vis[x3n]["conflicted"].get<bool>());

  // exp follows on its next command: the new head, the conflict in the file.
  EXPECT_EQ(Head(exp), x3n);
  EXPECT_EQ(ReadAt(exp / "a.txt"), "x1\n");
  EXPECT_EQ(ReadAt(exp / "c.txt"), "x3\n");
  EXPECT_TRUE(Contains(ReadAt(exp / "f.txt"), "<<<<<<<")) << ReadAt(exp / "f.txt");
  ASSERT_OK(Run({"verify", "--all"}));

  // Resolve in the middle snapshot (a new snapshot on top of it), then move
  // the rest of the line onto the resolution: the conflict is gone downstream.
  ASSERT_OK(Jvs(exp, {"restore", x2n}));
  WriteAt(exp / "f.txt", With5("line 5 both\n"));
  const std::string fixed = SnapIn(exp, "resolved");
  json again = In(exp, {"rebase", "-s", x3n, "-d", fixed});
  ASSERT_EQ(again["rebased"].size(), 1u) << again.dump(1);
  EXPECT_FALSE(again["rebased"][0]["conflicted"].get<bool>()) << again.dump(1);
  const std::string x3r = again["rebased"][0]["new"].get<std::string>();
  ASSERT_OK(Jvs(exp, {"restore", x3r}));
  EXPECT_EQ(ReadAt(exp / "f.txt"), With5("line 5 both\n"));
  EXPECT_EQ(ReadAt(exp / "c.txt"), "x3\n");
  ASSERT_OK(Run({"verify", "--all"}));
}

TEST_F(RebaseTest, ConflictCancelsWhenTheDestinationRemovesItsCause) {
  Write("f.txt", Lines(1, 10));
  Snap("base");
  fs::path exp = Fork("exp");
  WriteAt(exp / "f.txt", With5("line 5 exp\n"));
  const std::string x = SnapIn(exp, "x");
  WriteAt(exp / "g.txt", "later\n");
  SnapIn(exp, "y");
  Write("f.txt", With5("line 5 main\n"));
  const std::string d = Snap("main change");
  json r = In(Ws(), {"rebase", "-s", x, "-d", d});
  ASSERT_EQ(r["rebased"].size(), 2u);
  EXPECT_TRUE(r["rebased"][1]["conflicted"].get<bool>());
  // main takes its change back; rebasing the conflicted line onto that makes
  // the conflict's terms cancel.
  Write("f.txt", Lines(1, 10));
  const std::string d2 = Snap("main reverts");
  json r2 = In(Ws(), {"rebase", "-s", r["rebased"][0]["new"].get<std::string>(), "-d", d2});
  ASSERT_EQ(r2["rebased"].size(), 2u);
  EXPECT_FALSE(r2["rebased"][0]["conflicted"].get<bool>()) << r2.dump(1);
  EXPECT_FALSE(r2["rebased"][1]["conflicted"].get<bool>()) << r2.dump(1);
  In(exp, {"status"});
  EXPECT_EQ(ReadAt(exp / "f.txt"), With5("line 5 exp\n"));
  EXPECT_EQ(ReadAt(exp / "g.txt"), "later\n");
}

TEST_F(RebaseTest, RevisionMovesAloneAndUndoBringsHeadsAndFilesBack) {
  Write("base.txt", "b\n");
  Snap("base");
  fs::path exp = Fork("exp");
  WriteAt(exp / "e.txt", "e\n");
  const std::string e = SnapIn(exp, "e");
  Write("y1.txt", "1\n");
  const std::string y1 = Snap("y1");
  Write("y2.txt", "2\n");
  const std::string y2 = Snap("y2");
  Write("y3.txt", "3\n");
  const std::string y3 = Snap("y3");
  Write("wip.txt", "uncommitted\n");
  const Manifest before = TakeManifest(Ws());

  json r = In(Ws(), {"rebase", "-r", y2, "-d", e});
  ASSERT_EQ(r["rebased"].size(), 2u) << r.dump(1);
  EXPECT_TRUE(r["files_updated"].get<bool>());
  EXPECT_FALSE(r["captured_snapshot_id"].is_null());
  std::map<std::string, std::string> now;
  for (const auto& x : r["rebased"]) now[x["old"].get<std::string>()] = x["new"].get<std::string>();
  auto vis = Visible();
  EXPECT_EQ(vis[now[y2]]["parents"], json::array({e}));   // y2 moved onto e
  EXPECT_EQ(vis[now[y3]]["parents"], json::array({y1}));  // y3 stays, minus y2's change
  // main's head was y3: its files follow, uncommitted changes carried along.
  EXPECT_EQ(Head(Ws()), now[y3]);
  EXPECT_FALSE(fs::exists(Ws() / "y2.txt"));
  EXPECT_EQ(Read("y1.txt"), "1\n");
  EXPECT_EQ(Read("y3.txt"), "3\n");
  EXPECT_EQ(Read("wip.txt"), "uncommitted\n");
  json st = In(Ws(), {"status"});
  EXPECT_FALSE(st["clean"].get<bool>()) << st.dump(1);  // wip.txt is still uncommitted

  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(ManifestDiff(before, TakeManifest(Ws())), "");
  EXPECT_EQ(Head(Ws()), y3);
  vis = Visible();
  EXPECT_TRUE(vis.count(y2) && vis.count(y3));
  EXPECT_FALSE(vis.count(now[y2]));
}

TEST_F(RebaseTest, BranchMovesEveryAncestorNotInTheDestination) {
  Write("base.txt", "b\n");
  Snap("base");
  fs::path exp = Fork("exp");
  WriteAt(exp / "e1.txt", "1\n");
  const std::string e1 = SnapIn(exp, "e1");
  WriteAt(exp / "e2.txt", "2\n");
  const std::string e2 = SnapIn(exp, "e2");
  Write("m.txt", "m\n");
  const std::string m = Snap("m");
  json r = In(Ws(), {"rebase", "-b", "exp@", "-d", "main@"});
  ASSERT_EQ(r["rebased"].size(), 2u) << r.dump(1);
  EXPECT_EQ(r["rebased"][0]["old"], e1);
  auto vis = Visible();
  EXPECT_EQ(vis[r["rebased"][0]["new"].get<std::string>()]["parents"], json::array({m}));
  // exp's head moved: its next command brings the files.
  EXPECT_EQ(Head(exp), r["rebased"][1]["new"]);
  EXPECT_EQ(ReadAt(exp / "m.txt"), "m\n");
  EXPECT_EQ(ReadAt(exp / "e2.txt"), "2\n");
  // Again: already there.
  RunResult again = Run({"rebase", "-b", "exp@", "-d", "main@"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_TRUE(Contains(again.err, "nothing to rebase")) << again.Describe();
  (void)e2;
}

TEST_F(RebaseTest, CyclesAreRefused) {
  Write("a.txt", "a\n");
  Snap("a");
  Write("a.txt", "b\n");
  const std::string s1 = Snap("s1");
  Write("a.txt", "c\n");
  const std::string s2 = Snap("s2");
  RunResult cyc = Run({"rebase", "-s", s1, "-d", s2});
  EXPECT_NE(cyc.exit_code, 0);
  EXPECT_TRUE(Contains(cyc.err, "descendant")) << cyc.Describe();
  RunResult self = Run({"rebase", "-r", s1, "-d", s1});
  EXPECT_NE(self.exit_code, 0);
  EXPECT_TRUE(Contains(self.err, "being moved")) << self.Describe();
  RunResult none = Run({"rebase", "-d", s1});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_EQ(Head(Ws()), s2);
}

}  // namespace
}  // namespace jvs::e2e
