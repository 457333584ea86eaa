// End-to-end tests of failures: usage errors, bad references, missing or
// newer repositories, paths outside the workspace, invalid tag names, locks,
// unreadable files and corrupted snapshot descriptors. Every error must follow
// the contract of CLI.md (stderr "jvs: error: ..." plus "hint: ...", a JSON
// error object with --json, and the documented exit code) and never crash.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <set>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::ReadFile;
using jvs::testing::TempDir;
using jvs::testing::WriteFile;


class ErrorTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    Write("a.txt", "a\n");
    Write("dir/b.txt", "b\n");
    first_ = Snap("first");
    Write("a.txt", "a2\n");
    second_ = Snap("second");
  }
  std::string first_, second_;
};

TEST_F(ErrorTest, UsageErrorsExitTwo) {
  ExpectError(Ws(), {"--bogus"}, 2);
  ExpectError(Ws(), {"status", "--bogus"}, 2, "--bogus");
  ExpectError(Ws(), {"snapshot", "--bogus"}, 2, "--bogus");
  ExpectError(Ws(), {"history", "--bogus"}, 2);
  ExpectError(Ws(), {"frobnicate"}, 2);
  ExpectError(Ws(), {}, 2);
  ExpectError(Ws(), {"restore"}, 2);                 // missing REF
  ExpectError(Ws(), {"tag", "set"}, 2);              // missing NAME
  ExpectError(Ws(), {"tag", "delete"}, 2);
  ExpectError(Ws(), {"history", "-n"}, 2);           // missing value
  ExpectError(Ws(), {"history", "-n", "x"}, 2);
  ExpectError(Ws(), {"history", "-n", "-1"}, 2);
  ExpectError(Ws(), {"snapshot", "--tag"}, 2);
  ExpectError(Ws(), {"diff", "a", "b", "c"}, 2);     // at most two refs
  ExpectError(Ws(), {"status", "--", "a.txt"}, 2);   // no paths for status
  ExpectError(Ws(), {"snapshot", "--", "a.txt"}, 2);
  // Nothing was recorded by any of them.
  EXPECT_EQ(RunJson({"history", "--all"}).size(), 2u);
}

TEST_F(ErrorTest, BadReferenceExitOne) {
  RunResult r = ExpectError(Ws(), {"restore", "nosuchref"}, 1, "nosuchref");
  EXPECT_TRUE(Contains(r.err, "hint: ")) << r.Describe();
  ExpectError(Ws(), {"diff", "nosuchref"}, 1);
  ExpectError(Ws(), {"diff", "@", "nosuchref"}, 1);
  ExpectError(Ws(), {"tag", "set", "t", "nosuchref"}, 1);
  ExpectError(Ws(), {"restore", "@~5"}, 1, "goes past the first snapshot");
  // A malformed ~ suffix is named as such, however long the line is.
  for (const std::string bad : {"@~abc", "@~-1", "@~1x", "@~~z"}) {
    RunResult m = ExpectError(Ws(), {"show", bad}, 1, "unknown reference '" + bad + "'");
    EXPECT_FALSE(Contains(m.err, "goes past")) << m.Describe();
  }
  EXPECT_EQ(Read("a.txt"), "a2\n");
}

TEST(NotARepositoryTest, ExitOneWithHint) {
  TempDir tmp;
  fs::create_directories(tmp / "plain/sub");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"status"}, {"info"}, {"history"}, {"snapshot", "x"}, {"diff"}, {"restore", "@"}, {"tag", "list"}}) {
    SCOPED_TRACE(args[0]);
    RunResult r = ExpectError(tmp / "plain/sub", args, 1, "not inside a jvs repository");
    EXPECT_TRUE(Contains(r.err, "jvs init")) << "the hint says how to create one\n" << r.Describe();
  }
  EXPECT_FALSE(fs::exists(tmp / "plain/.jvs"));
  EXPECT_FALSE(fs::exists(tmp / "plain/sub/.jvs"));
}

TEST_F(ErrorTest, PathsOutsideTheWorkspace) {
  WriteFile(Tmp() / "x", "outside\n");
  ExpectError(Ws(), {"restore", first_, "--", "../x"}, 2, "outside");
  ExpectError(Ws(), {"restore", first_, "--", (Tmp() / "x").string()}, 2, "outside");
  ExpectError(Ws() / "dir", {"restore", first_, "--", "../../x"}, 2, "outside");
  ExpectError(Ws(), {"restore", first_, "--", "../.jvs"}, 2);
  ExpectError(Ws(), {"diff", "--", "../x"}, 2, "outside");
  EXPECT_EQ(ReadFile(Tmp() / "x"), "outside\n");
  EXPECT_EQ(Read("a.txt"), "a2\n");
}

TEST(ControlFolderPathTest, InsideAdoptedDirectory) {
  TempDir tmp;
  WriteFile(tmp / "f.txt", "f\n");
  ASSERT_OK(Jvs(tmp.path(), {"init", "--here"}));
  ASSERT_OK(Jvs(tmp.path(), {"snapshot", "one"}));
  auto before = DumpTree(tmp / ".jvs");
  ExpectError(tmp.path(), {"restore", "@", "--", ".jvs"}, 2, "control folder");
  ExpectError(tmp.path(), {"restore", "@", "--", ".jvs/format"}, 2, "control folder");
  ExpectError(tmp.path(), {"diff", "--", ".jvs"}, 2, "control folder");
  EXPECT_EQ(DumpTree(tmp / ".jvs"), before);
}

