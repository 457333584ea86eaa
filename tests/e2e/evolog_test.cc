// Evolution as a user meets it (issue 18): `evolog` lists a change's versions
// newest first with the operations that made them and (-p) what each rewrite
// changed, and goes on past a version gc collected; `history --hidden` shows
// the rewritten snapshots, which stay reachable by id; a divergent change is
// marked in history and status; `restore --latest-tag [PATTERN]`.
#include <map>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::Contains;

class EvologTest : public RepoTest {
 protected:
  // The snapshots history lists with `args`, by id.
  std::map<std::string, json> Listed(std::vector<std::string> args) const {
    args.insert(args.begin(), "history");
    std::map<std::string, json> out;
    for (const auto& s : In(Ws(), args)) out[s["snapshot_id"].get<std::string>()] = s;
    return out;
  }
  std::string Described(const std::string& note) const {
    json r = RunJson({"describe", "-m", note});
    return r.value("new_snapshot_id", "");
  }
};

TEST_F(EvologTest, DescribeTwiceGivesThreeVersionsNewestFirstWithTheirOperations) {
  Write("a.txt", "one\n");
  const std::string v1 = Snap("first note");
  const std::string v2 = Described("second note");
  const std::string v3 = Described("third note");
  ASSERT_NE(v2, v1);
  ASSERT_NE(v3, v2);

  json log = RunJson({"evolog"});
  ASSERT_EQ(log.size(), 3u) << log.dump(1);
  EXPECT_EQ(log[0]["snapshot_id"], v3);
  EXPECT_EQ(log[1]["snapshot_id"], v2);
  EXPECT_EQ(log[2]["snapshot_id"], v1);
  EXPECT_EQ(log[0]["note"], "third note");
  EXPECT_EQ(log[2]["note"], "first note");
  EXPECT_EQ(log[0]["change_id"], log[2]["change_id"]);
  EXPECT_EQ(log[0]["predecessors"], json::array({v2}));
  EXPECT_EQ(log[1]["predecessors"], json::array({v1}));
  EXPECT_EQ(log[2]["predecessors"], json::array());
  EXPECT_FALSE(log[0]["hidden"].get<bool>());
  EXPECT_TRUE(log[1]["hidden"].get<bool>());
  EXPECT_TRUE(log[2]["hidden"].get<bool>());
  for (const auto& e : log) EXPECT_FALSE(e["collected"].get<bool>());
  // The operations: the two describes, and the snapshot that made the first version.
  json ops = RunJson({"op", "log"});
  ASSERT_GE(ops.size(), 3u);
  EXPECT_EQ(log[0]["op_id"], ops[0]["op_id"]);
  EXPECT_EQ(log[1]["op_id"], ops[1]["op_id"]);
  EXPECT_EQ(log[2]["op_id"], ops[2]["op_id"]);
  EXPECT_TRUE(Contains(log[0]["op_description"].get<std::string>(), "describe")) << log.dump(1);
  EXPECT_TRUE(Contains(log[2]["op_description"].get<std::string>(), "snapshot")) << log.dump(1);

  // Text: one entry per version, the operation below it.
  RunResult t = Run({"evolog"});
  ASSERT_OK(t);
  const size_t p3 = t.out.find(v3.substr(0, 8)), p2 = t.out.find(v2.substr(0, 8)), p1 = t.out.find(v1.substr(0, 8));
  ASSERT_NE(p3, std::string::npos) << t.out;
  ASSERT_NE(p2, std::string::npos) << t.out;
  ASSERT_NE(p1, std::string::npos) << t.out;
  EXPECT_LT(p3, p2);
  EXPECT_LT(p2, p1);
  EXPECT_TRUE(Contains(t.out, "hidden")) << t.out;
  EXPECT_TRUE(Contains(t.out, "operation " + ops[0]["op_id"].get<std::string>().substr(0, 12))) << t.out;
  EXPECT_TRUE(Contains(t.out, "third note")) << t.out;

  // -n, a hidden start (its earlier versions), the change id as REF.
  EXPECT_EQ(RunJson({"evolog", "-n", "1"}).size(), 1u);
  json from_v2 = RunJson({"evolog", v2.substr(0, 10)});
  ASSERT_EQ(from_v2.size(), 2u);
  EXPECT_EQ(from_v2[0]["snapshot_id"], v2);
  json by_change = RunJson({"evolog", log[0]["change_id"].get<std::string>().substr(0, 10)});
  EXPECT_EQ(by_change, log);
  // -p after describe: same files, no diff; JSON diffs are empty changes.
  RunResult p = Run({"evolog", "-p"});
  ASSERT_OK(p);
  EXPECT_FALSE(Contains(p.out, "diff --jvs")) << p.out;
  json pj = RunJson({"evolog", "-p"});
  ASSERT_EQ(pj[0]["diffs"].size(), 1u);
  EXPECT_EQ(pj[0]["diffs"][0]["from_snapshot_id"], v2);
  EXPECT_EQ(pj[0]["diffs"][0]["modified"], json::array());
}

