// jvs abandon and jvs snapshot --amend as a user runs them (issue 18):
// abandoning a middle snapshot rebases its children onto its parent and a
// conflict it caused downstream disappears; abandoning the head moves the
// worktree to the parent with uncommitted changes carried; tagged and hidden
// snapshots are refused; amend keeps the change id, rebases the descendants
// in every worktree (another worktree's files follow on its next command,
// its dirty files kept), and undo of either brings everything back exactly.
#include <map>
#include <set>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::Contains;

class AbandonTest : public RepoTest {
 protected:
  std::string ChangeOf(const std::string& id) const {
    auto vis = Visible();
    return vis.count(id) ? vis[id]["change_id"].get<std::string>() : "";
  }
  static std::string Lines(int from, int to) {
    std::string s;
    for (int i = from; i <= to; ++i) s += "line " + std::to_string(i) + "\n";
    return s;
  }
  static std::string With5(const std::string& five) { return Lines(1, 4) + five + Lines(6, 10); }
  // old -> new of a command's "rebased" list.
  static std::map<std::string, json> Rebased(const json& r) {
    std::map<std::string, json> out;
    for (const auto& x : r["rebased"]) out[x["old"].get<std::string>()] = x;
    return out;
  }
};

TEST_F(AbandonTest, MiddleSnapshotChildrenMoveOntoItsParentAndItsConflictDisappears) {
  Write("f.txt", Lines(1, 10));
  const std::string base = Snap("base");
  fs::path exp = Fork("exp");
  WriteAt(exp / "f.txt", With5("line 5 exp\n"));
  const std::string x = SnapIn(exp, "exp change");
  Write("f.txt", With5("line 5 main\n"));
  const std::string m1 = Snap("main change");
  Write("g.txt", "g\n");
  const std::string m2 = Snap("main more");
  // exp's change moved onto main's line conflicts with m1.
  json rb = In(Ws(), {"rebase", "-s", x, "-d", m2});
  ASSERT_EQ(rb["rebased"].size(), 1u);
  const std::string x1 = rb["rebased"][0]["new"].get<std::string>();
  ASSERT_TRUE(rb["rebased"][0]["conflicted"].get<bool>());
  const std::string cm2 = ChangeOf(m2), cx = ChangeOf(x1);

  // Abandon m1: m2 and the exp change move onto base; the conflict is gone.
  json r = In(Ws(), {"abandon", m1});
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["abandoned"], json::array({m1}));
  auto moved = Rebased(r);
  ASSERT_EQ(moved.size(), 2u) << r.dump(1);
  ASSERT_TRUE(moved.count(m2) && moved.count(x1)) << r.dump(1);
  EXPECT_FALSE(moved[x1]["conflicted"].get<bool>()) << "the conflict m1 caused is gone";
  const std::string m2n = moved[m2]["new"].get<std::string>(), x2 = moved[x1]["new"].get<std::string>();
  auto vis = Visible();
  EXPECT_FALSE(vis.count(m1) || vis.count(m2) || vis.count(x1)) << "abandoned and rewritten snapshots are hidden";
  ASSERT_TRUE(vis.count(m2n) && vis.count(x2) && vis.count(base));
  EXPECT_EQ(vis[m2n]["parents"], json::array({base}));
  EXPECT_EQ(vis[x2]["parents"], json::array({m2n}));
  EXPECT_EQ(vis[m2n]["change_id"], cm2);
  EXPECT_EQ(vis[x2]["change_id"], cx);
  // main's head was rebased: its files follow (m1's change leaves them).
  EXPECT_TRUE(r["files_updated"].get<bool>());
  EXPECT_EQ(Head(Ws()), m2n);
  EXPECT_EQ(Read("f.txt"), Lines(1, 10));
  EXPECT_EQ(Read("g.txt"), "g\n");
  EXPECT_TRUE(RunJson({"status"})["clean"].get<bool>());
  // exp follows on its next command, without conflict markers.
  EXPECT_EQ(Head(exp), x2);
  EXPECT_EQ(ReadAt(exp / "f.txt"), With5("line 5 exp\n"));
  // The abandoned snapshot is still readable by id.
  ASSERT_OK(Run({"diff", m1, m2n}));
  ASSERT_OK(Run({"verify", "--all"}));

  // Undo: everything as before the abandon.
  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(Head(Ws()), m2);
  EXPECT_EQ(Read("f.txt"), With5("line 5 main\n"));
  vis = Visible();
  EXPECT_TRUE(vis.count(m1) && vis.count(m2) && vis.count(x1));
  EXPECT_FALSE(vis.count(m2n) || vis.count(x2));
}

