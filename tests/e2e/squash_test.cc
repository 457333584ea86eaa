// jvs squash and jvs split as a user runs them (issue 18): squashing the head
// into its parent abandons the emptied source and keeps the files; squashing
// some paths leaves the rest in the source; squashing into an ancestor gives
// the snapshots between the changes; split then squash gives the original
// tree back; another worktree's descendants follow; conflicts are recorded;
// bad input is refused with a hint; undo takes each back.
#include <map>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::Contains;

class SquashTest : public RepoTest {
 protected:
  // The names of the files a snapshot's diff from its parent touches.
  std::vector<std::string> Changed(const std::string& id) const {
    json d = RunJson({"diff", "-r", id});
    std::vector<std::string> out;
    for (const char* k : {"added", "modified", "removed"})
      for (const auto& c : d[k]) out.push_back(c.is_string() ? c.get<std::string>() : c.value("path", ""));
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(SquashTest, HeadIntoParentAbandonsTheEmptiedSourceAndKeepsTheFiles) {
  Write("a.txt", "a\n");
  const std::string p = Snap("parent");
  Write("b.txt", "b\n");
  const std::string h = Snap("child");
  Write("dirty.txt", "uncommitted\n");
  const std::string change = Visible()[p]["change_id"].get<std::string>();
  json r = RunJson({"squash"});
  const std::string np = r["snapshot_id"].get<std::string>();
  EXPECT_TRUE(r["source_abandoned"].get<bool>()) << r.dump(1);
  EXPECT_EQ(Head(Ws()), np);
  auto vis = Visible();
  ASSERT_TRUE(vis.count(np));
  EXPECT_FALSE(vis.count(h) || vis.count(p));
  EXPECT_EQ(vis[np]["change_id"], change) << "the destination keeps its change";
  EXPECT_EQ(vis[np]["note"], "parent\n\nchild") << "both notes are kept";
  EXPECT_EQ(Read("b.txt"), "b\n");
  EXPECT_EQ(Read("dirty.txt"), "uncommitted\n");
  json st = RunJson({"status"});
  EXPECT_EQ(st["added"].size(), 1u) << st.dump(1);  // only dirty.txt
  // evolog of the destination names the source it absorbed.
  json ev = RunJson({"evolog"});
  bool names_source = false;
  for (const auto& v : ev)
    for (const auto& pr : v["predecessors"]) names_source |= pr == h;
  EXPECT_TRUE(names_source) << ev.dump(1);
  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(Head(Ws()), h);
  vis = Visible();
  EXPECT_TRUE(vis.count(h) && vis.count(p));
  EXPECT_EQ(Read("dirty.txt"), "uncommitted\n");
}

TEST_F(SquashTest, PathsMoveOnlyTheirChangesAndSplitThenSquashRoundTrips) {
  Write("keep.txt", "0\n");
  const std::string base = Snap("base");
  Write("data/x.bin", "x\n");
  Write("data/y.bin", "y\n");
  Write("notes.txt", "n\n");
  Write("keep.txt", "1\n");
  const std::string s = Snap("mixed");
  auto changes = [this](const std::string& from, const std::string& to) {
    json d = RunJson({"diff", from, to});
    d.erase("to_snapshot_id");
    return d.dump();
  };
  const std::string tree_before = changes(base, s);
  const std::string change = Visible()[s]["change_id"].get<std::string>();

  // split: data/ first, the rest on top.
  json sp = RunJson({"split", "-m", "data", "--", "data"});
  const std::string first = sp["first_snapshot_id"].get<std::string>();
  const std::string second = sp["second_snapshot_id"].get<std::string>();
  EXPECT_EQ(Head(Ws()), second);
  EXPECT_EQ(Changed(first), (std::vector<std::string>{"data/x.bin", "data/y.bin"}));
  EXPECT_EQ(Changed(second), (std::vector<std::string>{"keep.txt", "notes.txt"}));
  auto vis = Visible();
  EXPECT_EQ(vis[first]["note"], "data");
  EXPECT_EQ(vis[second]["note"], "mixed");
  EXPECT_EQ(vis[first]["change_id"], change) << "the first part keeps the change";
  EXPECT_NE(vis[second]["change_id"], change);
  EXPECT_TRUE(RunJson({"status"})["clean"].get<bool>()) << "the files are the second part's tree";

  // squash one path of the second part into the first: the rest stays.
  json sq = RunJson({"squash", "--", "notes.txt"});
  EXPECT_FALSE(sq["source_abandoned"].get<bool>());
  const std::string first2 = sq["snapshot_id"].get<std::string>();
  const std::string second2 = sq["source_snapshot_id"].get<std::string>();
  EXPECT_EQ(Changed(first2), (std::vector<std::string>{"data/x.bin", "data/y.bin", "notes.txt"}));
  EXPECT_EQ(Changed(second2), (std::vector<std::string>{"keep.txt"}));
  EXPECT_EQ(Head(Ws()), second2);

  // and the rest: the original tree, as one snapshot on base.
  json all = RunJson({"squash"});
  EXPECT_TRUE(all["source_abandoned"].get<bool>());
  const std::string whole = all["snapshot_id"].get<std::string>();
  EXPECT_EQ(Head(Ws()), whole);
  EXPECT_EQ(changes(base, whole), tree_before);
  EXPECT_EQ(Visible()[whole]["parents"], json::array({base}));
  EXPECT_TRUE(RunJson({"status"})["clean"].get<bool>());
  ASSERT_OK(Run({"verify", "--all"}));
}

TEST_F(SquashTest, IntoAnAncestorAndAnotherWorktreeFollows) {
  Write("f.txt", "1\n");
  const std::string a = Snap("a");
  Write("g.txt", "g\n");
  const std::string b = Snap("b");
  fs::path exp = Fork("exp");
  WriteAt(exp / "e.txt", "e\n");
  const std::string c = SnapIn(exp, "exp child of b");
  WriteAt(exp / "dirty.txt", "exp dirty\n");
  Write("f.txt", "2\n");
  const std::string h = Snap("change f");
  // f's change into a: b gains it (its own tree unchanged relative), exp's c
  // too; the emptied head is abandoned.
  json r = RunJson({"squash", "--into", a});
  EXPECT_TRUE(r["source_abandoned"].get<bool>());
  const std::string na = r["snapshot_id"].get<std::string>();
  std::map<std::string, std::string> moved;
  for (const auto& x : r["rebased"]) moved[x["old"].get<std::string>()] = x["new"].get<std::string>();
  ASSERT_TRUE(moved.count(b) && moved.count(c)) << r.dump(1);
  EXPECT_EQ(Changed(na), (std::vector<std::string>{"f.txt"}));
  EXPECT_EQ(Head(Ws()), moved[b]);
  EXPECT_EQ(Read("f.txt"), "2\n");
  EXPECT_EQ(Changed(moved[b]), (std::vector<std::string>{"g.txt"}));
  // exp follows: f.txt now 2, its dirty file carried.
  EXPECT_EQ(Head(exp), moved[c]);
  EXPECT_EQ(ReadAt(exp / "f.txt"), "2\n");
  EXPECT_EQ(ReadAt(exp / "dirty.txt"), "exp dirty\n");
  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(Head(Ws()), h);
}

TEST_F(SquashTest, ConflictsAreRecordedAndBadInputIsRefused) {
  Write("f.txt", "base\n");
  const std::string base = Snap("base");
  Write("f.txt", "main\n");
  const std::string m = Snap("main");
  fs::path exp = Fork("exp");
  ASSERT_OK(Jvs(exp, {"restore", base}));
  WriteAt(exp / "f.txt", "exp\n");
  const std::string x = SnapIn(exp, "exp");
  // exp's change into main's head: both changed f.txt from base.
  json r = In(exp, {"squash", "--into", m});
  ASSERT_TRUE(r.is_object());
  EXPECT_TRUE(r["conflicted"].get<bool>()) << r.dump(1);
  // main follows on its next command: the conflict is in its file.
  json st = RunJson({"status"});
  EXPECT_EQ(st["conflicts"].size(), 1u) << st.dump(1);
  EXPECT_TRUE(Contains(Read("f.txt"), "<<<<<<<")) << Read("f.txt");
  ASSERT_OK(Jvs(exp, {"undo"}));
  EXPECT_EQ(Head(Ws()), m);
  EXPECT_EQ(Read("f.txt"), "main\n");

  ExpectError(Ws(), {"squash", "--into", "@"}, 1, "into itself");
  ExpectError(Ws(), {"squash", "--from", base}, 1, "no parent");
  ExpectError(Ws(), {"squash", "--", "nosuch.txt"}, 1, "nosuch.txt");
  ExpectError(Ws(), {"squash", "--"}, 2, "no paths");
  ExpectError(Ws(), {"split"}, 2, "paths");
  ExpectError(Ws(), {"split", "--", "f.txt"}, 1, "nothing left");
  Write("other.txt", "o\n");
  Snap("other");
  ExpectError(Ws(), {"split", "--", "f.txt"}, 1, "changes none");
  ExpectError(Ws(), {"split", "@~1", "--", "other.txt"}, 1, "neither in snapshot");
  ExpectError(Ws(), {"squash", "--from", "nosuchref"}, 1, "unknown reference");
}

// A split killed right after publishing (the head moved, no file to change):
// the next command needs no finishing step, only the tree state catches up.
TEST_F(SquashTest, SplitKilledAfterPublishingNeedsNoRepair) {
  Write("a.txt", "a\n");
  Snap("base");
  Write("b.txt", "b\n");
  Write("c.txt", "c\n");
  Snap("two files");
  Write("dirty.txt", "dirty\n");
  Child kid(Ws(), {JVS_BINARY, "split", "--", "b.txt"}, CleanEnv({{"JVS_FAULT_POINT", "restore.after_publish:kill"}}));
  RunResult k = kid.Finish("", std::chrono::seconds(30));
  EXPECT_NE(k.exit_code, 0) << k.Describe();
  json st = RunJson({"status"});
  EXPECT_EQ(st["added"].size(), 1u) << st.dump(1);  // dirty.txt, nothing else
  json line = RunJson({"history"});
  ASSERT_EQ(line.size(), 3u) << line.dump(1);
  EXPECT_EQ(Read("dirty.txt"), "dirty\n");
  RunResult doc = Run({"doctor"});
  ASSERT_OK(doc);
  EXPECT_FALSE(Contains(doc.out + doc.err, "partly updated")) << doc.out;
}

TEST_F(SquashTest, DuplicateCopiesAsNewChangesOnTheirParentsOrOntoADestination) {
  Write("f.txt", "1\n");
  const std::string a = Snap("a");
  Write("g.txt", "g\n");
  const std::string b = Snap("b");
  Write("h.txt", "h\n");
  const std::string c = Snap("c");
  auto vis = Visible();
  // A copy of the head beside it: same tree, same parent, new change.
  json r = RunJson({"duplicate"});
  ASSERT_EQ(r["duplicated"].size(), 1u);
  const std::string c2 = r["duplicated"][0]["new"].get<std::string>();
  vis = Visible();
  ASSERT_TRUE(vis.count(c2) && vis.count(c));
  EXPECT_EQ(vis[c2]["parents"], json::array({b}));
  EXPECT_NE(vis[c2]["change_id"], vis[c]["change_id"]);
  EXPECT_EQ(vis[c2]["note"], "c");
  EXPECT_EQ(Head(Ws()), c) << "nothing moves";
  EXPECT_EQ(Changed(c2), Changed(c));
  // b and c onto a: the chain keeps its shape, each change carried.
  json two = RunJson({"duplicate", b, c, "-d", a});
  ASSERT_EQ(two["duplicated"].size(), 2u);
  const std::string b3 = two["duplicated"][0]["new"].get<std::string>();
  const std::string c3 = two["duplicated"][1]["new"].get<std::string>();
  vis = Visible();
  EXPECT_EQ(vis[b3]["parents"], json::array({a}));
  EXPECT_EQ(vis[c3]["parents"], json::array({b3}));
  EXPECT_EQ(Changed(c3), (std::vector<std::string>{"h.txt"}));
  // A hidden version comes back as a new change.
  const std::string described = RunJson({"describe", "-m", "c, described"})["new_snapshot_id"];
  json back = RunJson({"duplicate", c});
  const std::string c4 = back["duplicated"][0]["new"].get<std::string>();
  vis = Visible();
  EXPECT_TRUE(vis.count(c4) && !vis.count(c) && vis.count(described));
  EXPECT_EQ(vis[c4]["note"], "c");
  ExpectError(Ws(), {"duplicate", c, "-d", c}, 1, "onto itself");
  ExpectError(Ws(), {"duplicate", "none()"}, 1, "names no snapshot");
  ExpectError(Ws(), {"duplicate", "all("}, 2, "revset");
  ASSERT_OK(Run({"undo"}));
  EXPECT_FALSE(Visible().count(c4));
  ASSERT_OK(Run({"verify", "--all"}));
}

}  // namespace
}  // namespace jvs::e2e
