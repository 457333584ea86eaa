// jvs history -r REVSET as a user meets it (issue 19): exactly the set,
// newest first, in text (a graph) and JSON; -r with -n, --tag and --grep;
// -r with --all or --hidden is a usage error; a syntax error is drawn with a
// caret (exit 2); an unknown symbol names the column; a hidden snapshot named
// by id and hidden() are listed, marked hidden.
#include <string>
#include <vector>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::Contains;

class RevsetTest : public RepoTest {
 protected:
  // The ids `history -r REVSET [extra]` lists, in order.
  std::vector<std::string> Ids(const std::string& revset, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"history", "-r", revset};
    args.insert(args.end(), extra.begin(), extra.end());
    json j = RunJson(args);
    std::vector<std::string> out;
    for (const auto& s : j) out.push_back(s["snapshot_id"].get<std::string>());
    return out;
  }
};

TEST_F(RevsetTest, ListsExactlyTheSetNewestFirst) {
  Write("a.txt", "1\n");
  const std::string a = Snap("first");
  Write("a.txt", "2\n");
  const std::string b = Snap("second epoch", {"v1"});
  Write("a.txt", "3\n");
  const std::string c = Snap("third");
  using V = std::vector<std::string>;
  EXPECT_EQ(Ids("::@"), (V{c, b, a}));
  EXPECT_EQ(Ids("@"), V{c});
  EXPECT_EQ(Ids("v1"), V{b});
  EXPECT_EQ(Ids("v1::"), (V{c, b}));
  EXPECT_EQ(Ids("@-"), V{b});
  EXPECT_EQ(Ids("root()"), V{a});
  EXPECT_EQ(Ids("note(glob:\"*epoch*\")"), V{b});
  EXPECT_EQ(Ids("tags() | latest(all())"), (V{c, b}));
  EXPECT_EQ(Ids("none()"), V{});
  EXPECT_EQ(Ids(a.substr(0, 10) + "::"), (V{c, b, a}));
  // With -n, --tag and --grep.
  EXPECT_EQ(Ids("all()", {"-n", "2"}), (V{c, b}));
  EXPECT_EQ(Ids("all()", {"--tag", "v1"}), V{b});
  EXPECT_EQ(Ids("::@", {"--grep", "ir"}), (V{c, a}));

  // The text form is the graph of --all (children above parents).
  RunResult r = Run({"history", "-r", "::@"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Contains(r.out, "third")) << r.out;
  EXPECT_TRUE(Contains(r.out, "(v1)")) << r.out;
  EXPECT_LT(r.out.find("third"), r.out.find("first")) << r.out;
  r = Run({"history", "-r", "none()"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Contains(r.out, "No snapshots match.")) << r.out;
}

TEST_F(RevsetTest, HiddenSnapshotsWhenAskedFor) {
  Write("a.txt", "1\n");
  Snap("first");
  Write("a.txt", "2\n");
  const std::string b = Snap("second");
  json d = RunJson({"describe", "-m", "second, described"});
  const std::string nb = d["new_snapshot_id"].get<std::string>();
  EXPECT_EQ(Ids("hidden()"), std::vector<std::string>{b});
  json j = RunJson({"history", "-r", b});
  ASSERT_EQ(j.size(), 1u);
  EXPECT_TRUE(j[0]["hidden"].get<bool>());
  EXPECT_EQ(Ids("all() ~ root()"), std::vector<std::string>{nb});
  RunResult r = Run({"history", "-r", "hidden()"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Contains(r.out, "hidden")) << r.out;
}

TEST_F(RevsetTest, ErrorsPointAtTheExpression) {
  Write("a.txt", "1\n");
  Snap("first");
  RunResult r = Run({"history", "-r", "heads(@ &)"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "heads(@ &)")) << r.err;
  EXPECT_TRUE(Contains(r.err, "         ^")) << r.err;
  EXPECT_TRUE(Contains(r.err, "hint:")) << r.err;

  r = Run({"history", "-r", "@ | nosuch"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "column 5")) << r.err;
  EXPECT_TRUE(Contains(r.err, "unknown reference 'nosuch'")) << r.err;
  EXPECT_TRUE(Contains(r.err, "    ^")) << r.err;
  EXPECT_EQ(Ids("present(nosuch) | @").size(), 1u);

  r = Run({"history", "-r", "tags(after:\"2020-01-01\")"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "takes a string pattern")) << r.err;

  r = Run({"history", "-r", "heds(@)"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "heads")) << r.err;

  r = Run({"history", "-r", "@", "--all"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  r = Run({"history", "-r", "@", "--hidden"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "hidden()")) << r.err;
}

}  // namespace
}  // namespace jvs::e2e

namespace jvs::e2e {
namespace {

// -r on the commands that take one snapshot (restore, tag set) or a set
// (verify), and diff --from/--to: references and revsets alike; a revset
// naming several where one is needed lists them.
TEST_F(RevsetTest, RevisionOptionsOnOtherCommands) {
  Write("a.txt", "1\n");
  const std::string a = Snap("first epoch");
  Write("a.txt", "2\n");
  const std::string b = Snap("second");
  Write("a.txt", "3\n");
  const std::string c = Snap("third");

  json t = RunJson({"tag", "set", "ep", "-r", "latest(note(epoch))"});
  EXPECT_EQ(t["snapshot_id"], a);
  RunResult r = Run({"tag", "set", "two", "-r", "::@"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "names 3 snapshots where one is needed")) << r.err;
  r = Run({"tag", "set", "two", "@", "-r", "@"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();

  json v = RunJson({"verify", "-r", "::@ ~ @"});
  EXPECT_EQ(v["snapshots"].size(), 2u) << v.dump();
  r = Run({"verify", "-r", "none()"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "names no snapshot")) << r.err;
  r = Run({"verify", "--all", "-r", "@"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();

  json d = RunJson({"diff", "--from", "ep", "--to", "@-"});
  EXPECT_EQ(d["from_snapshot_id"], a);
  EXPECT_EQ(d["to_snapshot_id"], b);
  d = RunJson({"diff", "--from", "latest(note(epoch))"});
  EXPECT_EQ(d["from_snapshot_id"], a);
  EXPECT_TRUE(d["to_snapshot_id"].is_null());
  r = Run({"diff", "--from", "@", "@-"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();

  json rs = RunJson({"restore", "-r", "parents(@)"});
  EXPECT_EQ(Read("a.txt"), "2\n");
  EXPECT_EQ(Head(Ws()), b);
  r = Run({"restore", "-r", "all()"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "where one is needed")) << r.err;
  (void)c;
  (void)rs;
}

}  // namespace
}  // namespace jvs::e2e
