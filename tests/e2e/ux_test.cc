// End-to-end tests of the parts of the command line made for people: colour
// only where it belongs (never on pipes, NO_COLOR, --no-color; always with
// --color=always, and never in JSON), relative times, the graph of
// `history --all`, and "did you mean" for mistyped commands, options, tags,
// references and worktrees. (Progress on a real terminal: tty_test.cc.)
#include <sstream>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {


std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// JVS_TIMESTAMP `minute` minutes after 2026-01-01T00:00:00Z (in seconds since the epoch).
std::string At(int minute) { return std::to_string(1767225600LL + minute * 60LL); }

class UxTest : public RepoTest {
 protected:
  RunResult RunAt(int minute, const fs::path& cwd, std::vector<std::string> args,
                  EnvOverrides env = {}) const {
    env["JVS_TIMESTAMP"] = At(minute);
    return JvsEnv(cwd, std::move(args), env);
  }
  json JsonAt(int minute, const fs::path& cwd, std::vector<std::string> args) const {
    args.insert(args.begin(), "--json");
    RunResult r = RunAt(minute, cwd, std::move(args));
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return r.exit_code == 0 ? r.Json() : json();
  }
  // Snapshot in `cwd` at `minute`; returns {id, short_id}.
  std::pair<std::string, std::string> SnapAt(int minute, const fs::path& cwd,
                                             const std::string& note) const {
    json j = JsonAt(minute, cwd, {"snapshot", note});
    return {j.value("snapshot_id", ""), j.value("short_id", "")};
  }
  // Same, the second as history shows a snapshot: its short id and its change id (8 letters).
  std::pair<std::string, std::string> SnapShownAt(int minute, const fs::path& cwd,
                                                  const std::string& note) const {
    json j = JsonAt(minute, cwd, {"snapshot", note});
    return {j.value("snapshot_id", ""), j.value("short_id", "") + " " + j.value("change_id", "").substr(0, 8)};
  }
};

TEST_F(UxTest, NoColourOnPipes) {
  Write("a.txt", "a\n");
  Snap("first", {"v1"});
  Write("a.txt", "b\n");
  for (const auto& args : std::vector<std::vector<std::string>>{{"history"},
                                                                {"history", "--all"},
                                                                {"op", "log"},
                                                                {"status"},
                                                                {"tag", "list"},
                                                                {"snapshot", "second"},
                                                                {"restore", "v1"},
                                                                {"snapshto"}}) {
    RunResult r = JvsEnv(Ws(), args, {{"TERM", "xterm-256color"}});
    EXPECT_FALSE(Contains(r.out, "\x1b[")) << "no escape codes on a pipe\n" << r.Describe();
    EXPECT_FALSE(Contains(r.err, "\x1b[")) << "no escape codes (and no progress) on a pipe\n"
                                           << r.Describe();
  }
}

TEST_F(UxTest, ColorAlwaysAndNever) {
  Write("a.txt", "a\n");
  std::string a = Snap("first", {"v1"});
  RunResult plain = Run({"history", "--all"});
  ASSERT_OK(plain);
  RunResult always = Run({"--color=always", "history", "--all"});
  ASSERT_OK(always);
  // The unique part of the id (at least 4 digits: what a reference needs) is
  // bold blue; the rest of the short id is dimmed.
  EXPECT_TRUE(Contains(always.out, "\x1b[1;34m" + a.substr(0, 4))) << always.Describe();
  EXPECT_TRUE(Contains(always.out, "\x1b[90m" + a.substr(4, 4))) << always.Describe();
  EXPECT_TRUE(Contains(always.out, "\x1b[1;32m@\x1b[0m")) << "the head glyph\n"
                                                          << always.Describe();
  EXPECT_TRUE(Contains(always.out, "\x1b[33mv1\x1b[0m")) << "tags\n" << always.Describe();
  EXPECT_TRUE(Contains(Run({"--color", "always", "op", "log"}).out, "\x1b[")) << "op log";
  // --color=always wins over NO_COLOR; never / --no-color / NO_COLOR alone turn it off.
  EXPECT_TRUE(
      Contains(JvsEnv(Ws(), {"--color=always", "history"}, {{"NO_COLOR", "1"}}).out, "\x1b["));
  EXPECT_EQ(Run({"--color=never", "history", "--all"}).out, plain.out);
  EXPECT_EQ(Run({"--no-color", "history", "--all"}).out, plain.out);
  EXPECT_EQ(JvsEnv(Ws(), {"history", "--all"}, {{"NO_COLOR", "1"}}).out, plain.out);
  // Without escape codes, the coloured text is the plain text.
  std::string stripped;
  for (size_t i = 0; i < always.out.size(); ++i) {
    if (always.out[i] == '\x1b') {
      i = always.out.find('m', i);
      continue;
    }
    stripped += always.out[i];
  }
  EXPECT_EQ(stripped, plain.out);
  ExpectError(Ws(), {"--color=sometimes", "history"}, 2, "sometimes");
}