TEST_F(EvologTest, PatchShowsWhatARebaseChanged) {
  Write("base.txt", "b\n");
  Snap("base");
  fs::path exp = Fork("exp");
  WriteAt(exp / "e.txt", "e\n");
  const std::string e = SnapIn(exp, "e");
  Write("main.txt", "from main\n");
  Snap("main work");
  json r = In(Ws(), {"rebase", "-s", "exp@", "-d", "@"});
  ASSERT_EQ(r["rebased"].size(), 1u) << r.dump(1);
  const std::string ne = r["rebased"][0]["new"].get<std::string>();

  json log = In(Ws(), {"evolog", "exp@"});
  ASSERT_EQ(log.size(), 2u) << log.dump(1);
  EXPECT_EQ(log[0]["snapshot_id"], ne);
  EXPECT_EQ(log[1]["snapshot_id"], e);
  EXPECT_TRUE(Contains(log[0]["op_description"].get<std::string>(), "rebase")) << log.dump(1);

  RunResult p = Run({"evolog", "-p", "exp@"});
  ASSERT_OK(p);
  EXPECT_TRUE(Contains(p.out, "diff --jvs a/main.txt b/main.txt")) << p.out;
  EXPECT_TRUE(Contains(p.out, "+from main")) << p.out;
  EXPECT_FALSE(Contains(p.out, "e.txt")) << p.out;
  json pj = In(Ws(), {"evolog", "-p", "exp@"});
  ASSERT_EQ(pj[0]["diffs"].size(), 1u);
  EXPECT_EQ(pj[0]["diffs"][0]["added"].size(), 1u) << pj.dump(1);
  EXPECT_EQ(pj[1]["diffs"], json::array());
}

TEST_F(EvologTest, VersionCollectedByGcIsNamedNotFatal) {
  Write("a.txt", "one\n");
  const std::string v1 = Snap("first");
  const std::string v2 = Described("second");
  // Only the describe stays in the log: the snapshot operation (the one view
  // naming v1) is cut, and v1 with it.
  json plan = RunJson({"gc", "plan", "--keep-last", "1", "--grace-minutes", "0"});
  ASSERT_OK(Run({"gc", "run", "--plan-id", plan["plan_id"].get<std::string>()}));
  RunResult gone = Run({"diff", v1, "@"});
  ASSERT_NE(gone.exit_code, 0) << "gc should have collected the old version: " << gone.Describe();

  json log = RunJson({"evolog"});
  ASSERT_EQ(log.size(), 2u) << log.dump(1);
  EXPECT_EQ(log[0]["snapshot_id"], v2);
  EXPECT_EQ(log[1]["snapshot_id"], v1);
  EXPECT_TRUE(log[1]["collected"].get<bool>());
  EXPECT_TRUE(log[1]["note"].is_null());
  RunResult t = Run({"evolog", "-p"});
  ASSERT_OK(t);
  EXPECT_TRUE(Contains(t.out, "(collected by gc)")) << t.out;
  json pj = RunJson({"evolog", "-p"});
  EXPECT_TRUE(pj[0]["diffs"][0]["collected"].get<bool>()) << pj.dump(1);
  // The collected version by its full id: listed, not an error.
  json direct = RunJson({"evolog", v1});
  ASSERT_EQ(direct.size(), 1u);
  EXPECT_TRUE(direct[0]["collected"].get<bool>());
  // history --hidden leaves it out (nothing to show); an unknown full id fails.
  EXPECT_FALSE(Listed({"--hidden"}).count(v1));
  ExpectError(Ws(), {"evolog", std::string(64, 'a')}, 1);
}

TEST_F(EvologTest, HiddenSnapshotsAreListedAndReachableById) {
  Write("a.txt", "one\n");
  const std::string v1 = Snap("first");
  Write("a.txt", "two\n");
  const std::string w1 = Snap("second");
  const std::string w2 = Described("second, described");

  auto plain = Listed({});
  EXPECT_FALSE(plain.count(w1));
  EXPECT_FALSE(plain[w2]["hidden"].get<bool>());
  for (const auto& args : std::vector<std::vector<std::string>>{{"--hidden"}, {"--all", "--hidden"}}) {
    auto hidden = Listed(args);
    ASSERT_TRUE(hidden.count(w1)) << "history " << args.size();
    EXPECT_TRUE(hidden[w1]["hidden"].get<bool>());
    EXPECT_FALSE(hidden[w2]["hidden"].get<bool>());
    EXPECT_FALSE(hidden[v1]["hidden"].get<bool>());
  }
  RunResult t = Run({"history", "--hidden"});
  ASSERT_OK(t);
  bool marked = false;
  for (size_t at = 0, end; at < t.out.size(); at = end + 1) {
    end = t.out.find('\n', at);
    if (end == std::string::npos) end = t.out.size();
    std::string line = t.out.substr(at, end - at);
    if (Contains(line, w1.substr(0, 8))) marked = Contains(line, "hidden");
  }
  EXPECT_TRUE(marked) << t.out;
  RunResult graph = Run({"history", "--all", "--hidden"});
  ASSERT_OK(graph);
  EXPECT_TRUE(Contains(graph.out, "x " + w1.substr(0, 8))) << graph.out;

  // By id (prefix): diff, restore.
  RunResult d = Run({"diff", w1.substr(0, 12), w2.substr(0, 12), "--name-only"});
  ASSERT_OK(d);
  EXPECT_EQ(d.out, "");
  ASSERT_OK(Run({"restore", w1.substr(0, 12)}));
  EXPECT_EQ(Head(Ws()), w1);
}

