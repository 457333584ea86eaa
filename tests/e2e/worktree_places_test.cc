// End-to-end: jvs never deletes what the user put in a directory, and never
// puts a workspace where another one (or the control folder) is:
// - a directory left by an interrupted `worktree fork` is replaced only when
//   it holds nothing but what that fork wrote; otherwise the fork refuses
//   (or, with --force, saves what is there as a snapshot first); doctor and
//   status inside it say what it is;
// - `worktree fork --path` refuses a path inside or containing a workspace or
//   the control folder; `init --here` refuses `/`, a control folder and a
//   directory inside an existing repository or workspace.
#include <sys/stat.h>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::ReadFile;
using jvs::testing::WriteFile;

class InterruptedForkTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    Write("a.txt", "alpha\n");
    Write("dir/b.txt", std::string(100000, 'b'));
    s1_ = Snap("one");
    // The fork dies after writing every file, before it is recorded.
    RunResult killed = JvsEnv(Ws(), {"worktree", "fork", s1_, "fk"}, {{"JVS_FAULT_POINT", "fork.after_materialize:kill"}});
    ASSERT_NE(killed.exit_code, 0) << killed.Describe();
    ASSERT_TRUE(fs::exists(Fk() / "a.txt"));
  }
  fs::path Fk() const { return Root() / "worktrees" / "fk"; }
  std::string s1_;
};

TEST_F(InterruptedForkTest, ForkAgainReplacesWhatOnlyTheForkWrote) {
  RunResult again = Run({"worktree", "fork", s1_, "fk"});
  ASSERT_OK(again);
  EXPECT_EQ(ReadFile(Fk() / "a.txt"), "alpha\n");
}

TEST_F(InterruptedForkTest, ForkAgainRefusesAFileTheUserAdded) {
  WriteFile(Fk() / "mine.txt", "the user's work\n");
  RunResult again = Run({"worktree", "fork", s1_, "fk"});
  EXPECT_NE(again.exit_code, 0) << again.Describe();
  EXPECT_TRUE(Contains(again.err, "interrupted fork")) << again.err;
  EXPECT_TRUE(Contains(again.err, "mine.txt")) << again.err;
  EXPECT_TRUE(Contains(again.err, "--force")) << again.err;
  EXPECT_EQ(ReadFile(Fk() / "mine.txt"), "the user's work\n");
  EXPECT_EQ(ReadFile(Fk() / "a.txt"), "alpha\n");
}

TEST_F(InterruptedForkTest, ForkAgainRefusesAFileTheUserChanged) {
  WriteFile(Fk() / "a.txt", "alpha, edited\n");
  RunResult again = Run({"worktree", "fork", s1_, "fk"});
  EXPECT_NE(again.exit_code, 0) << again.Describe();
  EXPECT_EQ(ReadFile(Fk() / "a.txt"), "alpha, edited\n");
}

TEST_F(InterruptedForkTest, ForceSavesTheUsersFilesFirst) {
  WriteFile(Fk() / "mine.txt", "the user's work\n");
  RunResult forced = Run({"worktree", "fork", s1_, "fk", "--force"});
  ASSERT_OK(forced);
  EXPECT_FALSE(fs::exists(Fk() / "mine.txt"));
  EXPECT_EQ(ReadFile(Fk() / "a.txt"), "alpha\n");
  // The saved snapshot holds the user's file: fork it and look.
  json hist = RunJson({"history", "--all"});
  std::string saved;
  for (const auto& s : hist.is_array() ? hist : hist["snapshots"])
    if (Contains(s.value("note", ""), "interrupted fork")) saved = s.value("snapshot_id", s.value("id", ""));
  ASSERT_FALSE(saved.empty()) << hist.dump(1);
  ASSERT_OK(Run({"worktree", "fork", saved, "back"}));
  EXPECT_EQ(ReadFile(Root() / "worktrees" / "back" / "mine.txt"), "the user's work\n");
}

TEST_F(InterruptedForkTest, DoctorAndStatusSayWhatTheDirectoryIs) {
  RunResult doc = Run({"--json", "doctor"});
  EXPECT_TRUE(Contains(doc.out, "fork_leftover")) << doc.Describe();
  EXPECT_TRUE(Contains(doc.out, Fk().string())) << doc.out;
  RunResult st = Jvs(Fk(), {"status"});
  EXPECT_NE(st.exit_code, 0) << st.Describe();
  EXPECT_TRUE(Contains(st.err, "interrupted")) << st.err;
  EXPECT_TRUE(Contains(st.err, "fk")) << st.err;
}

class PlacesTest : public RepoTest {};

