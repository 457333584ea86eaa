// jvs describe and change ids as a user meets them (issue 18): describing the
// head keeps its change id and hides the old version (still reachable by id);
// describing a middle snapshot rebases its descendants (same change ids) and
// moves another worktree's head and a tag, leaving that worktree's files and
// dirty work alone; undo takes it all back; a change id prefix works as a
// reference; ambiguous prefixes and divergent changes are clear errors.
#include <map>
#include <set>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::Contains;

class DescribeTest : public RepoTest {
 protected:
  json In(const fs::path& dir, std::vector<std::string> args, const std::string& stdin_data = "") const {
    args.insert(args.begin(), "--json");
    RunResult r = Jvs(dir, args, stdin_data);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return r.exit_code == 0 ? r.Json() : json();
  }
  std::string SnapIn(const fs::path& dir, const std::string& note) const {
    json j = In(dir, {"snapshot", note});
    return j.is_object() ? j.value("snapshot_id", "") : "";
  }
  fs::path Fork(const std::string& ref, const std::string& name) const {
    In(Ws(), {"worktree", "fork", ref, name});
    RunResult p = Jvs(Ws(), {"worktree", "path", name});
    std::string path = p.out;
    while (!path.empty() && path.back() == '\n') path.pop_back();
    return path;
  }
  // The change id (reverse hex) of a visible snapshot.
  std::string ChangeOf(const std::string& id) const {
    auto vis = Visible();
    return vis.count(id) ? vis[id]["change_id"].get<std::string>() : "";
  }
  std::map<std::string, std::string> Tags() const {
    std::map<std::string, std::string> out;
    json j = RunJson({"tag", "list"});
    for (const auto& t : j) out[t["name"].get<std::string>()] = t["snapshot_id"].get<std::string>();
    return out;
  }
};

TEST_F(DescribeTest, HeadKeepsItsChangeIdAndTheOldVersionIsHidden) {
  Write("a.txt", "one\n");
  Snap("first");
  Write("a.txt", "two\n");
  const std::string b = Snap("second");
  const std::string change = ChangeOf(b);
  ASSERT_EQ(change.size(), 32u);
  for (char c : change) EXPECT_TRUE(c >= 'k' && c <= 'z') << change;

  json r = RunJson({"describe", "-m", "second, described"});
  EXPECT_EQ(r["old_snapshot_id"], b);
  const std::string nb = r["new_snapshot_id"].get<std::string>();
  EXPECT_NE(nb, b);
  EXPECT_EQ(r["change_id"], change);
  EXPECT_EQ(r["rebased"], json::array());
  EXPECT_EQ(r["worktrees_moved"], json::array({"main"}));

  EXPECT_EQ(Head(Ws()), nb);
  EXPECT_TRUE(RunJson({"status"})["clean"].get<bool>());
  EXPECT_EQ(RunJson({"status"})["head_change_id"], change);
  EXPECT_EQ(Read("a.txt"), "two\n");
  auto vis = Visible();
  EXPECT_FALSE(vis.count(b)) << "the old version leaves history";
  ASSERT_TRUE(vis.count(nb));
  EXPECT_EQ(vis[nb]["note"], "second, described");
  EXPECT_EQ(vis[nb]["change_id"], change);
  // The text history shows the change id beside the snapshot id.
  RunResult h = Run({"history"});
  ASSERT_OK(h);
  EXPECT_TRUE(Contains(h.out, change.substr(0, 8))) << h.out;
  EXPECT_TRUE(Contains(h.out, "second, described")) << h.out;
  EXPECT_FALSE(Contains(h.out, b.substr(0, 8))) << h.out;
  // The store keeps the old version: its id still names it.
  RunResult d = Run({"diff", b, nb});
  ASSERT_OK(d);
  ASSERT_OK(Run({"verify", "--all"}));
  // Describing it again is refused (it is hidden); the same note changes nothing.
  ExpectError(Ws(), {"describe", b, "-m", "x"}, 1, "not visible");
  json same = RunJson({"describe", "-m", "second, described"});
  EXPECT_TRUE(same["unchanged"].get<bool>());
  EXPECT_EQ(Head(Ws()), nb);
}

