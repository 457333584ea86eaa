// End-to-end: what a snapshot keeps of a file besides its content (its
// permission bits, for files and directories), restored by restore (also in
// place, when only a mode changed) and fork; and confidentiality: the store
// never lets another local user read what the workspace does not (the
// control folder is 0700). Commands as a second user run through
// `runuser -u nobody` (the tests then need root).
#include <sys/stat.h>
#include <unistd.h>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::ReadFile;
using jvs::testing::WriteFile;

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

std::string Octal(mode_t m) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04o", static_cast<unsigned>(m));
  return buf;
}

#define EXPECT_MODE(path, mode) EXPECT_EQ(Octal(ModeOf(path)), Octal(mode)) << (path)

// Runs `argv` as user nobody (through runuser) in `cwd`, with HOME `home`.
RunResult AsNobody(const fs::path& cwd, std::vector<std::string> argv, const fs::path& home) {
  std::vector<std::string> full = {"/usr/sbin/runuser", "-u", "nobody", "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  return RunProcess(cwd, full, CleanEnv({{"HOME", home.string()}}));
}

RunResult JvsAsNobody(const fs::path& cwd, std::vector<std::string> args, const fs::path& home) {
  args.insert(args.begin(), JVS_BINARY);
  return AsNobody(cwd, std::move(args), home);
}

bool CanRunAsNobody() { return RunningAsRoot() && ::access("/usr/sbin/runuser", X_OK) == 0; }

// The store path of the blob holding `content` (blobs/xx/<62 hex>).
fs::path BlobPath(const fs::path& root, const fs::path& file) {
  std::string hex = HashFile(file);
  return root / ".jvs" / "store" / "blobs" / hex.substr(0, 2) / hex.substr(2);
}

class MetadataTest : public RepoTest {
 protected:
  // A workspace with every kind of permission a user sets.
  void MakeModes() {
    Write("plain.txt", "plain\n");
    Write("secret.txt", "secret\n");
    Write("group.txt", "group\n");
    Write("readonly.txt", "readonly\n");
    Write("none.txt", "none\n");
    Write("tool.sh", "#!/bin/sh\n");
    Write("private.sh", "#!/bin/sh\necho private\n");
    Write("setuid.sh", "#!/bin/sh\necho setuid\n");
    Write("privdir/inside.txt", "inside\n");
    Write("rodir/sub/deep.txt", "deep\n");
    Write("shared/x.txt", "x\n");
    fs::create_directories(Ws() / "sticky");
    fs::create_directories(Ws() / "emptyprivate");
    ::chmod((Ws() / "secret.txt").c_str(), 0600);
    ::chmod((Ws() / "group.txt").c_str(), 0640);
    ::chmod((Ws() / "readonly.txt").c_str(), 0444);
    ::chmod((Ws() / "none.txt").c_str(), 0000);
    ::chmod((Ws() / "tool.sh").c_str(), 0755);
    ::chmod((Ws() / "private.sh").c_str(), 0700);
    ::chmod((Ws() / "setuid.sh").c_str(), 04755);
    ::chmod((Ws() / "privdir").c_str(), 0700);
    ::chmod((Ws() / "rodir/sub").c_str(), 0500);
    ::chmod((Ws() / "rodir").c_str(), 0500);
    ::chmod((Ws() / "shared").c_str(), 02775);
    ::chmod((Ws() / "sticky").c_str(), 01777);
    ::chmod((Ws() / "emptyprivate").c_str(), 0700);
  }

  // The modes MakeModes set, as a snapshot keeps them (setuid is not kept).
  void ExpectModes(const fs::path& ws) {
    EXPECT_MODE(ws / "plain.txt", 0644);
    EXPECT_MODE(ws / "secret.txt", 0600);
    EXPECT_MODE(ws / "group.txt", 0640);
    EXPECT_MODE(ws / "readonly.txt", 0444);
    EXPECT_MODE(ws / "none.txt", 0000);
    EXPECT_MODE(ws / "tool.sh", 0755);
    EXPECT_MODE(ws / "private.sh", 0700);
    EXPECT_MODE(ws / "setuid.sh", 0755);
    EXPECT_MODE(ws / "privdir", 0700);
    EXPECT_MODE(ws / "rodir", 0500);
    EXPECT_MODE(ws / "rodir/sub", 0500);
    EXPECT_MODE(ws / "shared", 02775);
    EXPECT_MODE(ws / "sticky", 01777);
    EXPECT_MODE(ws / "emptyprivate", 0700);
    EXPECT_EQ(ReadFile(ws / "rodir/sub/deep.txt"), "deep\n");
    EXPECT_EQ(ReadFile(ws / "privdir/inside.txt"), "inside\n");
  }

  void TearDown() override {
    // Let the temp dir be removed whatever modes a test left.
    for (auto it = fs::recursive_directory_iterator(Tmp()); it != fs::recursive_directory_iterator(); ++it)
      if (it->is_directory() && !it->is_symlink()) ::chmod(it->path().c_str(), 0755);
  }
};

TEST_F(MetadataTest, ForkKeepsPermissionBits) {
  MakeModes();
  std::string s = Snap("modes");
  ASSERT_OK(Run({"worktree", "fork", s, "fk"}));
  ExpectModes(Root() / "worktrees" / "fk");
  // The fork is clean: the modes it got are the snapshot's.
  RunResult st = Jvs(Root() / "worktrees" / "fk", {"status"});
  ASSERT_OK(st);
  EXPECT_TRUE(Contains(st.out, "No changes")) << st.out;
}

TEST_F(MetadataTest, ForkDirectoryIsNoWiderThanTheMainWorkspace) {
  Write("top.txt", "readable by mode, hidden by the closed workspace directory\n");
  Snap("one");
  ::chmod(Ws().c_str(), 0700);
  ASSERT_OK(Run({"worktree", "fork", "fk"}));
  EXPECT_MODE(Root() / "worktrees" / "fk", 0700);
  ASSERT_OK(Run({"worktree", "fork", "out", "--path", (Tmp() / "out").string()}));
  EXPECT_MODE(Tmp() / "out", 0700);
}

TEST_F(MetadataTest, ForkUnderUmask077KeepsTheRecordedModes) {
  MakeModes();
  std::string s = Snap("modes");
  RunResult r = RunProcess(Ws(), {"/bin/sh", "-c", "umask 077; exec \"$0\" \"$@\"", JVS_BINARY, "worktree", "fork", s, "fk"},
                           CleanEnv());
  ASSERT_OK(r);
  ExpectModes(Root() / "worktrees" / "fk");
}

TEST_F(MetadataTest, RestoreUnderUmask077WritesTheRecordedModes) {
  Write("d/e/f.txt", "f\n");
  Write("top.txt", "top\n");
  std::string s = Snap("default modes");
  fs::remove_all(Ws() / "d");
  fs::remove(Ws() / "top.txt");
  RunResult r = RunProcess(Ws(), {"/bin/sh", "-c", "umask 077; exec \"$0\" \"$@\"", JVS_BINARY, "restore", s},
                           CleanEnv());
  ASSERT_OK(r);
  EXPECT_MODE(Ws() / "d", 0755);
  EXPECT_MODE(Ws() / "d/e", 0755);
  EXPECT_MODE(Ws() / "d/e/f.txt", 0644);
  EXPECT_MODE(Ws() / "top.txt", 0644);
  RunResult st = Run({"status"});
  EXPECT_TRUE(Contains(st.out, "No changes")) << st.out;
}

TEST_F(MetadataTest, RestoreInPlaceBringsModesBack) {
  MakeModes();
  std::string s = Snap("modes");
  // A user (or a tool) loosens and tightens modes; content stays the same.
  for (const char* f : {"plain.txt", "secret.txt", "group.txt", "readonly.txt", "none.txt", "private.sh"})
    ::chmod((Ws() / f).c_str(), 0666);
  ::chmod((Ws() / "tool.sh").c_str(), 0700);
  ::chmod((Ws() / "setuid.sh").c_str(), 0700);  // (its setuid bit was never recorded)
  ::chmod((Ws() / "privdir").c_str(), 0777);
  ::chmod((Ws() / "rodir").c_str(), 0755);
  ::chmod((Ws() / "shared").c_str(), 0755);
  ::chmod((Ws() / "sticky").c_str(), 0755);
  ::chmod((Ws() / "emptyprivate").c_str(), 0755);
  RunResult st = Run({"status"});
  ASSERT_OK(st);
  EXPECT_FALSE(Contains(st.out, "No changes")) << "a mode-only change is a change:\n" << st.out;
  for (const char* p : {"secret.txt", "plain.txt", "tool.sh", "privdir/", "rodir/", "emptyprivate/"})
    EXPECT_TRUE(Contains(st.out, p)) << p << " not listed:\n" << st.out;
  ASSERT_OK(Run({"restore", s}));
  ExpectModes(Ws());
  st = Run({"status"});
  ASSERT_OK(st);
  EXPECT_TRUE(Contains(st.out, "No changes")) << st.out;
}

TEST_F(MetadataTest, ModeChangeIsRecordedAndShownByDiff) {
  Write("a.txt", "same content\n");
  Write("d/f.txt", "f\n");
  std::string s1 = Snap("open");
  ::chmod((Ws() / "a.txt").c_str(), 0600);
  ::chmod((Ws() / "d").c_str(), 0700);
  RunResult diff = Run({"diff"});
  ASSERT_OK(diff);
  EXPECT_TRUE(Contains(diff.out, "mode changed: 0644 -> 0600")) << diff.out;
  EXPECT_TRUE(Contains(diff.out, "mode changed: 0755 -> 0700")) << diff.out;
  json j = RunJson({"status"});
  ASSERT_EQ(j["modified"].size(), 2u) << j.dump(1);
  for (const auto& e : j["modified"]) {
    if (e.value("path", "") == "a.txt") {
      EXPECT_EQ(e.value("permissions", ""), "0600") << e.dump();
      EXPECT_EQ(e.value("old_permissions", ""), "0644") << e.dump();
      EXPECT_EQ(e.value("mode", ""), "100644") << e.dump();
    } else {
      EXPECT_EQ(e.value("path", ""), "d") << e.dump();
      EXPECT_EQ(e.value("permissions", ""), "0700") << e.dump();
      EXPECT_EQ(e.value("old_permissions", ""), "0755") << e.dump();
    }
  }
  std::string s2 = Snap("closed");
  EXPECT_NE(s1, s2);
  // Back and forth between the two snapshots: the modes follow.
  ASSERT_OK(Run({"restore", s1}));
  EXPECT_MODE(Ws() / "a.txt", 0644);
  EXPECT_MODE(Ws() / "d", 0755);
  ASSERT_OK(Run({"restore", s2}));
  EXPECT_MODE(Ws() / "a.txt", 0600);
  EXPECT_MODE(Ws() / "d", 0700);
  RunResult names = Run({"diff", "--name-only", s1, s2});
  ASSERT_OK(names);
  EXPECT_TRUE(Contains(names.out, "a.txt")) << names.out;
  EXPECT_OK(Run({"verify", "--all"}));
}

// A file that becomes a directory, and a directory that becomes a file: diff
// says "type changed" both ways, shows the file content that goes or comes,
// names the path as the file in --stat, and JSON carries both sides' type.
TEST_F(MetadataTest, TypeChangesAreShownBothWays) {
  Write("x", "old file line\n");
  Write("d/f", "inner\n");
  Snap("before");
  fs::remove(Ws() / "x");
  Write("x/g", "new inner\n");
  fs::remove_all(Ws() / "d");
  Write("d", "now a file\n");
  RunResult diff = Run({"diff"});
  ASSERT_OK(diff);
  EXPECT_TRUE(Contains(diff.out, "type changed: file -> tree")) << diff.out;
  EXPECT_TRUE(Contains(diff.out, "type changed: tree -> file")) << diff.out;
  EXPECT_TRUE(Contains(diff.out, "-old file line")) << diff.out;
  EXPECT_TRUE(Contains(diff.out, "+now a file")) << diff.out;
  EXPECT_FALSE(Contains(diff.out, "new empty directory")) << diff.out;
  RunResult stat = Run({"diff", "--stat"});
  ASSERT_OK(stat);
  EXPECT_TRUE(Contains(stat.out, " x   | 1 -")) << stat.out;
  EXPECT_FALSE(Contains(stat.out, "x/  |")) << stat.out;
  json j = RunJson({"diff"});
  bool seen_x = false, seen_d = false;
  for (const auto& e : j["modified"]) {
    if (e.value("path", "") == "x") {
      seen_x = true;
      EXPECT_EQ(e.value("old_type", ""), "file") << e.dump();
      EXPECT_EQ(e.value("type", ""), "tree") << e.dump();
      EXPECT_EQ(e.value("old_mode", ""), "100644") << e.dump();
      EXPECT_EQ(e.value("mode", ""), "040000") << e.dump();
    } else if (e.value("path", "") == "d") {
      seen_d = true;
      EXPECT_EQ(e.value("old_type", ""), "tree") << e.dump();
      EXPECT_EQ(e.value("type", ""), "file") << e.dump();
    }
  }
  EXPECT_TRUE(seen_x && seen_d) << j.dump(1);
  for (const auto& e : j["added"]) EXPECT_TRUE(e["old_type"].is_null() && e["old_mode"].is_null()) << e.dump();
}

// A repository its user can read but not write (a read-only .jvs, e.g. a
// mounted archive): reading commands work (they once failed writing a clock
// probe); gc plan, which must save its plan, says why it cannot.
TEST_F(MetadataTest, ReadOnlyControlFolderStillServesReadingCommands) {
  if (!CanRunAsNobody()) GTEST_SKIP() << "needs root and runuser to act as a user the folder refuses";
  Write("a.txt", "a\n");
  Write("d/b.txt", "b\n");
  Snap("one");
  Write("a.txt", "changed\n");
  ::chmod(Tmp().c_str(), 0755);
  ASSERT_OK(RunProcess(Tmp(), {"/bin/chown", "-R", "nobody", Root().string()}, CleanEnv()));
  ASSERT_OK(RunProcess(Tmp(), {"/bin/chmod", "-R", "a-w", (Root() / ".jvs").string()}, CleanEnv()));
  fs::path home = Tmp();
  for (std::vector<std::string> args :
       {std::vector<std::string>{"status"}, {"diff"}, {"history"}, {"info"}, {"verify", "--all"}, {"doctor"}}) {
    RunResult r = JvsAsNobody(Ws(), args, home);
    EXPECT_EQ(r.exit_code, 0) << args[0] << "\n" << r.Describe();
    EXPECT_FALSE(Contains(r.err, ".clock-")) << r.err;
  }
  RunResult st = JvsAsNobody(Ws(), {"status"}, home);
  EXPECT_TRUE(Contains(st.out, "a.txt")) << st.out;
  RunResult gc = JvsAsNobody(Ws(), {"gc", "plan"}, home);
  EXPECT_NE(gc.exit_code, 0) << gc.Describe();
  EXPECT_TRUE(Contains(gc.err, "cannot save the gc plan")) << gc.err;
  EXPECT_TRUE(Contains(gc.err, "nothing was deleted")) << gc.err;
}

TEST_F(MetadataTest, ControlFolderIsOwnerOnly) {
  EXPECT_MODE(Root() / ".jvs", 0700);
  // init --here too, under a permissive umask.
  fs::create_directories(Tmp() / "adopt");
  RunResult r = RunProcess(Tmp() / "adopt", {"/bin/sh", "-c", "umask 000; exec \"$0\" \"$@\"", JVS_BINARY, "init", "--here"},
                           CleanEnv());
  ASSERT_OK(r);
  EXPECT_MODE(Tmp() / "adopt" / ".jvs", 0700);
}

TEST_F(MetadataTest, AnotherUserCannotReadASecretThroughTheStore) {
  if (!CanRunAsNobody()) GTEST_SKIP() << "needs root and runuser to act as a second user";
  // Everything on the way is open to others, as a home directory often is.
  ::chmod(Tmp().c_str(), 0755);
  ::chmod(Root().c_str(), 0755);
  Write("public.txt", "everyone may read this\n");
  Write("secret.txt", "only the owner may read this\n");
  ::chmod((Ws() / "secret.txt").c_str(), 0600);
  Snap("with a secret");
  fs::path home = Tmp();
  // The second user reads what is public, and not the secret...
  RunResult pub = AsNobody(Ws(), {"cat", (Ws() / "public.txt").string()}, home);
  ASSERT_EQ(pub.exit_code, 0) << "the test setup must let nobody read public files\n" << pub.Describe();
  EXPECT_NE(AsNobody(Ws(), {"cat", (Ws() / "secret.txt").string()}, home).exit_code, 0);
  // ... nor through the store.
  fs::path blob = BlobPath(Root(), Ws() / "secret.txt");
  ASSERT_TRUE(fs::exists(blob)) << blob;
  RunResult leak = AsNobody(Ws(), {"cat", blob.string()}, home);
  EXPECT_NE(leak.exit_code, 0) << "the secret is readable through the store:\n" << leak.Describe();
  EXPECT_FALSE(Contains(leak.out, "only the owner")) << leak.out;
  // A fork outside the repository keeps the secret's mode; its pointer file
  // names only the repository.
  fs::path outside = Tmp() / "outside" / "fk";
  ASSERT_OK(Run({"worktree", "fork", "fk", "--path", outside.string()}));
  EXPECT_MODE(outside / "secret.txt", 0600);
  EXPECT_NE(AsNobody(Ws(), {"cat", (outside / "secret.txt").string()}, home).exit_code, 0);
  EXPECT_EQ(ReadFile(outside / ".jvs"), "jvs-repo: " + Root().string() + "\n");
}

TEST_F(MetadataTest, DoctorReportsAnOpenControlFolder) {
  ASSERT_OK(Run({"doctor"}));
  ::chmod((Root() / ".jvs").c_str(), 0755);
  RunResult r = Run({"--json", "doctor"});
  EXPECT_TRUE(Contains(r.out, "\"permissions\"")) << r.Describe();
  EXPECT_EQ(ParseJson(r.out).value("healthy", true), false) << r.out;
  RunResult text = Run({"doctor"});
  EXPECT_TRUE(Contains(text.out + text.err, "chmod 700")) << text.Describe();
  ASSERT_OK(Run({"doctor", "--repair"}));
  EXPECT_MODE(Root() / ".jvs", 0700);
  EXPECT_OK(Run({"doctor"}));
}

// As a user whom permission bits bind (not root): a 0500 directory with
// content is forked and restored in place, and keeps its mode.
TEST_F(MetadataTest, ReadOnlyDirectoriesAreFilledAsNonRoot) {
  if (!CanRunAsNobody()) GTEST_SKIP() << "needs root and runuser to act as a second user";
  fs::path base = Tmp() / "nobody";
  fs::create_directories(base);
  ::chmod(Tmp().c_str(), 0755);
  ASSERT_EQ(::chown(base.c_str(), 65534, 65534), 0);
  auto sh = [&](const std::string& script) {
    RunResult r = AsNobody(base, {"/bin/sh", "-c", script}, base);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
  };
  ASSERT_OK(JvsAsNobody(base, {"init", "r"}, base));
  fs::path ws = base / "r" / "main";
  sh("cd r/main && mkdir -p ro/sub && echo one > ro/sub/f.txt && echo top > ro/top.txt && chmod 0500 ro/sub ro && "
     "echo s > secret && chmod 600 secret");
  ASSERT_OK(JvsAsNobody(ws, {"snapshot", "one"}, base));
  RunResult fork = JvsAsNobody(ws, {"worktree", "fork", "fk"}, base);
  ASSERT_OK(fork);
  fs::path fk = base / "r" / "worktrees" / "fk";
  EXPECT_EQ(ReadFile(fk / "ro/sub/f.txt"), "one\n");
  EXPECT_MODE(fk / "ro", 0500);
  EXPECT_MODE(fk / "ro/sub", 0500);
  EXPECT_MODE(fk / "secret", 0600);
  // Change the content inside the read-only directories, then restore in place.
  sh("cd r/main && chmod 0700 ro ro/sub && echo two > ro/sub/f.txt && rm ro/top.txt && echo new > ro/new.txt && "
     "chmod 0500 ro/sub ro");
  RunResult restore = JvsAsNobody(ws, {"restore", "@"}, base);
  ASSERT_OK(restore);
  EXPECT_EQ(ReadFile(ws / "ro/sub/f.txt"), "one\n");
  EXPECT_EQ(ReadFile(ws / "ro/top.txt"), "top\n");
  EXPECT_MODE(ws / "ro", 0500);
  EXPECT_MODE(ws / "ro/sub", 0500);
  RunResult st = JvsAsNobody(ws, {"status"}, base);
  ASSERT_OK(st);
  EXPECT_TRUE(Contains(st.out, "No changes")) << st.out;
}

}  // namespace
}  // namespace jvs::e2e
