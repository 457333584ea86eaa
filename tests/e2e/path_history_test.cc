// Following paths through history (issue 19): `jvs history -- PATH` and the
// revset function files(PATTERN) list exactly the snapshots that changed a
// path, checked against a brute-force model of every snapshot's files;
// regex: patterns; revset aliases and revsets.history from the
// configuration.
#include <map>
#include <random>
#include <string>
#include <vector>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::Contains;
using Files = std::map<std::string, std::string>;  // path -> content

class PathHistoryTest : public RepoTest {
 protected:
  std::vector<std::string> Ids(std::vector<std::string> args) const {
    json j = RunJson(std::move(args));
    std::vector<std::string> out;
    for (const auto& s : j) out.push_back(s["snapshot_id"].get<std::string>());
    return out;
  }
  void Remove(const std::string& rel) const { fs::remove_all(Ws() / rel); }
};

// The files at or below `p` ("" = every file).
Files Below(const Files& f, const std::string& p) {
  Files out;
  for (const auto& [path, content] : f)
    if (p.empty() || path == p || path.rfind(p + "/", 0) == 0) out[path] = content;
  return out;
}

TEST_F(PathHistoryTest, HistoryOfAPathEqualsABruteForceWalk) {
  const std::vector<std::string> names = {"a.txt", "d/b.txt", "d/e/c.txt", "f.csv", "d/g.csv"};
  std::mt19937 rng(7);
  std::vector<Files> states;  // the files of each snapshot, oldest first
  std::vector<std::string> ids;
  Files cur;
  for (int step = 0; step < 24; ++step) {
    Files before = cur;
    while (cur == before) {
      const std::string& n = names[rng() % names.size()];
      switch (rng() % 4) {
        case 0:  // delete it (or the whole folder d/e)
          if (n == "d/e/c.txt" && rng() % 2) {
            Remove("d/e");
            cur.erase("d/e/c.txt");
          } else if (cur.count(n)) {
            Remove(n);
            cur.erase(n);
          }
          break;
        case 1:  // back to an earlier content: the tree ids repeat
          Write(n, "v0\n");
          cur[n] = "v0\n";
          break;
        default: {
          std::string c = "v" + std::to_string(step) + "\n";
          Write(n, c);
          cur[n] = c;
        }
      }
    }
    ids.push_back(Snap("step " + std::to_string(step)));
    states.push_back(cur);
  }
  for (std::string p : {"a.txt", "d", "d/e", "d/e/c.txt", "f.csv", "nosuch"}) {
    std::vector<std::string> expected;  // newest first
    for (size_t i = states.size(); i-- > 0;) {
      Files prev = i ? Below(states[i - 1], p) : Files();
      if (Below(states[i], p) != prev) expected.push_back(ids[i]);
    }
    EXPECT_EQ(Ids({"history", "--", p}), expected) << p;
    EXPECT_EQ(Ids({"history", "-r", "files(\"" + p + "\")"}), expected) << p;
    if (expected.size() > 2) {
      EXPECT_EQ(Ids({"history", "-n", "2", "--", p}), std::vector<std::string>(expected.begin(), expected.begin() + 2));
    }
  }
  // A path from a subdirectory is relative to it, as in diff and restore.
  std::vector<std::string> d_e;
  for (size_t i = states.size(); i-- > 0;)
    if (Below(states[i], "d/e") != (i ? Below(states[i - 1], "d/e") : Files())) d_e.push_back(ids[i]);
  fs::create_directories(Ws() / "d");
  RunResult r = Jvs(Ws() / "d", {"--json", "history", "--", "e"});
  ASSERT_OK(r);
  std::vector<std::string> got;
  for (const auto& s : r.Json()) got.push_back(s["snapshot_id"].get<std::string>());
  EXPECT_EQ(got, d_e);

  // glob: matches the changed paths themselves (`*` crosses '/').
  std::vector<std::string> csv;
  for (size_t i = states.size(); i-- > 0;) {
    Files prev = i ? states[i - 1] : Files();
    bool changed = false;
    for (std::string p : {"f.csv", "d/g.csv"}) changed = changed || Below(states[i], p) != Below(prev, p);
    if (changed) csv.push_back(ids[i]);
  }
  EXPECT_EQ(Ids({"history", "-r", "files(glob:\"*.csv\")"}), csv);
  EXPECT_EQ(Ids({"history", "-r", "files(regex:\"\\\\.csv$\")"}), csv);
}

