// -T/--template (docs/templates.md) on history, op log, evolog and show: the
// built-ins print exactly what each command prints without -T (plain and in
// colour), keywords and methods give what --json says, named templates come
// from the configuration, and a bad template is a usage error pointing at its
// column.
#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::Contains;

class TemplateTest : public RepoTest {
 protected:
  // A history with tags, a multi-line note, a rewritten (hidden) version, a
  // second worktree and an empty snapshot.
  void MakeHistory() {
    Write("a.txt", "1\n");
    first_ = Snap("one", {"first", "v1.0"});
    Write("a.txt", "2\n");
    Snap("two: training run\nsecond line\n");
    ASSERT_OK(Run({"describe", "-m", "two, described\nwith more"}));
    ASSERT_FALSE(SnapIn(Fork("side"), "on the side").empty());
    Write("b.txt", "b\n");
    Snap("three");
    empty_ = Snap("nothing changed");
  }

  std::string first_, empty_;
};

TEST_F(TemplateTest, BuiltinsPrintWhatEachCommandPrints) {
  MakeHistory();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"history"}, "builtin_history"},
      {{"history", "--hidden"}, "builtin_history"},
      {{"history", "--tag", "first"}, "builtin_history"},
      {{"history", "--all"}, "builtin_history_graph"},
      {{"history", "-r", "all() | hidden()"}, "builtin_history_graph"},
      {{"op", "log"}, "builtin_op_log"},
      {{"evolog"}, "builtin_evolog"},
      {{"evolog", "@~2"}, "builtin_evolog"},
      {{"evolog", "-p", "@~2"}, "builtin_evolog"},
      {{"show"}, "builtin_show"},
      {{"show", "first"}, "builtin_show"},
      {{"show", "--stat", "@~1"}, "builtin_show"},
  };
  for (const std::string color : {"never", "always"}) {
    for (const auto& [args, builtin] : cases) {
      std::vector<std::string> plain = args;
      plain.insert(plain.begin(), "--color=" + color);
      std::vector<std::string> templ = plain;
      templ.insert(templ.end(), {"-T", builtin});
      RunResult want = Run(plain);
      RunResult got = Run(templ);
      ASSERT_OK(want);
      ASSERT_OK(got);
      EXPECT_FALSE(want.out.empty());
      EXPECT_EQ(got.out, want.out) << "jvs " << plain[0] << " " << args[0] << " ... -T " << builtin;
      if (color == "always") {
        EXPECT_TRUE(Contains(got.out, "\x1b[")) << args[0];
      }
    }
  }
}

TEST_F(TemplateTest, KeywordsAndMethodsSayWhatJsonSays) {
  MakeHistory();
  json hist = RunJson({"history"});
  ASSERT_GE(hist.size(), 4u);
  std::string want;
  for (const auto& e : hist) {
    want += (e["is_head"].get<bool>() ? "@ " : "  ") + e["snapshot_id"].get<std::string>().substr(0, 12) + " " + e["created_at"].get<std::string>() + " " +
            json(e["tags"]).dump() + " " + e["note"].get<std::string>().substr(0, e["note"].get<std::string>().find('\n')) +
            "\n";
  }
  RunResult r = Run({"history", "-T", "id.short() ++ ' ' ++ time ++ ' ' ++ json(tags) ++ ' ' ++ note.first_line()"});
  ASSERT_OK(r);
  EXPECT_EQ(r.out, want);

  // empty, head, parents, author, worktree, format() and separate().
  r = Run({"history", "-n", "2", "-T",
           "separate(' ', if(head, '@'), if(empty, 'empty'), parents.short(8).join(','), worktree.upper(), "
           "time.format('%Y'), author.contains('@'))"});
  ASSERT_OK(r);
  const std::string p1 = hist[1]["parents"][0].get<std::string>().substr(0, 8);
  const std::string p0 = hist[0]["parents"][0].get<std::string>().substr(0, 8);
  EXPECT_EQ(r.out, "@ @ empty " + p0 + " MAIN 2026 true\n  " + p1 + " MAIN 2026 true\n");

  // The change id as evolog and show name it; shortest() is a prefix of it.
  json show = RunJson({"show", first_});
  r = Run({"show", first_, "-T", "change_id.hex() ++ ' ' ++ change_id.shortest()"});
  ASSERT_OK(r);
  const std::string change = show["change_id"].get<std::string>();
  ASSERT_TRUE(r.out.rfind(change + " ", 0) == 0) << r.out;
  const std::string shortest = r.out.substr(change.size() + 1, r.out.find('\n') - change.size() - 1);
  EXPECT_FALSE(shortest.empty());
  EXPECT_TRUE(change.rfind(shortest, 0) == 0) << shortest;

  // A rewritten version is hidden; the multi-line template lines up under the marker.
  r = Run({"evolog", "@~2", "-T", "if(hidden, 'hidden', 'visible') ++ \"\\n\" ++ operation_description.first_line()"});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.out, "o visible\n  describe")) << r.out;
  EXPECT_TRUE(Contains(r.out, "x hidden\n  snapshot")) << r.out;

  // op log: its own keywords.
  json ops = RunJson({"op", "log", "-n", "1"});
  r = Run({"op", "log", "-n", "1", "-T", "id.short(6) ++ ' ' ++ current ++ ' ' ++ merge ++ ' ' ++ json(description)"});
  ASSERT_OK(r);
  EXPECT_EQ(r.out, "@ " + ops[0]["op_id"].get<std::string>().substr(0, 6) + " true false " +
                       json(ops[0]["description"]).dump() + "\n");
}