TEST_F(DescribeTest, MiddleSnapshotDescendantsFollowInEveryWorktree) {
  Write("f.txt", "base\n");
  Snap("base");
  Write("f.txt", "middle\n");
  const std::string m = Snap("middle");
  Write("f.txt", "main child\n");
  const std::string c1 = Snap("main child", {"release"});
  fs::path exp = Fork(m, "exp");
  jvs::testing::WriteFile(exp / "g.txt", "exp child\n");
  const std::string c2 = SnapIn(exp, "exp child");
  jvs::testing::WriteFile(exp / "dirty.txt", "uncommitted\n");  // exp's dirty work
  const std::string cm = ChangeOf(m), cc1 = ChangeOf(c1), cc2 = ChangeOf(c2);
  auto before = Visible();

  json r = RunJson({"describe", m, "-m", "middle, described"});
  const std::string nm = r["new_snapshot_id"].get<std::string>();
  ASSERT_EQ(r["rebased"].size(), 2u) << r.dump(1);
  std::map<std::string, std::string> moved;
  for (const auto& x : r["rebased"]) moved[x["old"].get<std::string>()] = x["new"].get<std::string>();
  ASSERT_TRUE(moved.count(c1) && moved.count(c2)) << r.dump(1);
  const std::string nc1 = moved[c1], nc2 = moved[c2];
  std::set<std::string> wts;
  for (const auto& w : r["worktrees_moved"]) wts.insert(w.get<std::string>());
  EXPECT_EQ(wts, (std::set<std::string>{"main", "exp"}));

  auto vis = Visible();
  EXPECT_FALSE(vis.count(m) || vis.count(c1) || vis.count(c2));
  ASSERT_TRUE(vis.count(nm) && vis.count(nc1) && vis.count(nc2));
  EXPECT_EQ(vis[nm]["change_id"], cm);
  EXPECT_EQ(vis[nc1]["change_id"], cc1);
  EXPECT_EQ(vis[nc2]["change_id"], cc2);
  EXPECT_EQ(vis[nc1]["parents"], json::array({nm}));
  EXPECT_EQ(vis[nc2]["parents"], json::array({nm}));
  EXPECT_EQ(vis[nc1]["note"], "main child");
  EXPECT_EQ(vis[nc1]["payload_root_hash"], before[c1]["payload_root_hash"]);  // same trees
  EXPECT_EQ(vis[nc2]["payload_root_hash"], before[c2]["payload_root_hash"]);
  EXPECT_EQ(Tags()["release"], nc1);
  EXPECT_EQ(Head(Ws()), nc1);
  EXPECT_EQ(Read("f.txt"), "main child\n");
  // exp's head moved; its files and its dirty work stay.
  EXPECT_EQ(Head(exp), nc2);
  EXPECT_EQ(jvs::testing::ReadFile(exp / "g.txt"), "exp child\n");
  EXPECT_EQ(jvs::testing::ReadFile(exp / "f.txt"), "middle\n");
  EXPECT_EQ(jvs::testing::ReadFile(exp / "dirty.txt"), "uncommitted\n");
  json st = In(exp, {"status"});
  EXPECT_FALSE(st["clean"].get<bool>()) << st.dump(1);
  ASSERT_OK(Run({"verify", "--all"}));

  // undo takes the describe back: heads, tag, notes.
  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(Head(Ws()), c1);
  EXPECT_EQ(Head(exp), c2);
  EXPECT_EQ(Tags()["release"], c1);
  vis = Visible();
  EXPECT_TRUE(vis.count(m) && vis.count(c1) && vis.count(c2));
  EXPECT_FALSE(vis.count(nm) || vis.count(nc1) || vis.count(nc2));
  EXPECT_EQ(vis[m]["note"], "middle");
  EXPECT_EQ(Read("f.txt"), "main child\n");
  EXPECT_EQ(jvs::testing::ReadFile(exp / "dirty.txt"), "uncommitted\n");
}

TEST_F(DescribeTest, NoteFromFileStdinAndEmpty) {
  Write("a.txt", "a\n");
  Snap("first");
  jvs::testing::WriteFile(Tmp() / "note.txt", "from a file\n");
  RunJson({"describe", "-F", (Tmp() / "note.txt").string()});
  EXPECT_EQ(RunJson({"history"})[0]["note"], "from a file");
  json r = In(Ws(), {"describe", "-F", "-"}, "from stdin\n\n");
  EXPECT_EQ(RunJson({"history"})[0]["note"], "from stdin");
  RunJson({"describe", "-m", ""});  // an empty note is allowed (as in Jujutsu)
  EXPECT_EQ(RunJson({"history"})[0]["note"], "");
  // Text output names both versions and says how to take it back.
  RunResult t = Run({"describe", "-m", "text"});
  ASSERT_OK(t);
  EXPECT_TRUE(Contains(t.out, "Described ")) << t.out;
  EXPECT_TRUE(Contains(t.out, "jvs undo")) << t.out;
}