TEST_F(PlacesTest, ForkRefusesPathsInOrAroundWorkspacesAndTheControlFolder) {
  Write("a.txt", "a\n");
  Snap("one");
  ASSERT_OK(Run({"worktree", "fork", "other"}));
  const fs::path other = Root() / "worktrees" / "other";
  struct Case {
    fs::path path;
    std::string what;
  };
  for (const Case& c : std::vector<Case>{{Ws() / "sub", "inside"},
                                          {Ws(), "the directory of"},
                                          {other / "nested", "inside"},
                                          {Root() / ".jvs" / "x", "control folder"},
                                          {Root(), "control folder"},
                                          {Tmp(), "control folder"},
                                          {Root() / "worktrees", "a parent of"}}) {
    SCOPED_TRACE(c.path.string());
    RunResult r = ExpectError(Ws(), {"worktree", "fork", "bad", "--path", c.path.string()}, 1, c.what);
    EXPECT_FALSE(fs::exists(Root() / ".jvs" / "worktrees" / "bad"));
  }
  EXPECT_FALSE(fs::exists(Ws() / "sub"));
  EXPECT_FALSE(fs::exists(other / "nested"));
  EXPECT_FALSE(fs::exists(Root() / ".jvs" / "x"));
  // Beside them is fine.
  ASSERT_OK(Run({"worktree", "fork", "ok", "--path", (Tmp() / "elsewhere" / "ok").string()}));
}

TEST_F(PlacesTest, InitHereRefusesRootControlFoldersAndWorkspaces) {
  ExpectError(Tmp(), {"init", "--here", "/"}, 1, "filesystem root");
  ExpectError(Root() / ".jvs", {"init", "--here"}, 1, "control folder");
  fs::create_directories(Root() / ".jvs" / "sub");
  ExpectError(Tmp(), {"init", "--here", (Root() / ".jvs" / "sub").string()}, 1, "control folder");
  fs::create_directories(Ws() / "project");
  ExpectError(Ws() / "project", {"init", "--here"}, 1, "inside the jvs repository");
  EXPECT_FALSE(fs::exists(Ws() / "project" / ".jvs"));
  // A worktree outside the repository (found through its pointer file) too.
  Write("a.txt", "a\n");
  Snap("one");
  ASSERT_OK(Run({"worktree", "fork", "out", "--path", (Tmp() / "out").string()}));
  fs::create_directories(Tmp() / "out" / "inner");
  ExpectError(Tmp() / "out" / "inner", {"init", "--here"}, 1, "inside the jvs worktree");
  EXPECT_FALSE(fs::exists(Tmp() / "out" / "inner" / ".jvs"));
}

// A worktree whose record in .jvs/worktrees was lost: commands run in its
// directory refuse (naming doctor) instead of silently acting on main, which
// is what the fallback to main once did (a snapshot there recorded main).
TEST_F(PlacesTest, WorktreeWithALostRecordIsNotTakenForMain) {
  Write("a.txt", "a\n");
  std::string s1 = Snap("one");
  ASSERT_OK(Run({"worktree", "fork", "fk"}));
  fs::path fk = Root() / "worktrees" / "fk";
  ASSERT_TRUE(fs::is_directory(fk));
  fs::remove_all(Root() / ".jvs" / "worktrees" / "fk");
  for (std::vector<std::string> args : {std::vector<std::string>{"status"}, {"snapshot", "wrong"}, {"restore", s1}}) {
    RunResult r = Jvs(fk, args);
    EXPECT_EQ(r.exit_code, 1) << r.Describe();
    EXPECT_TRUE(Contains(r.err, "in none of its worktrees")) << r.err;
    EXPECT_TRUE(Contains(r.err, "jvs doctor")) << r.err;
  }
  // main is untouched, and still works from its directory and the root.
  json h = RunJson({"history"});
  ASSERT_EQ(h.size(), 1u) << h.dump(1);
  EXPECT_OK(Jvs(Root(), {"status"}));
  // doctor finds the lost record and --repair writes it again, as the hint says.
  RunResult d = Run({"doctor"});
  EXPECT_NE(d.exit_code, 0) << d.Describe();
  EXPECT_TRUE(Contains(d.out + d.err, "record of worktree 'fk' is missing")) << d.Describe();
  ASSERT_OK(Run({"doctor", "--repair"}));
  RunResult st = Jvs(fk, {"--json", "status"});
  ASSERT_OK(st);
  EXPECT_EQ(ParseJson(st.out).value("worktree_name", ""), "fk") << st.out;
  EXPECT_OK(Run({"doctor"}));
}

}  // namespace
}  // namespace jvs::e2e