TEST_F(UxTest, JsonNeverColoured) {
  Write("a.txt", "a\n");
  Snap("first", {"v1"});
  for (const auto& args : std::vector<std::vector<std::string>>{{"history"},
                                                                {"history", "--all"},
                                                                {"op", "log"},
                                                                {"tag", "list"},
                                                                {"status"},
                                                                {"worktree", "list"}}) {
    std::vector<std::string> plain_args{"--json"}, color_args{"--json", "--color=always"};
    plain_args.insert(plain_args.end(), args.begin(), args.end());
    color_args.insert(color_args.end(), args.begin(), args.end());
    RunResult plain = Run(plain_args), colored = Run(color_args);
    EXPECT_OK(colored);
    EXPECT_EQ(colored.out, plain.out) << "JSON is byte-identical whatever the colour options";
    EXPECT_FALSE(Contains(colored.out, "\x1b[")) << colored.Describe();
  }
}

TEST_F(UxTest, RelativeTimes) {
  Write("a.txt", "a\n");
  SnapAt(0, Ws(), "first");
  Write("a.txt", "b\n");
  SnapAt(57, Ws(), "second");
  RunResult h = RunAt(60, Ws(), {"history"});
  ASSERT_OK(h);
  auto lines = Lines(h.out);
  ASSERT_EQ(lines.size(), 2u) << h.Describe();
  EXPECT_TRUE(Contains(lines[0], "  3 minutes ago  second")) << h.Describe();
  EXPECT_TRUE(Contains(lines[1], "  60 minutes ago  first")) << h.Describe();
  EXPECT_TRUE(Contains(RunAt(60 + 5 * 24 * 60, Ws(), {"history"}).out, "5 days ago  second"));
  EXPECT_TRUE(Contains(RunAt(57, Ws(), {"history"}).out, "just now  second"));
  RunResult ops = RunAt(59, Ws(), {"op", "log"});
  ASSERT_OK(ops);
  EXPECT_TRUE(Contains(Lines(ops.out)[0], "  2 minutes ago  test@testhost")) << ops.Describe();
  // JSON keeps the exact times.
  json j = JsonAt(60, Ws(), {"history"});
  ASSERT_TRUE(j.is_array() && j.size() == 2u);
  EXPECT_EQ(j[0]["created_at"].get<std::string>().substr(0, 19), "2026-01-01T00:57:00");
}

// Three worktrees: main (a, b, c), exp forked from a (e1), exp2 forked from e1 (f1).
class GraphTest : public UxTest {
 protected:
  void SetUp() override {
    UxTest::SetUp();
    Write("f", "1");
    std::tie(a_, sa_) = SnapShownAt(1, Ws(), "a");
    Write("f", "2");
    std::tie(b_, sb_) = SnapShownAt(2, Ws(), "b");
    ASSERT_OK(RunAt(3, Ws(), {"worktree", "fork", a_, "exp"}));
    fs::path exp = Root() / "worktrees/exp";
    testing::WriteFile(exp / "g", "e");
    std::tie(e1_, se1_) = SnapShownAt(4, exp, "e1");
    ASSERT_OK(RunAt(5, exp, {"worktree", "fork", "exp2"}));
    fs::path exp2 = Root() / "worktrees/exp2";
    testing::WriteFile(exp2 / "h", "f");
    std::tie(f1_, sf1_) = SnapShownAt(6, exp2, "f1");
    Write("f", "3");
    std::tie(c_, sc_) = SnapShownAt(7, Ws(), "c");
  }
  std::string a_, b_, c_, e1_, f1_;
  std::string sa_, sb_, sc_, se1_, sf1_;  // as history shows them (short id, change id)
};