TEST_F(AbandonTest, HeadMovesToItsParentCarryingUncommittedChanges) {
  Write("a.txt", "one\n");
  const std::string a = Snap("first");
  Write("a.txt", "two\n");
  Write("b.txt", "b\n");
  const std::string b = Snap("second");
  Write("dirty.txt", "uncommitted\n");
  RunResult text = Run({"abandon"});
  ASSERT_OK(text);
  EXPECT_TRUE(Contains(text.out, "Abandoned " + b.substr(0, 8))) << text.out;
  EXPECT_TRUE(Contains(text.out, "'jvs undo' takes it back")) << text.out;
  EXPECT_EQ(Head(Ws()), a);
  EXPECT_EQ(Read("a.txt"), "one\n");
  EXPECT_FALSE(fs::exists(Ws() / "b.txt"));
  EXPECT_EQ(Read("dirty.txt"), "uncommitted\n") << "uncommitted changes are carried";
  // The worktree's line is the parent alone (the saved uncommitted changes,
  // kept for undo, still name the abandoned snapshot as their parent).
  json line = In(Ws(), {"history"});
  ASSERT_EQ(line.size(), 1u) << line.dump(1);
  EXPECT_EQ(line[0]["snapshot_id"], a);
  // Undo brings the head and the files back exactly.
  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(Head(Ws()), b);
  EXPECT_EQ(Read("a.txt"), "two\n");
  EXPECT_EQ(Read("b.txt"), "b\n");
  EXPECT_EQ(Read("dirty.txt"), "uncommitted\n");
  // Redo abandons again.
  ASSERT_OK(Run({"redo"}));
  EXPECT_EQ(Head(Ws()), a);
  EXPECT_FALSE(fs::exists(Ws() / "b.txt"));
}

TEST_F(AbandonTest, RootSnapshotLeavesTheWorktreeEmptyAndTagsAndHiddenAreRefused) {
  Write("a.txt", "one\n");
  const std::string a = Snap("first", {"v1"});
  ExpectError(Ws(), {"abandon", "v1"}, 1, "tagged 'v1'");
  ExpectError(Ws(), {"abandon", "nosuchref"}, 1, "unknown reference");
  ASSERT_OK(Run({"tag", "delete", "v1"}));
  json r = In(Ws(), {"abandon", a});
  ASSERT_TRUE(r.is_object());
  EXPECT_TRUE(r["head"].is_null());
  EXPECT_FALSE(fs::exists(Ws() / "a.txt"));
  EXPECT_TRUE(In(Ws(), {"history", "--all"}).empty());
  // The hidden snapshot is refused by name (nothing to abandon twice).
  ExpectError(Ws(), {"abandon", a}, 1, "not visible");
  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(Read("a.txt"), "one\n");
}