TEST_F(TemplateTest, NamedTemplatesComeFromTheConfiguration) {
  MakeHistory();
  WriteAt(Root() / ".jvs/config.toml", "[templates]\nterse = 'id.short(4) ++ \" \" ++ note.first_line()'\n"
                                       "broken = \"id ++\\n  notee\"\n");
  RunResult r = Run({"history", "-n", "1", "-T", "terse"});
  ASSERT_OK(r);
  json hist = RunJson({"history", "-n", "1"});
  EXPECT_EQ(r.out, "@ " + hist[0]["snapshot_id"].get<std::string>().substr(0, 4) + " nothing changed\n");
  // An error inside a named template names it and points into it.
  r = Run({"history", "-T", "broken"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "template 'broken': column 9: unknown keyword 'notee'")) << r.err;
  EXPECT_TRUE(Contains(r.err, "    notee\n    ^ unknown keyword 'notee'")) << r.err;
  EXPECT_TRUE(Contains(r.err, "did you mean 'note'?")) << r.err;
  // A misspelt name is not taken for a keyword.
  r = Run({"history", "-T", "tersee"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "no keyword or named template 'tersee'")) << r.err;
  EXPECT_TRUE(Contains(r.err, "did you mean 'terse'?")) << r.err;
  r = Run({"show", "-T", "builtin_shwo"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "did you mean 'builtin_show'?")) << r.err;
}

TEST_F(TemplateTest, ABadTemplateIsAUsageErrorPointingAtItsColumn) {
  MakeHistory();
  RunResult r = Run({"history", "-T", "id ++ note.frist_line()"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(Contains(r.err, "template: column 12: String has no method 'frist_line'")) << r.err;
  EXPECT_TRUE(Contains(r.err, "  id ++ note.frist_line()\n             ^ String has no method 'frist_line'")) << r.err;
  EXPECT_TRUE(Contains(r.err, "did you mean 'first_line'?")) << r.err;
  r = Run({"op", "log", "-T", "'unclosed"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "template: column 1: this string is not closed")) << r.err;
  // Keywords differ per listing: op log has no change_id.
  r = Run({"op", "log", "-T", "change_id"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "no keyword or named template 'change_id'")) << r.err;
  r = Run({"evolog", "-T", "id ++ if(size, 'x')"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "column 10: unknown keyword 'size'")) << r.err;
  // -T and --json (or --jsonl) do not mix.
  r = Run({"--json", "history", "-T", "id"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "-T and --json cannot be used together")) << r.err;
  r = Run({"op", "log", "--jsonl", "-T", "id"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "-T and --jsonl cannot be used together")) << r.err;
}

}  // namespace
}  // namespace jvs::e2e