TEST_F(EvologTest, DivergenceIsShownInHistoryAndStatus) {
  Write("a.txt", "v1\n");
  const std::string a = Snap("first");
  const std::string na = Described("first, described");
  json st = RunJson({"status"});
  EXPECT_FALSE(st["head_divergent"].get<bool>());
  EXPECT_EQ(st["divergent_snapshot_ids"], json::array());
  EXPECT_FALSE(Listed({})[na]["divergent"].get<bool>());
  // A tag on the old version makes it visible again: two visible snapshots of one change.
  ASSERT_OK(Run({"tag", "set", "old", a}));

  auto all = Listed({"--all"});
  ASSERT_TRUE(all.count(a) && all.count(na));
  EXPECT_TRUE(all[a]["divergent"].get<bool>());
  EXPECT_TRUE(all[na]["divergent"].get<bool>());
  EXPECT_FALSE(all[a]["hidden"].get<bool>());
  RunResult h = Run({"history", "--all"});
  ASSERT_OK(h);
  EXPECT_TRUE(Contains(h.out, "divergent")) << h.out;

  st = RunJson({"status"});
  EXPECT_TRUE(st["head_divergent"].get<bool>());
  EXPECT_EQ(st["divergent_snapshot_ids"].size(), 2u);
  RunResult s = Run({"status"});
  ASSERT_OK(s);
  EXPECT_TRUE(Contains(s.out, "is divergent")) << s.out;
  EXPECT_TRUE(Contains(s.out, "abandon one of them (jvs abandon ID) or describe one as a new change")) << s.out;
  EXPECT_TRUE(Contains(s.out, a.substr(0, 8))) << s.out;
}

TEST_F(EvologTest, RestoreLatestTag) {
  Write("a.txt", "1\n");
  const std::string s1 = Snap("one", {"v1"});
  Write("a.txt", "2\n");
  const std::string s2 = Snap("two", {"v2"});
  Write("a.txt", "3\n");
  const std::string s3 = Snap("three", {"release"});
  Write("a.txt", "4\n");
  Snap("four");

  // Equal times (the clock is pinned): the descendant is the newest.
  json r = RunJson({"restore", "--latest-tag"});
  EXPECT_EQ(r["snapshot_id"], s3);
  EXPECT_EQ(r["tag"], "release");
  EXPECT_EQ(Read("a.txt"), "3\n");
  r = RunJson({"restore", "--latest-tag", "v*"});
  EXPECT_EQ(r["snapshot_id"], s2);
  EXPECT_EQ(r["tag"], "v2");
  EXPECT_EQ(Read("a.txt"), "2\n");
  RunResult t = Run({"restore", "--latest-tag", "v[1]"});
  ASSERT_OK(t);
  EXPECT_TRUE(Contains(t.out, "(tag v1)")) << t.out;
  EXPECT_EQ(Head(Ws()), s1);

  // A later time wins over the line's order.
  Write("b.txt", "b\n");
  RunResult later = JvsEnv(Ws(), {"--json", "snapshot", "-m", "later", "--tag", "v0"},
                           {{"JVS_TIMESTAMP", "2026-06-01T00:00:00Z"}});
  ASSERT_OK(later);
  const std::string s0 = later.Json()["snapshot_id"].get<std::string>();
  ASSERT_OK(Run({"restore", s2}));
  EXPECT_EQ(RunJson({"restore", "--latest-tag", "v*"})["snapshot_id"], s0);

  RunResult none = ExpectError(Ws(), {"restore", "--latest-tag", "nightly-*"}, 1, "no tag matches");
  EXPECT_TRUE(Contains(none.err, "release")) << none.err;
  ExpectError(Ws(), {"restore", "--latest-tag", "v*", "v1"}, 2);
  ExpectError(Ws(), {"restore", "--abort", "--latest-tag"}, 2);
}

TEST_F(EvologTest, NoTagsAtAll) {
  Write("a.txt", "1\n");
  Snap("one");
  RunResult r = ExpectError(Ws(), {"restore", "--latest-tag"}, 1, "no tags");
  EXPECT_TRUE(Contains(r.err, "tag")) << r.err;
}

}  // namespace
}  // namespace jvs::e2e