TEST_F(PathHistoryTest, TextSaysWhenNoSnapshotChangedThePath) {
  Write("a.txt", "1\n");
  Snap("one");
  RunResult r = Run({"history", "--", "nosuch.txt"});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.out, "No snapshot changed 'nosuch.txt' on this line")) << r.out;
  r = Run({"history", "--", "a.txt"});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.out, "one")) << r.out;
  r = Run({"history", "--", "../outside"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  r = Run({"history", "-r", "files(\"../x\")"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "files(")) << r.err;
}

TEST_F(PathHistoryTest, AMergeChangedOnlyWhatItChangedItself) {
  Write("a.txt", "1\n");
  Write("b.txt", "1\n");
  const std::string base = Snap("base");
  fs::path other = Fork("other");
  WriteAt(other / "b.txt", "2\n");
  const std::string theirs = SnapIn(other, "b in other");
  Write("a.txt", "2\n");
  const std::string ours = Snap("a in main");
  json m = RunJson({"merge", "other@"});
  ASSERT_TRUE(m.is_object()) << m.dump();
  const std::string merge = Head(Ws());
  ASSERT_NE(merge, ours);
  // The merge took each side as it was: it changed neither file itself.
  EXPECT_EQ(Ids({"history", "-r", "files(\"b.txt\")"}), (std::vector<std::string>{theirs, base}));
  EXPECT_EQ(Ids({"history", "-r", "files(\"a.txt\")"}), (std::vector<std::string>{ours, base}));
}

TEST_F(PathHistoryTest, RegexPatternsAndTheirErrors) {
  Write("a.txt", "1\n");
  const std::string a = Snap("epoch 1 done");
  Write("a.txt", "2\n");
  const std::string b = Snap("epoch 12 done");
  Write("a.txt", "3\n");
  Snap("cleanup");
  EXPECT_EQ(Ids({"history", "-r", "note(regex:\"^epoch [0-9]+ \")"}), (std::vector<std::string>{b, a}));
  EXPECT_EQ(Ids({"history", "-r", "note(regex:\"epoch [0-9]{2}\")"}), std::vector<std::string>{b});
  RunResult r = Run({"history", "-r", "note(regex:\"(\")"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "invalid regular expression")) << r.err;
  EXPECT_TRUE(Contains(r.err, "^")) << r.err;
}

TEST_F(PathHistoryTest, AliasesAndTheDefaultRevsetComeFromTheConfiguration) {
  Write("a.txt", "1\n");
  const std::string a = Snap("first epoch");
  Write("a.txt", "2\n");
  const std::string b = Snap("second");
  ASSERT_OK(Run({"config", "set", "revset-aliases.epochs()", "note(epoch)"}));
  ASSERT_OK(Run({"config", "set", "revset-aliases.around(x)", "x- | x | x+"}));
  EXPECT_EQ(Ids({"history", "-r", "epochs()"}), std::vector<std::string>{a});
  EXPECT_EQ(Ids({"history", "-r", "around(" + a + ")"}), (std::vector<std::string>{b, a}));
  RunResult g = Run({"config", "get", "revset-aliases.epochs()"});
  ASSERT_OK(g);
  EXPECT_EQ(g.out, "note(epoch)\n");
  // The file is valid TOML that a person can edit.
  std::string toml = ReadAt(Root() / ".jvs" / "config.toml");
  EXPECT_TRUE(Contains(toml, "[revset-aliases]")) << toml;
  EXPECT_TRUE(Contains(toml, "'epochs()' = 'note(epoch)'")) << toml;
  ASSERT_OK(Run({"config", "set", "revset-aliases.epochs()", "note(\"epoch\")"}));
  toml = ReadAt(Root() / ".jvs" / "config.toml");
  EXPECT_TRUE(Contains(toml, "'epochs()' = 'note(\"epoch\")'\n'around(x)'")) << toml;
  // An alias whose body is wrong names the alias.
  ASSERT_OK(Run({"config", "set", "revset-aliases.broken", "heads(@ &)"}));
  RunResult r = Run({"history", "-r", "broken"});
  EXPECT_NE(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "broken")) << r.err;
  ASSERT_OK(Run({"config", "unset", "revset-aliases.broken"}));

  // revsets.history: what history lists by default; -r and --all still win.
  ASSERT_OK(Run({"config", "set", "revsets.history", "epochs()"}));
  EXPECT_EQ(Ids({"history"}), std::vector<std::string>{a});
  EXPECT_EQ(Ids({"history", "-r", "@"}), std::vector<std::string>{b});
  EXPECT_EQ(Ids({"history", "--all"}).size(), 2u);
}

}  // namespace
}  // namespace jvs::e2e