TEST_F(GraphTest, HistoryAllIsAGraph) {
  RunResult r = RunAt(10, Ws(), {"history", "--all"}, {{"LC_ALL", "C.UTF-8"}});
  ASSERT_OK(r);
  EXPECT_EQ(r.out, "@ " + sc_ + "  3 minutes ago  main  c\n" + "│ o " + sf1_ +
                       "  4 minutes ago  exp2  f1\n" + "│ o " + se1_ +
                       "  6 minutes ago  exp  e1\n" + "o │ " + sb_ + "  8 minutes ago  main  b\n" +
                       "├─╯\n" + "o " + sa_ + "  9 minutes ago  main  a\n")
      << r.Describe();
  // Without a UTF-8 locale the same graph is drawn in ASCII.
  RunResult ascii = RunAt(10, Ws(), {"history", "--all"}, {{"LC_ALL", "C"}});
  ASSERT_OK(ascii);
  auto lines = Lines(ascii.out);
  ASSERT_EQ(lines.size(), 6u) << ascii.Describe();
  EXPECT_EQ(lines[1].rfind("| o " + sf1_, 0), 0u) << ascii.Describe();
  EXPECT_EQ(lines[4], "|-'") << ascii.Describe();
  // From another worktree, '@' marks that worktree's head.
  RunResult from_exp =
      RunAt(10, Root() / "worktrees/exp", {"history", "--all"}, {{"LC_ALL", "C.UTF-8"}});
  ASSERT_OK(from_exp);
  EXPECT_TRUE(Contains(from_exp.out, "│ @ " + se1_)) << from_exp.Describe();
  EXPECT_TRUE(Contains(from_exp.out, "o " + sc_)) << from_exp.Describe();
  // A limited history marks where lines continue beyond it with '~'.
  RunResult two = RunAt(10, Ws(), {"history", "--all", "-n", "2"}, {{"LC_ALL", "C.UTF-8"}});
  EXPECT_EQ(two.out, "@ " + sc_ + "  3 minutes ago  main  c\n" + "~\n" + "o " + sf1_ +
                         "  4 minutes ago  exp2  f1\n~\n")
      << two.Describe();
}

TEST_F(GraphTest, RestoreThenNewLine) {
  ASSERT_OK(RunAt(8, Ws(), {"restore", a_}));
  Write("f", "4");
  auto [d, sd] = SnapAt(9, Ws(), "d");
  RunResult r = RunAt(10, Ws(), {"history", "--all"}, {{"LC_ALL", "en_US.UTF-8"}});
  ASSERT_OK(r);
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 7u) << r.Describe();
  EXPECT_EQ(lines[0].rfind("@ " + sd, 0), 0u) << r.Describe();
  EXPECT_EQ(lines[1].rfind("│ o " + sc_, 0), 0u) << r.Describe();
  EXPECT_EQ(lines[2].rfind("│ │ o " + sf1_, 0), 0u) << r.Describe();
  EXPECT_EQ(lines[3].rfind("│ │ o " + se1_, 0), 0u) << r.Describe();
  EXPECT_EQ(lines[4].rfind("│ o │ " + sb_, 0), 0u) << r.Describe();
  EXPECT_EQ(lines[5], "├─┴─╯") << r.Describe();
  EXPECT_EQ(lines[6].rfind("o " + sa_, 0), 0u) << r.Describe();
}

TEST_F(UxTest, DidYouMeanCommand) {
  RunResult r = ExpectError(Ws(), {"snapshto"}, 2, "unknown command 'snapshto'");
  EXPECT_TRUE(Contains(r.err, "hint: did you mean 'snapshot'?")) << r.Describe();
  r = ExpectError(Ws(), {"histroy", "--all"}, 2, "unknown command 'histroy'");
  EXPECT_TRUE(Contains(r.err, "did you mean 'history'?")) << r.Describe();
  r = ExpectError(Ws(), {"-R", ".", "tag", "lsit"}, 2, "unknown command 'tag lsit'");
  EXPECT_TRUE(Contains(r.err, "did you mean 'list'?")) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "'jvs tag --help'")) << r.Describe();
  r = ExpectError(Ws(), {"wt", "frok", "x"}, 2, "unknown command 'worktree frok'");
  EXPECT_TRUE(Contains(r.err, "did you mean 'fork'?")) << r.Describe();
  r = ExpectError(Ws(), {"frobnicate"}, 2, "unknown command 'frobnicate'");
  EXPECT_FALSE(Contains(r.err, "did you mean")) << "nothing close: no guess\n" << r.Describe();
  RunResult j = Run({"--json", "snapshto"});
  EXPECT_EQ(j.exit_code, 2);
  EXPECT_EQ(j.Json()["error"]["hint"].get<std::string>().rfind("did you mean 'snapshot'?", 0), 0u)
      << j.Describe();
}