TEST_F(ErrorTest, InvalidTagNames) {
  for (const std::string name :
       {"bad name", "latest", "HEAD", "@", "a~1", "a:b", "tab\tname", "", "cafe", "2dbe2645", "DEADBEEF"}) {
    SCOPED_TRACE("tag '" + name + "'");
    ExpectError(Ws(), {"tag", "set", name}, 2);
  }
  ExpectError(Ws(), {"tag", "set", "--", "-leading"}, 2);
  ExpectError(Ws(), {"snapshot", "x", "--tag", "bad name"}, 2);
  ExpectError(Ws(), {"snapshot", "x", "--tag", "ok", "--tag", "latest"}, 2);
  RunResult hexy = ExpectError(Ws(), {"snapshot", "x", "--tag", "beef"}, 2);
  EXPECT_TRUE(Contains(hexy.err, "snapshot id prefix")) << hexy.Describe();
  EXPECT_EQ(RunJson({"history"}).size(), 2u) << "a refused snapshot is not recorded";
  EXPECT_EQ(RunJson({"tag", "list"}).size(), 0u);
  // Good names work.
  for (const std::string name : {"v1.0", "baseline", "exp-2_final", "naïve", "abc", "cafe1g"})
    EXPECT_OK(Run({"tag", "set", name}));
}

TEST_F(ErrorTest, LockedWorktreeExitFour) {
  fs::path lock = Root() / ".jvs/worktrees/main/lock";
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  Write("new.txt", "n");
  RunResult r = JvsEnv(Ws(), {"snapshot", "blocked"}, {{"JVS_LOCK_TIMEOUT_MS", "200"}});
  EXPECT_EQ(r.exit_code, 4) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "jvs: error: ")) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "hint: ")) << r.Describe();
  RunResult j = JvsEnv(Ws(), {"--json", "restore", first_}, {{"JVS_LOCK_TIMEOUT_MS", "100"}});
  EXPECT_EQ(j.exit_code, 4) << j.Describe();
  EXPECT_TRUE(Contains(j.out, "\"E_")) << j.Describe();
  // Read-only commands do not wait for the lock.
  EXPECT_OK(Run({"history"}));
  ::close(fd);
  EXPECT_EQ(Read("a.txt"), "a2\n");
  EXPECT_OK(Run({"snapshot", "now"}));
}

// A repository written by a newer jvs: refused, and left exactly as it was.
TEST_F(ErrorTest, NewerFormatIsRefusedAndLeftUnchanged) {
  WriteFile(Root() / ".jvs/format", "99\n");
  Write("a.txt", "dirty\n");
  auto control = DumpTree(Root() / ".jvs");
  auto work = DumpTree(Ws());
  for (const auto& args : std::vector<std::vector<std::string>>{{"status"},
                                                                {"info"},
                                                                {"history"},
                                                                {"history", "--all"},
                                                                {"snapshot", "x"},
                                                                {"diff"},
                                                                {"diff", first_, second_},
                                                                {"restore", first_},
                                                                {"restore", first_, "--", "a.txt"},
                                                                {"tag", "set", "t"},
                                                                {"tag", "delete", "t"},
                                                                {"tag", "list"}}) {
    SCOPED_TRACE(args[0]);
    RunResult r = ExpectError(Ws(), args, 1, "newer");
    EXPECT_TRUE(Contains(r.err, "99")) << r.Describe();
  }
  EXPECT_EQ(DumpTree(Root() / ".jvs"), control) << "the control folder changed";
  EXPECT_EQ(DumpTree(Ws()), work) << "the workspace changed";
  RunResult init = Jvs(Tmp(), {"init", "repo"});
  EXPECT_NE(init.exit_code, 0) << init.Describe();
  EXPECT_EQ(DumpTree(Root() / ".jvs"), control);
}

TEST(UnreadableTest, UnreadableDirectoryAndFile) {
  if (RunningAsRoot())
    GTEST_SKIP() << "running as root: permission bits do not stop root, so an unreadable directory cannot be made";
  TempDir tmp;
  ASSERT_OK(Jvs(tmp.path(), {"init", "r"}));
  fs::path ws = tmp / "r/main";
  WriteFile(ws / "ok.txt", "ok\n");
  ASSERT_OK(Jvs(ws, {"snapshot", "base"}));
  WriteFile(ws / "locked/secret.txt", "s\n");
  fs::permissions(ws / "locked", fs::perms::none);
  RunResult r = Jvs(ws, {"snapshot", "with locked dir"});
  fs::permissions(ws / "locked", fs::perms::owner_all);
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "jvs: error: ")) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "hint: ")) << r.Describe();
  EXPECT_EQ(ParseJson(Jvs(ws, {"--json", "history"}).out).size(), 1u) << "no partial snapshot";

  WriteFile(ws / "unreadable.txt", "u\n");
  fs::permissions(ws / "unreadable.txt", fs::perms::none);
  RunResult f = Jvs(ws, {"snapshot", "with unreadable file"});
  fs::permissions(ws / "unreadable.txt", fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(f.exit_code, 1) << f.Describe();
  EXPECT_TRUE(Contains(f.err, "unreadable.txt")) << f.Describe();
  EXPECT_EQ(ParseJson(Jvs(ws, {"--json", "history"}).out).size(), 1u);
}