TEST_F(AbandonTest, AmendKeepsTheChangeAndDescendantsInEveryWorktreeFollow) {
  Write("f.txt", Lines(1, 10));
  Snap("base");
  Write("f.txt", With5("line 5 v1\n"));
  const std::string s = Snap("to amend");
  const std::string cs = ChangeOf(s);
  fs::path exp = Fork("exp");
  WriteAt(exp / "e.txt", "exp child\n");
  const std::string c = SnapIn(exp, "exp child");
  WriteAt(exp / "dirty.txt", "exp uncommitted\n");  // exp's dirty work
  const std::string cc = ChangeOf(c);
  fs::path other = Fork("other");  // a second descendant, in a third worktree
  WriteAt(other / "o.txt", "other child\n");
  const std::string o = SnapIn(other, "other child");

  Write("f.txt", With5("line 5 v2\n"));
  json r = RunJson({"snapshot", "--amend"});
  const std::string s2 = r["snapshot_id"].get<std::string>();
  EXPECT_EQ(r["amended"], s);
  EXPECT_EQ(r["note"], "to amend") << "the note is kept without -m";
  EXPECT_EQ(r["change_id"], cs);
  auto moved = Rebased(r);
  ASSERT_EQ(moved.size(), 2u) << r.dump(1);
  const std::string c2 = moved[c]["new"].get<std::string>();
  const std::string o2 = moved[o]["new"].get<std::string>();
  EXPECT_EQ(r["worktrees_moved"], json::array({"exp", "other"}));
  EXPECT_EQ(Head(other), o2);
  EXPECT_EQ(ReadAt(other / "f.txt"), With5("line 5 v2\n"));
  EXPECT_EQ(ReadAt(other / "o.txt"), "other child\n");
  auto vis = Visible();
  EXPECT_FALSE(vis.count(s) || vis.count(c));
  ASSERT_TRUE(vis.count(s2) && vis.count(c2));
  EXPECT_EQ(vis[c2]["parents"], json::array({s2}));
  EXPECT_EQ(vis[c2]["change_id"], cc);
  EXPECT_EQ(Head(Ws()), s2);
  EXPECT_TRUE(RunJson({"status"})["clean"].get<bool>());

  // exp follows on its next command: the amended line and its own file; its
  // dirty work is not lost.
  EXPECT_EQ(Head(exp), c2);
  EXPECT_EQ(ReadAt(exp / "f.txt"), With5("line 5 v2\n"));
  EXPECT_EQ(ReadAt(exp / "e.txt"), "exp child\n");
  EXPECT_EQ(ReadAt(exp / "dirty.txt"), "exp uncommitted\n");

  // A new note; amending with nothing new changes nothing.
  json n = RunJson({"snapshot", "--amend", "-m", "amended"});
  EXPECT_EQ(n["change_id"], cs);
  EXPECT_EQ(n["note"], "amended");
  json same = RunJson({"snapshot", "--amend"});
  EXPECT_TRUE(same["unchanged"].get<bool>());
  EXPECT_EQ(same["snapshot_id"], n["snapshot_id"]);
  RunResult t = Run({"snapshot", "--amend"});
  ASSERT_OK(t);
  EXPECT_TRUE(Contains(t.out, "Nothing to amend")) << t.out;

  // Undo the note amend, then the content amend: back to s, files as they were.
  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(Head(Ws()), s2);
  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(Head(Ws()), s);
  EXPECT_EQ(Read("f.txt"), With5("line 5 v2\n")) << "undoing a snapshot leaves the files as they are";
  vis = Visible();
  EXPECT_TRUE(vis.count(s) && vis.count(c));
  // exp and other follow back on their next command, exp's dirty work still carried.
  EXPECT_EQ(Head(other), o);
  EXPECT_EQ(ReadAt(other / "f.txt"), With5("line 5 v1\n"));
  EXPECT_EQ(Head(exp), c);
  EXPECT_EQ(ReadAt(exp / "f.txt"), With5("line 5 v1\n"));
  EXPECT_EQ(ReadAt(exp / "e.txt"), "exp child\n");
  EXPECT_EQ(ReadAt(exp / "dirty.txt"), "exp uncommitted\n");
  ASSERT_OK(Run({"verify", "--all"}));
}

TEST_F(AbandonTest, ConcurrentDescribesDivergeAndAbandonResolvesIt) {
  Write("a.txt", "a\n");
  Snap("base");
  fs::path tmp = Fork("tmp");
  WriteAt(tmp / "t.txt", "t\n");
  const std::string x = SnapIn(tmp, "x");
  ASSERT_OK(Run({"worktree", "remove", "tmp"}));  // x stays visible, as a head
  fs::path exp = Fork("exp");
  const std::string change = ChangeOf(x);
  ASSERT_FALSE(change.empty());
  // Two processes describe x at once: both read the same operation, both
  // wait after writing their view, both publish on it.
  auto env = CleanEnv({{"JVS_FAULT_POINT", "publish.after_view:pause"}});
  Child one(Ws(), {JVS_BINARY, "--json", "describe", x, "-m", "from main"}, env);
  Child two(exp, {JVS_BINARY, "--json", "describe", x, "-m", "from exp"}, env);
  RunResult r1 = one.Finish("", std::chrono::seconds(30)), r2 = two.Finish("", std::chrono::seconds(30));
  ASSERT_EQ(r1.exit_code, 0) << r1.Describe();
  ASSERT_EQ(r2.exit_code, 0) << r2.Describe();
  const std::string x1 = r1.Json()["new_snapshot_id"].get<std::string>();
  const std::string x2 = r2.Json()["new_snapshot_id"].get<std::string>();
  ASSERT_NE(x1, x2);
  // The next command merges the two operations: both versions are visible.
  auto vis = Visible();
  ASSERT_TRUE(vis.count(x1) && vis.count(x2)) << "both rewrites are kept";
  EXPECT_FALSE(vis.count(x));
  EXPECT_TRUE(vis[x1].value("divergent", false)) << vis[x1].dump(1);
  EXPECT_TRUE(vis[x2].value("divergent", false)) << vis[x2].dump(1);
  RunResult h = Run({"history", "--all"});
  ASSERT_OK(h);
  EXPECT_TRUE(Contains(h.out, "divergent")) << h.out;
  // The change id names no single snapshot now: an error listing both.
  RunResult amb = ExpectError(Ws(), {"describe", change, "-m", "which?"}, 1, "divergent");
  EXPECT_TRUE(Contains(amb.err, x1.substr(0, 8)) && Contains(amb.err, x2.substr(0, 8))) << amb.err;
  // Resolved by abandoning one version.
  json ab = In(Ws(), {"abandon", x2});
  ASSERT_TRUE(ab.is_object());
  vis = Visible();
  EXPECT_TRUE(vis.count(x1) && !vis.count(x2));
  EXPECT_FALSE(vis[x1].value("divergent", true));
  json d = In(Ws(), {"describe", change, "-m", "settled"});
  ASSERT_TRUE(d.is_object());
  EXPECT_EQ(d["old_snapshot_id"], x1);
  // The other way out: undo the abandon, then give one version a new change.
  ASSERT_OK(Run({"undo"}));
  ASSERT_OK(Run({"undo"}));
  vis = Visible();
  ASSERT_TRUE(vis.count(x1) && vis.count(x2));
  EXPECT_TRUE(vis[x1].value("divergent", false));
  json nc = In(Ws(), {"describe", x2, "--new-change-id"});
  ASSERT_TRUE(nc.is_object());
  EXPECT_NE(nc["change_id"], change);
  EXPECT_EQ(nc["note"], "from exp") << "the note stays";
  vis = Visible();
  EXPECT_FALSE(vis[x1].value("divergent", true));
  ASSERT_TRUE(vis.count(nc["new_snapshot_id"].get<std::string>()));
  ExpectError(Ws(), {"describe", x1}, 2, "-m NOTE");
}

