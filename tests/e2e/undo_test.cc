// Undo puts the workspace back exactly as it was just before the undone
// command, belongs to the worktree it runs in, and reports what it did
// (issue 16, items 1-3). The real binary, run as a user would.
#include <chrono>
#include <thread>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::Contains;

class UndoTest : public RepoTest {
 protected:
  std::string HeadIn(const fs::path& dir) const {
    json j = In(dir, {"status"});
    return j.is_object() && j["head_snapshot_id"].is_string() ? j["head_snapshot_id"].get<std::string>() : "";
  }
  bool CleanIn(const fs::path& dir) const {
    json j = In(dir, {"status"});
    return j.is_object() && j.value("clean", false);
  }
  std::set<std::string> AllVisible() const {
    std::set<std::string> out;
    for (const auto& e : RunJson({"history", "--all"})) out.insert(e.value("snapshot_id", ""));
    return out;
  }
};

// echo dirty > f; jvs restore OLD; jvs undo -> f is "dirty" again, byte for byte.
TEST_F(UndoTest, UndoOfRestoreBringsBackTheDirtyFiles) {
  Write("f", "v1\n");
  const std::string s1 = Snap("one");
  Write("f", "v2\n");
  Write("g", "only in two\n");
  const std::string s2 = Snap("two");
  Write("f", "dirty\n");
  Write("new.txt", "untracked work\n");
  json r = RunJson({"restore", s1});
  ASSERT_TRUE(r["captured_snapshot_id"].is_string()) << r.dump(2);
  EXPECT_EQ(Read("f"), "v1\n");
  json u = RunJson({"undo"});
  EXPECT_EQ(Read("f"), "dirty\n");
  EXPECT_EQ(Read("g"), "only in two\n");
  EXPECT_EQ(Read("new.txt"), "untracked work\n");
  EXPECT_EQ(u["head_snapshot_id"], s2) << u.dump(2);
  json st = RunJson({"status"});
  EXPECT_EQ(st["head_snapshot_id"], s2);
  EXPECT_FALSE(st.value("clean", true)) << "the dirty edits are uncommitted again: " << st.dump(2);
  // redo takes the restore again (the dirty files are saved first, as always).
  json rd = RunJson({"redo"});
  EXPECT_EQ(rd["head_snapshot_id"], s1) << rd.dump(2);
  EXPECT_EQ(Read("f"), "v1\n");
  EXPECT_TRUE(rd["captured_snapshot_id"].is_string()) << rd.dump(2);
}

// echo v2 > n.txt; jvs snapshot v2; jvs undo -> the file stays v2, uncommitted.
TEST_F(UndoTest, UndoOfSnapshotKeepsTheFiles) {
  Write("n.txt", "v1\n");
  const std::string s1 = Snap("v1");
  Write("n.txt", "v2\n");
  const std::string s2 = Snap("v2");
  Write("later.txt", "written after the snapshot\n");
  json u = RunJson({"undo"});
  EXPECT_EQ(u["head_snapshot_id"], s1) << u.dump(2);
  EXPECT_TRUE(u["captured_snapshot_id"].is_null()) << "nothing is moved, nothing needs saving: " << u.dump(2);
  EXPECT_EQ(u.value("files_written", 99), 0);
  EXPECT_EQ(u.value("files_removed", 99), 0);
  EXPECT_EQ(Read("n.txt"), "v2\n");
  EXPECT_EQ(Read("later.txt"), "written after the snapshot\n");
  json st = RunJson({"status"});
  EXPECT_EQ(st["head_snapshot_id"], s1);
  EXPECT_FALSE(st.value("clean", true));
  EXPECT_FALSE(AllVisible().count(s2)) << "the snapshot is un-recorded";
  // redo records it again, still without touching the files.
  json rd = RunJson({"redo"});
  EXPECT_EQ(rd["head_snapshot_id"], s2) << rd.dump(2);
  EXPECT_EQ(Read("n.txt"), "v2\n");
  EXPECT_EQ(Read("later.txt"), "written after the snapshot\n");
  EXPECT_TRUE(AllVisible().count(s2));
  // A snapshot now records n.txt = v2 again plus later.txt.
  RunResult t = Run({"undo"});
  ASSERT_OK(t);
  EXPECT_TRUE(Contains(t.out, "Undid: redo operation")) << t.out;
}

// Undo of a tag set moves no file, even in a dirty workspace.
TEST_F(UndoTest, UndoOfTagLeavesDirtyFilesAlone) {
  Write("a", "1\n");
  const std::string s1 = Snap("one");
  ASSERT_OK(Run({"tag", "set", "t"}));
  Write("a", "dirty\n");
  json u = RunJson({"undo"});
  EXPECT_TRUE(u["captured_snapshot_id"].is_null()) << u.dump(2);
  EXPECT_EQ(Read("a"), "dirty\n");
  EXPECT_TRUE(RunJson({"tag", "list"}).empty());
}