// Flipping or cutting bytes of a snapshot descriptor is detected: history
// reports corruption with exit code 3, and no command crashes.
TEST_F(ErrorTest, CorruptedSnapshotDescriptor) {
  fs::path file = Root() / ".jvs/store/snapshots" / first_.substr(0, 2) / first_.substr(2);
  ASSERT_TRUE(fs::exists(file));
  const std::string original = ReadFile(file);
  ASSERT_GT(original.size(), 10u);
  struct Damage {
    std::string name;
    std::string content;
  };
  std::vector<Damage> damages;
  for (size_t pos : {size_t{0}, size_t{1}, original.size() / 3, original.size() / 2, original.size() - 1}) {
    for (unsigned char bit : {0x01, 0x20, 0x80}) {
      std::string c = original;
      c[pos] = static_cast<char>(c[pos] ^ bit);
      damages.push_back({"flip byte " + std::to_string(pos) + " bit " + std::to_string(bit), c});
    }
  }
  damages.push_back({"truncated", original.substr(0, original.size() / 2)});
  damages.push_back({"empty", ""});
  damages.push_back({"appended", original + "x"});

  for (const auto& d : damages) {
    SCOPED_TRACE(d.name);
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add);
    WriteFile(file, d.content);
    RunResult h = Run({"history"});
    EXPECT_EQ(h.exit_code, 3) << h.Describe();
    EXPECT_EQ(h.err.rfind("jvs: error: ", 0), 0u) << h.Describe();
    EXPECT_TRUE(Contains(h.err, "hint: ")) << h.Describe();
    RunResult hj = Run({"--json", "history"});
    EXPECT_EQ(hj.exit_code, 3) << hj.Describe();
    json e = ParseJson(hj.out);
    EXPECT_TRUE(e.is_object() && e.contains("error") && e["error"].value("code", "") == "E_CORRUPT") << hj.Describe();
    EXPECT_EQ(Run({"history", "--all"}).exit_code, 3);
    EXPECT_EQ(Run({"restore", first_}).exit_code, 3);
    EXPECT_EQ(Run({"diff", first_, second_}).exit_code, 3);
    // Whatever else runs may fail, but never crashes and never hangs.
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"status"}, {"info"}, {"diff"}, {"tag", "list"}, {"tag", "set", "t", "@~1"}, {"restore", "@~1"}}) {
      RunResult r = Run(args);
      EXPECT_FALSE(r.timed_out) << r.Describe();
      EXPECT_TRUE(r.exit_code >= 0 && r.exit_code <= 4) << r.Describe();
      if (r.exit_code != 0) {
        EXPECT_EQ(r.err.rfind("jvs: error: ", 0), 0u) << r.Describe();
      }
    }
    EXPECT_EQ(Read("a.txt"), "a2\n") << "a failed restore leaves the workspace alone";
  }
  WriteFile(file, original);
  EXPECT_OK(Run({"history"}));
  EXPECT_EQ(RunJson({"history"}).size(), 2u);
}

// Every error prints a "hint:" line (CLI.md: errors go to stderr as
// "jvs: error: <what>" followed by "hint: <what to do>").
TEST_F(ErrorTest, EveryErrorHasAHint) {
  std::vector<std::vector<std::string>> cases = {
      {"--bogus"},
      {"restore"},
      {"restore", "nosuchref"},
      {"restore", "@", "--", "../x"},
      {"restore", "@", "--", "no-such-path"},
      {"restore", "@", "--"},
      {"tag", "set", "bad name"},
      {"tag", "delete", "nope"},
      {"snapshot", "a", "-m", "b"},
      {"diff", "--stat", "--name-only"},
      {"diff", "a", "b", "c"},
      {"status", "--", "x"},
      {"history", "-r", "heads(@ &"},
      {"history", "-r", "@ | nosuchref"},
      {"history", "-r", "note(regex:\"(\")"},
      {"history", "-r", "@", "--all"},
      {"-R", (Tmp() / "nope").string(), "status"},
      {"init"},
      {"init", (Tmp() / "repo").string()},
      {"diff", "@~9"},
  };
  std::string missing;
  for (const auto& args : cases) {
    RunResult r = Run(args);
    EXPECT_NE(r.exit_code, 0) << r.Describe();
    EXPECT_EQ(r.err.rfind("jvs: error: ", 0), 0u) << r.Describe();
    if (!Contains(r.err, "\nhint: ")) missing += r.Describe();
  }
  EXPECT_TRUE(missing.empty()) << "errors without a 'hint:' line:\n" << missing;
}

}  // namespace
}  // namespace jvs::e2e