TEST_F(DescribeTest, Errors) {
  ExpectError(Ws(), {"describe", "-m", "x"}, 1, "no snapshot yet");
  Write("a.txt", "a\n");
  Snap("first");
  ExpectError(Ws(), {"describe"}, 2, "-m NOTE or -F FILE");
  ExpectError(Ws(), {"describe", "nosuchref1", "-m", "x"}, 1, "unknown reference");
  ExpectError(Ws(), {"describe", "-F", (Tmp() / "missing.txt").string()}, 1, "cannot read note file");
}

TEST_F(DescribeTest, ChangeIdPrefixIsAReference) {
  Write("a.txt", "v1\n");
  const std::string a = Snap("#first");
  Write("a.txt", "v2\n");
  const std::string b = Snap("#second");
  const std::string ca = ChangeOf(a), cb = ChangeOf(b);
  ASSERT_NE(ca.substr(0, 12), cb.substr(0, 12));
  // restore by change id prefix (upper case too), diff by change ids.
  ASSERT_OK(Run({"restore", ca.substr(0, 12)}));
  EXPECT_EQ(Read("a.txt"), "v1\n");
  EXPECT_EQ(Head(Ws()), a);
  RunResult d = Run({"diff", ca.substr(0, 12), cb.substr(0, 12)});
  ASSERT_OK(d);
  EXPECT_TRUE(Contains(d.out, "+v2")) << d.out;
  std::string upper = cb.substr(0, 12);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_OK(Run({"restore", upper}));
  EXPECT_EQ(Read("a.txt"), "v2\n");
  // After a describe the change id names the new version.
  json r = RunJson({"describe", a, "-m", "#first, described"});
  const std::string na = r["new_snapshot_id"].get<std::string>();
  EXPECT_EQ(RunJson({"history", "-n", "1", "--all"}).size(), 1u);
  ASSERT_OK(Run({"restore", ca.substr(0, 12)}));
  EXPECT_EQ(Head(Ws()), na);
}

TEST_F(DescribeTest, AmbiguousChangeIdPrefixListsCandidates) {
  // 17 changes over 16 first letters: at least two share their first letter.
  std::map<char, std::vector<std::string>> by_letter;
  for (int i = 0; i < 17; ++i) {
    Write("a.txt", std::to_string(i) + "\n");
    const std::string id = Snap("#" + std::to_string(i));
    (void)id;
  }
  for (const auto& s : RunJson({"history"})) {
    const std::string c = s["change_id"].get<std::string>();
    by_letter[c[0]].push_back(c);
  }
  char shared = 0;
  for (const auto& [letter, changes] : by_letter)
    if (changes.size() > 1) shared = letter;
  ASSERT_NE(shared, 0);
  RunResult e = ExpectError(Ws(), {"restore", std::string(1, shared)}, 1, "ambiguous");
  EXPECT_TRUE(Contains(e.err, by_letter[shared][0].substr(0, 12))) << e.err;
  EXPECT_TRUE(Contains(e.err, by_letter[shared][1].substr(0, 12))) << e.err;
  EXPECT_TRUE(Contains(e.err, "more letters")) << e.err;
}

TEST_F(DescribeTest, DivergentChangeIsReported) {
  Write("a.txt", "v1\n");
  const std::string a = Snap("#first");
  const std::string ca = ChangeOf(a);
  json r = RunJson({"describe", "-m", "#first, described"});
  const std::string na = r["new_snapshot_id"].get<std::string>();
  // A tag on the old version makes it visible again: two visible snapshots
  // of one change.
  ASSERT_OK(Run({"tag", "set", "old", a}));
  RunResult e = ExpectError(Ws(), {"restore", ca.substr(0, 8)}, 1, "divergent");
  EXPECT_TRUE(Contains(e.err, a.substr(0, 16))) << e.err;
  EXPECT_TRUE(Contains(e.err, na.substr(0, 16))) << e.err;
  // Each version is still reachable by its snapshot id.
  ASSERT_OK(Run({"restore", a}));
  EXPECT_EQ(Head(Ws()), a);
}

}  // namespace
}  // namespace jvs::e2e