// Undo in main never takes back another worktree's work.
TEST_F(UndoTest, UndoBelongsToTheWorktree) {
  Write("shared.txt", "base\n");
  const std::string base = Snap("base");
  const fs::path b = Fork("agentB");
  ASSERT_FALSE(b.empty());
  Write("m.txt", "main's work\n");
  const std::string x = Snap("main X");
  WriteAt(b / "b.txt", "agent B's work\n");
  const std::string y = SnapIn(b, "agentB Y");
  // The newest operation is agentB's snapshot; undo in main takes back X.
  RunResult u = Run({"undo"});
  ASSERT_OK(u);
  EXPECT_TRUE(Contains(u.out, "main X")) << u.out;
  EXPECT_FALSE(Contains(u.out, "agentB Y")) << u.out;
  EXPECT_EQ(HeadIn(Ws()), base);
  EXPECT_EQ(Read("m.txt"), "main's work\n") << "undoing a snapshot keeps its files";
  // agentB: head, files and cleanliness untouched, also after its next command.
  EXPECT_EQ(HeadIn(b), y);
  EXPECT_TRUE(CleanIn(b));
  EXPECT_EQ(ReadAt(b / "b.txt"), "agent B's work\n");
  // agentB's own undo takes back Y, not main's operations.
  RunResult ub = Jvs(b, {"undo"});
  ASSERT_OK(ub);
  EXPECT_TRUE(Contains(ub.out, "agentB Y")) << ub.out;
  EXPECT_EQ(HeadIn(b), base);
  EXPECT_EQ(ReadAt(b / "b.txt"), "agent B's work\n");
  EXPECT_EQ(HeadIn(Ws()), base) << "main stays where its own undo put it";
  // The repository-wide undo still exists: it takes back the newest operation
  // still in effect, whichever worktree ran it (agentB's undo is an undo, so
  // the newest is the fork).
  RunResult all = Run({"undo", "--all-worktrees"});
  ASSERT_OK(all);
  EXPECT_TRUE(Contains(all.out, "fork")) << all.out;
}

// Two worktrees publishing at once: their operations are merged; undo in one
// takes back only its own (item 11's sequence), and the other worktree's next
// command changes nothing.
TEST_F(UndoTest, UndoAfterConcurrentOperationsKeepsTheOtherWorktree) {
  Write("shared.txt", "base\n");
  const std::string base = Snap("base");
  const fs::path b = Fork("agentB");
  ASSERT_FALSE(b.empty());
  Write("m.txt", "main\n");
  WriteAt(b / "b.txt", "agentB\n");
  std::string xm, xb;
  {
    std::thread tb([&] { xb = SnapIn(b, "from B"); });
    xm = SnapIn(Ws(), "from main");
    tb.join();
  }
  ASSERT_FALSE(xm.empty());
  ASSERT_FALSE(xb.empty());
  ASSERT_OK(Run({"undo"}));
  EXPECT_EQ(HeadIn(Ws()), base);
  EXPECT_EQ(HeadIn(b), xb);
  EXPECT_TRUE(CleanIn(b));
  EXPECT_EQ(ReadAt(b / "b.txt"), "agentB\n");
  EXPECT_TRUE(AllVisible().count(xb));
}

// What undo prints is what it recorded, even when another command published
// while it waited for the worktree lock.
TEST_F(UndoTest, UndoReportsWhatItRecorded) {
  Write("x.txt", "x\n");
  Snap("X");
  Write("big.bin", std::string(48 << 20, 'b'));
  BackgroundProcess y(Ws(), {JVS_BINARY, "snapshot", "Y"}, CleanEnv(), Tmp() / "y");
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  RunResult u = Run({"--json", "undo"});
  ASSERT_EQ(y.Wait(), 0) << y.Err();
  ASSERT_OK(u);
  json j = u.Json();
  const std::string op = j.value("op_id", "");
  bool found = false;
  for (const auto& e : RunJson({"op", "log"}))
    if (e.value("op_id", "") == op) {
      found = true;
      EXPECT_EQ(e.value("description", ""), j.value("description", "")) << "printed and recorded differ";
    }
  EXPECT_TRUE(found);
  // Whatever was undone, it was a snapshot: no file moved.
  EXPECT_EQ(Read("x.txt"), "x\n");
  EXPECT_EQ(fs::file_size(Ws() / "big.bin"), uintmax_t{48} << 20);
}

// The operation records the worktree it was run in.
TEST_F(UndoTest, OperationsRecordTheirWorktree) {
  Write("a", "1\n");
  Snap("one");
  const fs::path b = Fork("w2");
  SnapIn(b, "in w2");
  std::vector<json> log = ParseJsonRecords(Run({"--json", "op", "log", "-n", "2"}).out);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0]["attributes"].value("from_worktree", ""), "w2");
  EXPECT_EQ(log[1]["attributes"].value("from_worktree", ""), "main");
}

// An `op restore` run in main moves exp's head; exp's first command is `jvs
// undo`: the implicit update of exp's stale files is passed over, and the
// undo takes back what made exp stale, files (the committed file and the
// dirty one) exactly as they were before.
TEST_F(UndoTest, FirstUndoInAStaleWorktreeTakesBackWhatMadeItStale) {
  Write("a.txt", "a\n");
  Snap("one");
  fs::path exp = Fork("exp");
  WriteAt(exp / "x.txt", "x\n");
  const std::string x = SnapIn(exp, "exp x");
  WriteAt(exp / "dirty.txt", "dirty\n");
  ASSERT_OK(Run({"op", "restore", "@-"}));  // as before exp's snapshot: exp's head moves back
  RunResult u = Jvs(exp, {"undo"});
  ASSERT_OK(u);
  EXPECT_TRUE(jvs::testing::Contains(u.out, "restore to operation")) << u.out;
  EXPECT_EQ(HeadIn(exp), x);
  EXPECT_EQ(ReadAt(exp / "x.txt"), "x\n");
  EXPECT_EQ(ReadAt(exp / "dirty.txt"), "dirty\n");
  // main is untouched by exp's undo.
  EXPECT_EQ(Read("a.txt"), "a\n");
  // A redo makes exp stale's cause again; its files follow the head.
  ASSERT_OK(Jvs(exp, {"redo"}));
  EXPECT_FALSE(fs::exists(exp / "x.txt"));
}

}  // namespace
}  // namespace jvs::e2e