TEST_F(AbandonTest, GcKeepsHiddenVersionsInsideTheHorizon) {
  Write("a.txt", "one\n");
  const std::string a = Snap("first");
  Write("a.txt", "two\n");
  const std::string b = Snap("second");
  const std::string amended = RunJson({"snapshot", "--amend", "-m", "second, amended"})["snapshot_id"];
  json ab = In(Ws(), {"abandon", amended});  // head back to a; the versions of b are hidden
  ASSERT_TRUE(ab.is_object());
  // A gc with no grace time, every operation kept: nothing hidden is deleted.
  json plan = RunJson({"gc", "plan", "--grace-minutes", "0"});
  ASSERT_OK(Run({"gc", "run", "--plan-id", plan["plan_id"].get<std::string>()}));
  ASSERT_OK(Run({"diff", b, amended}));
  ASSERT_OK(Run({"verify", "--all"}));
  json ev = RunJson({"evolog", amended});
  ASSERT_EQ(ev.size(), 2u) << ev.dump(1);
  EXPECT_FALSE(ev[1]["collected"].get<bool>());
  // Undo (of the abandon, then of the amend) still works after gc.
  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(Head(Ws()), amended);
  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(Head(Ws()), b);
}

TEST_F(AbandonTest, RevsetsNameWhatToAbandon) {
  Write("a.txt", "a\n");
  const std::string base = Snap("base");
  Write("b.txt", "b\n");
  const std::string w1 = Snap("wip: one");
  Write("c.txt", "c\n");
  const std::string keep = Snap("keep");
  Write("d.txt", "d\n");
  const std::string w2 = Snap("wip: two");
  json r = In(Ws(), {"abandon", "note(\"wip\") & ::@"});
  ASSERT_TRUE(r.is_object());
  std::set<std::string> gone;
  for (const auto& id : r["abandoned"]) gone.insert(id.get<std::string>());
  EXPECT_EQ(gone, (std::set<std::string>{w1, w2}));
  json line = In(Ws(), {"history"});
  ASSERT_EQ(line.size(), 2u) << line.dump(1);
  EXPECT_EQ(line[0]["note"], "keep");
  EXPECT_EQ(line[1]["snapshot_id"], base);
  EXPECT_EQ(Read("c.txt"), "c\n");
  EXPECT_FALSE(fs::exists(Ws() / "b.txt")) << "the abandoned change leaves the files";
  ExpectError(Ws(), {"abandon", "none()"}, 1, "names no snapshot");
  (void)keep;
}

TEST_F(AbandonTest, AmendWithoutAHeadIsRefused) {
  Write("a.txt", "one\n");
  ExpectError(Ws(), {"snapshot", "--amend"}, 1, "nothing to amend");
}

}  // namespace
}  // namespace jvs::e2e
