// End-to-end tests of terminal safety and exact names (issue 16, item 9):
// file names, tags and notes with control bytes (ESC, BEL, CR, newline, tab),
// quotes, backslashes and bytes that are not UTF-8 are printed quoted with C
// escapes in text output (cli/quote.h); notes in listings show their first
// line only, cut to a width; `-z` prints raw names ended by NUL; JSON keeps
// names apart that differ only in invalid bytes (KEY_b64).
#include <algorithm>
#include <set>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

// The names every test writes, with the form text output must show.
const std::vector<std::pair<std::string, std::string>>& HostileNames() {
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"esc\x1b[31mred", R"("esc\033[31mred")"},
      {"bel\x07", R"("bel\a")"},
      {"cr\rx", R"("cr\rx")"},
      {"nl\nx", R"("nl\nx")"},
      {"tab\tx", R"("tab\tx")"},
      {"quo\"te", R"("quo\"te")"},
      {"back\\slash", R"("back\\slash")"},
      {"bad\xff", R"("bad\377")"},
      {"plain.txt", "plain.txt"},
      {"caf\xc3\xa9", "caf\xc3\xa9"},  // valid UTF-8 stays as it is
  };
  return names;
}

// True when `s` holds a control byte other than '\n' (and '\0' when allowed).
bool HasControlByte(const std::string& s, bool allow_nul = false) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\n' || (allow_nul && c == '\0')) continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

class TerminalSafetyTest : public RepoTest {
 protected:
  void WriteHostile() const {
    for (const auto& [raw, quoted] : HostileNames()) Write(raw, "x\n");
  }
  static void ExpectSafe(const RunResult& r) {
    EXPECT_FALSE(HasControlByte(r.out)) << "raw control byte on stdout\n" << r.Describe();
    EXPECT_FALSE(HasControlByte(r.err)) << "raw control byte on stderr\n" << r.Describe();
    EXPECT_EQ(r.out.find('\xff'), std::string::npos) << r.Describe();
  }
};

TEST_F(TerminalSafetyTest, StatusQuotesNamesAsGitDoes) {
  WriteHostile();
  RunResult r = Run({"status"});
  ASSERT_OK(r);
  ExpectSafe(r);
  for (const auto& [raw, quoted] : HostileNames())
    EXPECT_TRUE(Contains(r.out, "\n  A " + quoted + "\n")) << quoted << "\n" << r.out;
  // One line per change: a newline in a name does not split its line.
  size_t lines = static_cast<size_t>(std::count(r.out.begin(), r.out.end(), '\n'));
  EXPECT_EQ(lines, 3 + HostileNames().size()) << r.out;  // Worktree:, Head:, Changes:, one per name
}

