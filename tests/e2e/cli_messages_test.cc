// End-to-end tests of usage errors in jvs's own words (issue 16, item 10):
// the argument parser's messages ("A subcommand is required", "At Most 2
// required but received 3", "Value -1 not in range 0.000000 to 1797...") and
// its usage format ("REF NAME(1x)") never reach users; each usage error says
// what is wrong with which command, gives a hint and exits 2. Also a note
// that starts with '-' after "--".
#include "e2e_util.h"

namespace jvs::e2e {
namespace {

class CliMessagesTest : public RepoTest {
 protected:
  // Runs a usage error: exit 2, our message, a hint, nothing of CLI11's.
  RunResult Usage(std::vector<std::string> args) const {
    RunResult r = Run(std::move(args));
    EXPECT_EQ(r.exit_code, 2) << r.Describe();
    EXPECT_TRUE(Contains(r.err, "jvs: error: ")) << r.Describe();
    EXPECT_TRUE(Contains(r.err, "\nhint: ")) << r.Describe();
    for (const char* theirs : {"A subcommand", "is required", "At Most", "At least", "required but received",
                               "not in range", "0.000000", "Could not convert", "was not expected", "(1x)",
                               "SUBCOMMAND", "Expected exactly"})
      EXPECT_FALSE(Contains(r.err, theirs)) << "CLI11's text '" << theirs << "' reached the user\n" << r.Describe();
    return r;
  }
};

TEST_F(CliMessagesTest, ValueOutOfRange) {
  RunResult r = Usage({"history", "-n", "-1"});
  EXPECT_TRUE(Contains(r.err, "jvs: error: invalid value '-1' for --limit of 'jvs history'\n")) << r.err;
  EXPECT_TRUE(Contains(r.err, "hint: --limit takes a whole number, 0 or more\n")) << r.err;
  RunResult op = Usage({"op", "log", "-n", "many"});
  EXPECT_TRUE(Contains(op.err, "invalid value 'many' for --limit of 'jvs op log'")) << op.err;
}

TEST_F(CliMessagesTest, TooManyArguments) {
  RunResult r = Usage({"worktree", "fork", "x", "y", "z"});
  EXPECT_TRUE(Contains(r.err, "jvs: error: too many arguments for 'jvs worktree fork': it takes at most 2, got 3\n"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "hint: usage: jvs worktree fork [REF] NAME [OPTIONS]")) << r.err;
  RunResult extra = Usage({"status", "extra"});
  EXPECT_TRUE(Contains(extra.err, "jvs: error: unexpected argument 'extra' for 'jvs status'\n")) << extra.err;
}

TEST_F(CliMessagesTest, MissingCommandOrArgument) {
  RunResult top = Usage({});
  EXPECT_TRUE(Contains(top.err, "jvs: error: no command given\n")) << top.err;
  RunResult tag = Usage({"tag"});
  EXPECT_TRUE(Contains(tag.err, "jvs: error: 'jvs tag' needs a command: set, delete, list\n")) << tag.err;
  RunResult restore = Usage({"restore"});
  EXPECT_TRUE(Contains(restore.err, "jvs: error: 'jvs restore' needs REF")) << restore.err;
  EXPECT_TRUE(Contains(restore.err, "hint: usage: jvs restore REF")) << restore.err;
}

TEST_F(CliMessagesTest, UsageLineIsOurs) {
  RunResult r = Run({"worktree", "fork", "--help"});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.out, "Usage: jvs worktree fork [REF] NAME [OPTIONS]\n")) << r.out;
  EXPECT_FALSE(Contains(r.out, "(1x)")) << r.out;
  RunResult top = Run({"--help"});
  EXPECT_TRUE(Contains(top.out, "Usage: jvs COMMAND [OPTIONS]\n")) << top.out;
}

TEST_F(CliMessagesTest, NoteAfterDoubleDashMayStartWithDash) {
  Write("a", "1\n");
  RunResult r = Run({"snapshot", "--", "-5% loss"});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.out, "\"-5% loss\"")) << r.out;
  json h = RunJson({"history"});
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["note"], "-5% loss");
  RunResult dash = Run({"snapshot", "--", "-"});
  ASSERT_OK(dash);
  EXPECT_EQ(RunJson({"history", "-n", "1"})[0]["note"], "-") << "after '--', '-' is the note, not stdin";
  // Words after "--" that look like paths stay refused: snapshot takes no paths.
  RunResult two = Run({"snapshot", "--", "-a", "b"});
  EXPECT_EQ(two.exit_code, 2) << two.Describe();
  RunResult path = Run({"snapshot", "--", "a"});
  EXPECT_EQ(path.exit_code, 2) << path.Describe();
  EXPECT_EQ(RunJson({"history"}).size(), 2u);
}

}  // namespace
}  // namespace jvs::e2e
