// jvs merge and jvs resolve as a user runs them (issue 17): clean merges,
// the whole conflict scenario (text, binary, executable bit, modify/delete,
// add/add), resolving by editing and with `resolve`, recording an unresolved
// conflict, and undo bringing both workspaces back byte for byte.
#include <sys/stat.h>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::Contains;

class MergeTest : public RepoTest {
 protected:
  static std::string Lines(int from, int to, const std::string& tag = "") {
    std::string s;
    for (int i = from; i <= to; ++i) s += "line " + std::to_string(i) + tag + "\n";
    return s;
  }
  static bool Executable(const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXUSR);
  }
};

TEST_F(MergeTest, CleanMergeJoinsBothLinesAndUndoGoesBack) {
  Write("a.txt", Lines(1, 20));
  Write("keep.txt", "same\n");
  Snap("base");
  fs::path exp = Fork("exp");
  WriteAt(exp / "a.txt", Lines(1, 15) + "line 16 exp\n" + Lines(17, 20));
  WriteAt(exp / "new.txt", "from exp\n");
  SnapIn(exp, "exp work");
  Write("a.txt", "line 1 main\n" + Lines(2, 20));
  std::string main_head = Snap("main work");
  const Manifest before = TakeManifest(Ws());

  json m = In(Ws(), {"merge", "exp@", "-m", "bring exp"});
  ASSERT_TRUE(m.is_object());
  EXPECT_TRUE(m["clean"].get<bool>()) << m.dump();
  ASSERT_EQ(m["parents"].size(), 2u);
  EXPECT_EQ(m["parents"][0], main_head);
  EXPECT_EQ(Read("a.txt"), "line 1 main\n" + Lines(2, 15) + "line 16 exp\n" + Lines(17, 20));
  EXPECT_EQ(Read("new.txt"), "from exp\n");
  json st = In(Ws(), {"status"});
  EXPECT_TRUE(st["clean"].get<bool>()) << st.dump();
  EXPECT_EQ(st["head_snapshot_id"], m["snapshot_id"]);
  RunResult hist = Run({"history"});
  EXPECT_TRUE(Contains(hist.out, "bring exp")) << hist.out;
  ASSERT_OK(Run({"verify", "--all"}));

  // Merging again brings nothing: refused with a reason.
  RunResult again = Run({"merge", "exp@"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_TRUE(Contains(again.err, "nothing to merge")) << again.Describe();

  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(ManifestDiff(before, TakeManifest(Ws())), "");
  EXPECT_EQ(In(Ws(), {"status"})["head_snapshot_id"], main_head);
}

TEST_F(MergeTest, DirtyFilesTakePartInTheMergeAndUndoBringsThemBack) {
  Write("a.txt", Lines(1, 10));
  Snap("base");
  fs::path exp = Fork("exp");
  WriteAt(exp / "b.txt", "exp\n");
  SnapIn(exp, "exp");
  Write("dirty.txt", "uncommitted\n");
  Write("a.txt", Lines(1, 9) + "line 10 dirty\n");
  const Manifest before = TakeManifest(Ws());
  json m = In(Ws(), {"merge", "exp@"});
  ASSERT_TRUE(m.is_object());
  ASSERT_TRUE(m["captured_snapshot_id"].is_string()) << m.dump();
  EXPECT_EQ(m["parents"][0], m["captured_snapshot_id"]);
  EXPECT_EQ(Read("dirty.txt"), "uncommitted\n");
  EXPECT_EQ(Read("b.txt"), "exp\n");
  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(ManifestDiff(before, TakeManifest(Ws())), "");
}

TEST_F(MergeTest, WholeConflictScenario) {
  Write("text.txt", Lines(1, 30));
  Write("clean.txt", Lines(1, 30));
  Write("bin.dat", std::string("\0\1\2base", 7));
  Write("run.sh", "#!/bin/sh\necho hi\n");
  Write("gone.txt", "base of gone\n");
  Snap("base");
  fs::path exp = Fork("exp");
  const Manifest exp_base = TakeManifest(exp);
  // main's side
  Write("text.txt", Lines(1, 9) + "line 10 main\n" + Lines(11, 30));
  Write("clean.txt", "line 1 main\n" + Lines(2, 30));
  Write("bin.dat", std::string("\0\1\2main", 7));
  ASSERT_EQ(::chmod((Ws() / "run.sh").c_str(), 0755), 0);
  Write("gone.txt", "main changed it\n");
  Write("both.txt", "added by main\n");
  std::string main_head = Snap("main side");
  // exp's side
  WriteAt(exp / "text.txt", Lines(1, 9) + "line 10 exp\n" + Lines(11, 30));
  WriteAt(exp / "clean.txt", Lines(1, 29) + "line 30 exp\n");
  WriteAt(exp / "bin.dat", std::string("\0\1\2exp!", 7));
  WriteAt(exp / "run.sh", "#!/bin/sh\necho hello\n");
  fs::remove(exp / "gone.txt");
  WriteAt(exp / "both.txt", "added by exp\n");
  SnapIn(exp, "exp side");
  const Manifest main_before = TakeManifest(Ws());
  const Manifest exp_before = TakeManifest(exp);

  json m = In(Ws(), {"merge", "exp@"});
  ASSERT_TRUE(m.is_object());
  EXPECT_FALSE(m["clean"].get<bool>());
  std::set<std::string> conflicted;
  for (const auto& c : m["conflicts"]) conflicted.insert(c["path"].get<std::string>());
  EXPECT_EQ(conflicted, (std::set<std::string>{"bin.dat", "both.txt", "gone.txt", "text.txt"})) << m.dump(1);

  // Clean parts merged, the exec bit of main and the content of exp together.
  EXPECT_EQ(Read("clean.txt"), "line 1 main\n" + Lines(2, 29) + "line 30 exp\n");
  EXPECT_EQ(Read("run.sh"), "#!/bin/sh\necho hello\n");
  EXPECT_TRUE(Executable(Ws() / "run.sh"));
  // Text: markers as documented.
  const std::string text = Read("text.txt");
  EXPECT_TRUE(Contains(text, "<<<<<<< conflict 1 of 1\n")) << text;
  // (the base is shown as a diff to the side it is closer to: exp's shorter line)
  EXPECT_TRUE(Contains(text, "+++++++ side #1\nline 10 main\n")) << text;
  EXPECT_TRUE(Contains(text, "%%%%%%% diff from base to side #2\n-line 10\n+line 10 exp\n")) << text;
  EXPECT_TRUE(Contains(text, ">>>>>>> conflict 1 of 1 ends\n")) << text;
  // Binary: side 1 at the path, side 2 beside it, a note file.
  EXPECT_EQ(Read("bin.dat"), std::string("\0\1\2main", 7));
  EXPECT_EQ(Read("bin.dat.jvs-side-2"), std::string("\0\1\2exp!", 7));
  EXPECT_TRUE(fs::exists(Ws() / "bin.dat.jvs-conflict"));
  // Modify/delete: main's version at the path, no side file for the deletion.
  EXPECT_EQ(Read("gone.txt"), "main changed it\n");
  EXPECT_FALSE(fs::exists(Ws() / "gone.txt.jvs-side-2"));
  EXPECT_TRUE(fs::exists(Ws() / "gone.txt.jvs-conflict"));
  // Add/add: no markers.
  EXPECT_EQ(Read("both.txt"), "added by main\n");
  EXPECT_EQ(Read("both.txt.jvs-side-2"), "added by exp\n");
  // The files are the head as materialized: status is clean, and names the conflicts.
  json st = In(Ws(), {"status"});
  EXPECT_TRUE(st["clean"].get<bool>()) << st.dump(1);
  EXPECT_EQ(st["conflicts"].size(), 4u);
  RunResult list = Run({"resolve", "--list"});
  ASSERT_OK(list);
  EXPECT_TRUE(Contains(list.out, "bin.dat.jvs-side-2")) << list.out;
  EXPECT_TRUE(Contains(list.out, "text.txt")) << list.out;
  RunResult hist = Run({"history"});
  EXPECT_TRUE(Contains(hist.out, "(conflict)")) << hist.out;

  // A snapshot now records the conflicts, never one side silently.
  json unresolved = In(Ws(), {"snapshot", "still conflicted"});
  EXPECT_TRUE(unresolved["conflicted"].get<bool>()) << unresolved.dump(1);
  EXPECT_EQ(In(Ws(), {"resolve", "--list"})["conflicts"].size(), 4u);

  // Resolve: text by editing, binary with --theirs, modify/delete with --take 2, add/add with --ours.
  Write("text.txt", Lines(1, 9) + "line 10 both\n" + Lines(11, 30));
  ASSERT_OK(Run({"resolve", "bin.dat", "--theirs"}));
  EXPECT_EQ(Read("bin.dat"), std::string("\0\1\2exp!", 7));
  EXPECT_FALSE(fs::exists(Ws() / "bin.dat.jvs-side-2"));
  EXPECT_FALSE(fs::exists(Ws() / "bin.dat.jvs-conflict"));
  ASSERT_OK(Run({"resolve", "gone.txt", "--take", "2"}));
  EXPECT_FALSE(fs::exists(Ws() / "gone.txt"));
  ASSERT_OK(Run({"resolve", "both.txt", "--ours"}));
  EXPECT_EQ(Read("both.txt"), "added by main\n");
  EXPECT_EQ(In(Ws(), {"resolve", "--list"})["conflicts"].size(), 0u);
  json resolved = In(Ws(), {"snapshot", "resolved"});
  EXPECT_FALSE(resolved["conflicted"].get<bool>()) << resolved.dump(1);
  EXPECT_TRUE(In(Ws(), {"status"})["clean"].get<bool>());
  ASSERT_OK(Run({"verify", "--all"}));

  // Undo the resolved snapshot and the three resolutions (each an operation:
  // the conflicts come back in the files, the edit of text.txt too), then the
  // unresolved snapshot and the merge: both workspaces as before.
  ASSERT_OK(Run({"undo"}));
  for (int i = 0; i < 3; ++i) ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(In(Ws(), {"resolve", "--list"})["conflicts"].size(), 3u) << "text.txt stays resolved by the edit";
  EXPECT_TRUE(fs::exists(Ws() / "bin.dat.jvs-side-2"));
  EXPECT_EQ(Read("text.txt"), Lines(1, 9) + "line 10 both\n" + Lines(11, 30));
  ASSERT_OK(Run({"undo"}));
  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(ManifestDiff(main_before, TakeManifest(Ws())), "");
  EXPECT_EQ(ManifestDiff(exp_before, TakeManifest(exp)), "");
  (void)exp_base;
}

TEST_F(MergeTest, ConflictedSnapshotIsMaterializedAgainByRestore) {
  Write("f.txt", "base\n");
  std::string base = Snap("base");
  fs::path exp = Fork("exp");
  Write("f.txt", "main\n");
  Snap("main");
  WriteAt(exp / "f.txt", "exp\n");
  SnapIn(exp, "exp");
  json m = In(Ws(), {"merge", "exp@"});
  ASSERT_TRUE(m.is_object());
  const std::string merged = m["snapshot_id"];
  const std::string marked = Read("f.txt");
  ASSERT_TRUE(Contains(marked, "<<<<<<<")) << marked;
  ASSERT_OK(Run({"restore", base.substr(0, 12)}));
  EXPECT_EQ(Read("f.txt"), "base\n");
  ASSERT_OK(Run({"restore", merged.substr(0, 12)}));
  EXPECT_EQ(Read("f.txt"), marked);
  EXPECT_TRUE(In(Ws(), {"status"})["clean"].get<bool>());
  // A fork of the conflicted snapshot holds the markers too.
  fs::path again = Fork("again");
  EXPECT_EQ(ReadAt(again / "f.txt"), marked);
}

TEST_F(MergeTest, ResolveWithAToolAndBadInputs) {
  Write("f.txt", "a\nb\nc\n");
  Snap("base");
  fs::path exp = Fork("exp");
  Write("f.txt", "a\nB main\nc\n");
  Snap("main");
  WriteAt(exp / "f.txt", "a\nB exp\nc\n");
  SnapIn(exp, "exp");
  ASSERT_OK(Run({"merge", "exp@"}));
  RunResult none = Run({"resolve", "f.txt"});
  EXPECT_EQ(none.exit_code, 2) << none.Describe();
  RunResult missing = Run({"resolve", "nope.txt", "--ours"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(Contains(missing.err, "not conflicted")) << missing.Describe();
  RunResult side3 = Run({"resolve", "f.txt", "--take", "3"});
  EXPECT_NE(side3.exit_code, 0);
  EXPECT_TRUE(Contains(side3.err, "2 sides")) << side3.Describe();
  RunResult failing = Run({"resolve", "f.txt", "--tool", "false"});
  EXPECT_NE(failing.exit_code, 0);
  EXPECT_TRUE(Contains(Read("f.txt"), "<<<<<<<"));
  ASSERT_OK(Run({"resolve", "f.txt", "--tool", "cat $left $right > $output"}));
  EXPECT_EQ(Read("f.txt"), "a\nB main\nc\na\nB exp\nc\n");
  json snap = In(Ws(), {"snapshot", "tool result"});
  EXPECT_FALSE(snap["conflicted"].get<bool>());
}

TEST_F(MergeTest, ResolveTakesADirectorySideWhole) {
  // main keeps p a file (changed); exp turns p into a directory with a
  // subdirectory, a symlink and a read-only folder.
  Write("p", "p v0\n");
  Snap("base");
  fs::path exp = Fork("exp");
  Write("p", "p main\n");
  Snap("main");
  fs::remove(exp / "p");
  WriteAt(exp / "p/x.txt", "x\n");
  WriteAt(exp / "p/sub/y.txt", "y\n");
  fs::create_symlink("x.txt", exp / "p/link");
  fs::create_directories(exp / "p/ro");
  WriteAt(exp / "p/ro/z", "z\n");
  fs::permissions(exp / "p/ro", fs::perms::owner_read | fs::perms::owner_exec);
  SnapIn(exp, "exp");
  ASSERT_OK(Run({"merge", "exp@"}));
  EXPECT_EQ(Read("p"), "p main\n");
  ASSERT_TRUE(fs::is_directory(Ws() / "p.jvs-side-2"));
  // Side 2, the directory, taken whole: the helper files go.
  ASSERT_OK(Run({"resolve", "p", "--take", "2"}));
  ASSERT_TRUE(fs::is_directory(Ws() / "p"));
  EXPECT_EQ(Read("p/x.txt"), "x\n");
  EXPECT_EQ(Read("p/sub/y.txt"), "y\n");
  EXPECT_EQ(Read("p/ro/z"), "z\n");
  EXPECT_EQ(fs::read_symlink(Ws() / "p/link"), "x.txt");
  EXPECT_EQ(fs::status(Ws() / "p/ro").permissions() & fs::perms::owner_write, fs::perms::none);
  EXPECT_FALSE(fs::exists(Ws() / "p.jvs-side-2"));
  EXPECT_FALSE(fs::exists(Ws() / "p.jvs-conflict"));
  EXPECT_EQ(In(Ws(), {"resolve", "--list"})["conflicts"].size(), 0u);
  json snap = In(Ws(), {"snapshot", "took the directory"});
  EXPECT_FALSE(snap["conflicted"].get<bool>()) << snap.dump(1);
  // The snapshot holds exactly exp's directory.
  RunResult d = Run({"diff", "exp@", "@"});
  EXPECT_TRUE(d.out.empty()) << d.Describe();
  fs::permissions(Ws() / "p/ro", fs::perms::owner_all);
  fs::permissions(exp / "p/ro", fs::perms::owner_all);
}

TEST_F(MergeTest, ResolveOursWhenOursIsTheDirectory) {
  Write("p", "p v0\n");
  Snap("base");
  fs::path exp = Fork("exp");
  fs::remove(Ws() / "p");
  Write("p/in.txt", "in main\n");
  Snap("main");
  WriteAt(exp / "p", "p exp\n");
  SnapIn(exp, "exp");
  ASSERT_OK(Run({"merge", "exp@"}));
  ASSERT_TRUE(fs::is_directory(Ws() / "p"));
  // The user edited side 1 in place before choosing it again: --ours takes
  // the recorded side, and a name already beside it is never removed.
  Write("p.jvs-resolving", "mine\n");
  ASSERT_OK(Run({"resolve", "p", "--ours"}));
  EXPECT_EQ(Read("p/in.txt"), "in main\n");
  EXPECT_EQ(Read("p.jvs-resolving"), "mine\n");
  EXPECT_FALSE(fs::exists(Ws() / "p.jvs-side-2"));
  EXPECT_FALSE(fs::exists(Ws() / "p.jvs-conflict"));
  EXPECT_FALSE(fs::exists(Ws() / "p.jvs-resolving~2"));
}

TEST_F(MergeTest, CrissCrossHistoryMergesAgainstAVirtualBase) {
  Write("a.txt", Lines(1, 10));
  Write("b.txt", Lines(1, 10));
  Snap("base");
  fs::path exp = Fork("exp");
  Write("a.txt", "line 1 A\n" + Lines(2, 10));
  std::string a1 = Snap("A1");
  WriteAt(exp / "b.txt", "line 1 B\n" + Lines(2, 10));
  std::string b1 = SnapIn(exp, "B1");
  // Each line merges the other's first change: two common ancestors later.
  ASSERT_OK(Run({"merge", b1.substr(0, 12)}));
  ASSERT_EQ(Jvs(exp, {"merge", a1.substr(0, 12)}).exit_code, 0);
  Write("a.txt", "line 1 A\n" + Lines(2, 9) + "line 10 main\n");
  Snap("main again");
  WriteAt(exp / "b.txt", "line 1 B\n" + Lines(2, 9) + "line 10 exp\n");
  SnapIn(exp, "exp again");
  json m = In(Ws(), {"merge", "exp@"});
  ASSERT_TRUE(m.is_object());
  EXPECT_TRUE(m["clean"].get<bool>()) << m.dump(1);
  EXPECT_EQ(Read("a.txt"), "line 1 A\n" + Lines(2, 9) + "line 10 main\n");
  EXPECT_EQ(Read("b.txt"), "line 1 B\n" + Lines(2, 9) + "line 10 exp\n");
  ASSERT_OK(Run({"verify", "--all"}));
}

TEST_F(MergeTest, OctopusMergeOfThreeLines) {
  Write("f.txt", Lines(1, 30));
  Snap("base");
  fs::path e1 = Fork("e1");
  fs::path e2 = Fork("e2");
  Write("f.txt", "line 1 main\n" + Lines(2, 30));
  Snap("main");
  WriteAt(e1 / "f.txt", Lines(1, 14) + "line 15 e1\n" + Lines(16, 30));
  SnapIn(e1, "e1");
  WriteAt(e2 / "f.txt", Lines(1, 29) + "line 30 e2\n");
  SnapIn(e2, "e2");
  json m = In(Ws(), {"merge", "e1@", "e2@"});
  ASSERT_TRUE(m.is_object());
  EXPECT_TRUE(m["clean"].get<bool>()) << m.dump(1);
  EXPECT_EQ(m["parents"].size(), 3u);
  EXPECT_EQ(Read("f.txt"), "line 1 main\n" + Lines(2, 14) + "line 15 e1\n" + Lines(16, 29) + "line 30 e2\n");
}

TEST_F(MergeTest, FilesWithMarkerLikeLinesCrlfAndNoFinalNewlineRoundTrip) {
  const std::string tricky = "<<<<<<< not a marker\r\n=======\r\nmid\r\n>>>>>>> neither\r\nend";
  Write("t.txt", tricky + " base");
  Snap("base");
  fs::path exp = Fork("exp");
  Write("t.txt", tricky + " main");
  Snap("main");
  WriteAt(exp / "t.txt", tricky + " exp");
  SnapIn(exp, "exp");
  json m = In(Ws(), {"merge", "exp@"});
  ASSERT_TRUE(m.is_object());
  ASSERT_EQ(m["conflicts"].size(), 1u);
  const std::string marked = Read("t.txt");
  // Longer markers than the file's own marker-like lines, CRLF line ends.
  EXPECT_TRUE(Contains(marked, "<<<<<<<<< conflict 1 of 1\r\n")) << marked;
  // Untouched, the conflict is recorded as it was.
  json kept = In(Ws(), {"snapshot", "kept"});
  EXPECT_TRUE(kept["conflicted"].get<bool>());
  EXPECT_TRUE(In(Ws(), {"status"})["clean"].get<bool>());
  // The user's resolution keeps the file's own marker-like lines and no final newline.
  Write("t.txt", tricky + " both");
  json done = In(Ws(), {"snapshot", "resolved"});
  EXPECT_FALSE(done["conflicted"].get<bool>()) << done.dump(1);
  ASSERT_OK(Run({"restore", kept["snapshot_id"].get<std::string>().substr(0, 12)}));
  EXPECT_EQ(Read("t.txt"), marked);
  ASSERT_OK(Run({"restore", done["snapshot_id"].get<std::string>().substr(0, 12)}));
  EXPECT_EQ(Read("t.txt"), tricky + " both");
}

TEST_F(MergeTest, DiffOfAMergeIsAgainstTheMergeOfItsParents) {
  Write("a.txt", Lines(1, 10));
  Write("b.txt", "b\n");
  Snap("base");
  fs::path exp = Fork("exp");
  Write("a.txt", "line 1 main\n" + Lines(2, 10));
  Snap("main");
  WriteAt(exp / "b.txt", "b exp\n");
  WriteAt(exp / "c.txt", "new\n");
  SnapIn(exp, "exp");
  ASSERT_OK(Run({"merge", "exp@"}));
  // Against its first parent the merge shows exp's changes; against the merge
  // of its parents it shows nothing of its own.
  EXPECT_EQ(Run({"diff", "@~1", "@", "--name-only"}).out, "b.txt\nc.txt\n");
  RunResult own = Run({"diff", "-r", "@", "--name-only"});
  ASSERT_OK(own);
  EXPECT_EQ(own.out, "");
  // An ordinary snapshot: against its parent.
  Write("a.txt", "line 1 later\n" + Lines(2, 10));
  Snap("later");
  EXPECT_EQ(Run({"diff", "-r", "@", "--name-status"}).out, "M\ta.txt\n");
  // The first snapshot: everything added.
  RunResult first = Run({"diff", "-r", "@~3", "--name-status"});
  EXPECT_EQ(first.out, "A\ta.txt\nA\tb.txt\n") << first.Describe();
  RunResult both = Run({"diff", "-r", "@", "@~1"});
  EXPECT_EQ(both.exit_code, 2) << both.Describe();
}

TEST_F(MergeTest, BadReferencesSayWhatIsWrong) {
  Write("f.txt", "x\n");
  Snap("base");
  RunResult r = Run({"merge", "nosuch@"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.err, "no worktree 'nosuch'")) << r.Describe();
  RunResult self = Run({"merge", "@"});
  EXPECT_NE(self.exit_code, 0);
  EXPECT_TRUE(Contains(self.err, "nothing to merge")) << self.Describe();
  RunResult noarg = Run({"merge"});
  EXPECT_EQ(noarg.exit_code, 2) << noarg.Describe();
}

}  // namespace
}  // namespace jvs::e2e