TEST_F(TerminalSafetyTest, DiffQuotesNames) {
  Snap("empty");
  WriteHostile();
  for (std::vector<std::string> args : {std::vector<std::string>{"diff", "--name-only"},
                                        std::vector<std::string>{"diff", "--stat"},
                                        std::vector<std::string>{"diff"}}) {
    RunResult r = Run(args);
    ASSERT_OK(r);
    ExpectSafe(r);
  }
  RunResult names = Run({"diff", "--name-only"});
  for (const auto& [raw, quoted] : HostileNames()) EXPECT_TRUE(Contains(names.out, quoted + "\n")) << names.out;
  RunResult full = Run({"diff"});
  EXPECT_TRUE(Contains(full.out, R"(diff --jvs "a/nl\nx" "b/nl\nx")" "\n")) << full.out;
  EXPECT_TRUE(Contains(full.out, R"(+++ "b/esc\033[31mred")" "\n")) << full.out;
}

TEST_F(TerminalSafetyTest, DashZPrintsRawNamesEndedByNul) {
  Snap("empty");
  Write("nl\nx", "x\n");
  Write("bad\xff", "x\n");
  RunResult st = Run({"status", "-z"});
  ASSERT_OK(st);
  EXPECT_EQ(st.out, std::string("A bad\xff") + '\0' + "A nl\nx" + '\0') << st.Describe();
  RunResult only = Run({"diff", "--name-only", "-z"});
  ASSERT_OK(only);
  EXPECT_EQ(only.out, std::string("bad\xff") + '\0' + "nl\nx" + '\0') << only.Describe();
  RunResult status = Run({"diff", "--name-status", "-z"});
  ASSERT_OK(status);
  EXPECT_EQ(status.out, std::string("A") + '\0' + "bad\xff" + '\0' + "A" + '\0' + "nl\nx" + '\0') << status.Describe();
  RunResult text = Run({"diff", "--name-status"});
  ASSERT_OK(text);
  EXPECT_EQ(text.out, "A\t\"bad\\377\"\nA\t\"nl\\nx\"\n") << text.Describe();
  RunResult lonely = Run({"diff", "-z"});
  EXPECT_EQ(lonely.exit_code, 2) << lonely.Describe();
}

TEST_F(TerminalSafetyTest, JsonKeepsInvalidUtf8NamesApart) {
  Write("x\xfe", "1\n");
  Write("x\xff", "2\n");
  Write("ok", "3\n");
  json j = RunJson({"status"});
  ASSERT_TRUE(j.contains("added")) << j.dump();
  std::set<std::string> exact;
  for (const auto& c : j["added"]) {
    if (c["path"] == "ok") {
      EXPECT_FALSE(c.contains("path_b64")) << "a valid UTF-8 name is a plain string";
      continue;
    }
    EXPECT_EQ(c["path"], "x\xef\xbf\xbd") << "shown with U+FFFD";
    ASSERT_TRUE(c.contains("path_b64")) << c.dump();
    exact.insert(c["path_b64"].get<std::string>());
  }
  EXPECT_EQ(exact, (std::set<std::string>{"eP4=", "eP8="}));  // base64 of "x\xfe", "x\xff"
}

TEST_F(TerminalSafetyTest, NotesAreEscapedAndShownByTheirFirstLine) {
  Write("a", "1\n");
  const std::string note = "\x1b]0;pwned\x07\x1b[2Jtitle\rover\nsecond \x1b[31mline";
  RunResult snap = Run({"snapshot", note, "--tag", "v\x7f"});
  ASSERT_OK(snap);
  ExpectSafe(snap);
  EXPECT_TRUE(Contains(snap.out, R"("\033]0;pwned\a\033[2Jtitle\rover" ["v\177"])")) << snap.out;
  EXPECT_FALSE(Contains(snap.out, "second")) << "first line only";
  for (std::vector<std::string> args : {std::vector<std::string>{"history"}, std::vector<std::string>{"history", "--all"},
                                        std::vector<std::string>{"status"}, std::vector<std::string>{"tag", "list"},
                                        std::vector<std::string>{"op", "log"}}) {
    RunResult r = Run(args);
    ASSERT_OK(r);
    ExpectSafe(r);
    if (args[0] == "op") continue;  // its "args:" line shows the whole command line, escaped
    EXPECT_TRUE(Contains(r.out, R"(\033]0;pwned\a\033[2Jtitle\rover)")) << r.out;
    EXPECT_FALSE(Contains(r.out, "second")) << r.out;
  }
  EXPECT_TRUE(Contains(Run({"tag", "list"}).out, "\"v\\177\"  ")) << "tag names are quoted";
  // The full note stays in JSON.
  json h = RunJson({"history"});
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["note"], note);
  EXPECT_EQ(h[0]["tags"], json::array({"v\x7f"}));
}

TEST_F(TerminalSafetyTest, ErrorsAndWarningsEscapeNames) {
  RunResult bad_tag = Run({"tag", "set", "x\x1b[31m"});
  EXPECT_EQ(bad_tag.exit_code, 2) << bad_tag.Describe();
  ExpectSafe(bad_tag);
  EXPECT_TRUE(Contains(bad_tag.err, "x\\033[31m")) << bad_tag.err;
  RunResult no_tag = Run({"history", "--tag", "y\x07"});
  ExpectSafe(no_tag);
  EXPECT_TRUE(Contains(no_tag.err, "y\\a")) << no_tag.err;
}

TEST_F(TerminalSafetyTest, HugeNoteIsCutInListings) {
  Write("a", "1\n");
  std::string note(1 << 20, 'n');
  RunResult snap = Run({"snapshot", "-"}, note);
  ASSERT_OK(snap);
  EXPECT_LT(snap.out.size(), 400u) << "the confirmation does not print a 1 MB note";
  EXPECT_TRUE(Contains(snap.out, std::string(72, 'n') + "\xe2\x80\xa6\"")) << snap.out.substr(0, 400);
  for (std::vector<std::string> args : {std::vector<std::string>{"history"}, std::vector<std::string>{"status"}}) {
    RunResult r = Run(args);
    ASSERT_OK(r);
    EXPECT_LT(r.out.size(), 400u) << args[0];
    EXPECT_TRUE(Contains(r.out, "\xe2\x80\xa6")) << args[0];
  }
  json h = RunJson({"history"});
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["note"].get<std::string>().size(), note.size()) << "JSON keeps the whole note";
}

}  // namespace
}  // namespace jvs::e2e