TEST_F(UxTest, DidYouMeanOption) {
  RunResult r = ExpectError(Ws(), {"snapshot", "--mesage", "x"}, 2,
                            "unknown option '--mesage' for 'jvs snapshot'");
  EXPECT_TRUE(Contains(r.err, "did you mean '--message'?")) << r.Describe();
  r = ExpectError(Ws(), {"history", "--al"}, 2, "--al");
  EXPECT_TRUE(Contains(r.err, "did you mean '--all'?")) << r.Describe();
  r = ExpectError(Ws(), {"--jsno", "status"}, 2, "unknown option '--jsno'");
  EXPECT_TRUE(Contains(r.err, "did you mean '--json'?")) << r.Describe();
  r = ExpectError(Ws(), {"status", "--no-colour"}, 2, "--no-colour");
  EXPECT_TRUE(Contains(r.err, "did you mean '--no-color'?")) << "global options count too\n"
                                                             << r.Describe();
  r = ExpectError(Ws(), {"history", "-n", "3", "--grpe=x"}, 2, "unknown option '--grpe'");
  EXPECT_TRUE(Contains(r.err, "did you mean '--grep'?")) << r.Describe();
}

TEST_F(UxTest, DidYouMeanTagReferenceAndWorktree) {
  Write("a.txt", "a\n");
  Snap("first", {"baseline"});
  Write("a.txt", "b\n");
  Snap("second");
  RunResult r = ExpectError(Ws(), {"restore", "baselin"}, 1, "unknown reference 'baselin'");
  EXPECT_TRUE(Contains(r.err, "hint: did you mean 'baseline'?")) << r.Describe();
  EXPECT_EQ(Read("a.txt"), "b\n") << "nothing was restored";
  r = ExpectError(Ws(), {"diff", "baseline", "lates"}, 1, "'lates'");
  EXPECT_TRUE(Contains(r.err, "did you mean 'latest'?")) << r.Describe();
  r = ExpectError(Ws(), {"tag", "delete", "basline"}, 1, "no tag named 'basline'");
  EXPECT_TRUE(Contains(r.err, "did you mean 'baseline'?")) << r.Describe();
  RunResult h = Run({"--json", "history", "--tag", "baselien"});
  EXPECT_OK(h);
  EXPECT_EQ(h.out, "[]\n") << "the JSON output is unchanged";
  EXPECT_TRUE(Contains(h.err, "there is no tag 'baselien'; did you mean 'baseline'?")) << h.Describe();
  r = ExpectError(Ws(), {"restore", "zzzzzz"}, 1, "unknown reference 'zzzzzz'");
  EXPECT_FALSE(Contains(r.err, "did you mean")) << r.Describe();
  ASSERT_OK(Run({"worktree", "fork", "experiment"}));
  r = ExpectError(Ws(), {"worktree", "path", "experimnt"}, 1,
                  "worktree 'experimnt' does not exist");
  EXPECT_TRUE(Contains(r.err, "did you mean 'experiment'?")) << r.Describe();
  r = ExpectError(Ws(), {"worktree", "remove", "experimet"}, 1, "experimet");
  EXPECT_TRUE(Contains(r.err, "did you mean 'experiment'?")) << r.Describe();
  EXPECT_TRUE(fs::exists(Root() / "worktrees/experiment"));
  // A worktree name is not a reference: the hint says where its snapshots are.
  r = ExpectError(Ws(), {"restore", "experiment"}, 1, "unknown reference 'experiment'");
  EXPECT_TRUE(Contains(r.err, "'experiment' is a worktree")) << r.Describe();
}

}  // namespace
}  // namespace jvs::e2e
