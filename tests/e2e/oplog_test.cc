// End-to-end tests of the operation log as the user sees it: `op log` (text
// and JSON), `undo` (sequential: repeated undo keeps stepping back; dirty
// files are saved first), `redo`, `op restore OP`, `--at-op OP` on the
// read-only commands (which never touch the working copy) and its refusal by
// the mutating ones, merges of concurrent operations, and the hash links that
// make the log tamper-evident.
// Over 400 lines on purpose: op log, undo, redo, op restore and --at-op are one user-visible
// contract checked on shared histories.
#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <thread>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::ReadFile;
using jvs::testing::WriteFile;


bool IsHex64(const json& j) {
  if (!j.is_string()) return false;
  const std::string s = j.get<std::string>();
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class OpLogTest : public RepoTest {
 protected:
  fs::path HeadsDir() const { return Root() / ".jvs/op_heads"; }

  // `jvs --json op log ARGS`: one record per operation, newest first.
  std::vector<json> OpLog(std::vector<std::string> extra = {}, std::vector<std::string> global = {}) const {
    std::vector<std::string> args = global;
    args.insert(args.end(), {"--json", "op", "log"});
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    if (r.exit_code != 0) return {};
    return ParseJsonRecords(r.out);
  }
  std::vector<std::string> OpIds(const std::vector<json>& log) const {
    std::vector<std::string> ids;
    for (const auto& e : log) ids.push_back(e.value("op_id", ""));
    return ids;
  }
  // A snapshot through --json: {snapshot_id, op_id, ...}.
  json SnapJson(const std::string& note, const EnvOverrides& env = {}) const {
    RunResult r = JvsEnv(Ws(), {"--json", "snapshot", note}, env);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return r.exit_code == 0 ? r.Json() : json::object();
  }
  std::string CurrentOp() const { return RunJson({"info"}).value("op_id", ""); }
  // The head snapshot recorded for this worktree ("" when none).
  std::string Head(std::vector<std::string> global = {}) const {
    global.push_back("status");
    json j = RunJson(global);
    return j.contains("head_snapshot_id") && j["head_snapshot_id"].is_string()
               ? j["head_snapshot_id"].get<std::string>()
               : "";
  }
  std::vector<std::string> Line(std::vector<std::string> global = {}) const {
    global.push_back("history");
    std::vector<std::string> ids;
    for (const auto& e : RunJson(global)) ids.push_back(e.value("snapshot_id", ""));
    return ids;
  }
  std::set<std::string> All(std::vector<std::string> global = {}) const {
    global.insert(global.end(), {"history", "--all"});
    std::set<std::string> ids;
    for (const auto& e : RunJson(global)) ids.insert(e.value("snapshot_id", ""));
    return ids;
  }
  std::vector<std::string> Tags(std::vector<std::string> global = {}) const {
    global.insert(global.end(), {"tag", "list"});
    std::vector<std::string> names;
    for (const auto& e : RunJson(global)) names.push_back(e.value("name", "") + "=" + e.value("snapshot_id", ""));
    return names;
  }
  std::string OnlyOpHead() const {
    auto names = ListDirNames(HeadsDir());
    EXPECT_EQ(names.size(), 1u) << "op heads: " << ::testing::PrintToString(names);
    return names.empty() ? "" : names[0];
  }
  // Makes the op heads look as if only `head` had been published: the state a
  // second writer sees while the first one has not published yet.
  void SetOpHeads(const std::vector<std::string>& heads) const {
    for (const auto& n : ListDirNames(HeadsDir())) fs::remove(HeadsDir() / n);
    for (const auto& h : heads) WriteFile(HeadsDir() / h, "");
  }
  void ExpectManifest(const Manifest& expected, const std::string& what) const {
    Manifest actual = TakeManifest(Ws());
    EXPECT_TRUE(actual == expected) << what << ":\n" << ManifestDiff(expected, actual);
  }
};

// ---- op log ----

TEST_F(OpLogTest, OpLogListsEveryOperationNewestFirst) {
  Write("a.txt", "1\n");
  json s1 = SnapJson("one");
  Write("a.txt", "2\n");
  Write("b.txt", "b\n");
  json s2 = SnapJson("two");
  json tag = RunJson({"tag", "set", "v1", s1["snapshot_id"].get<std::string>()});

  std::vector<json> log = OpLog();
  ASSERT_EQ(log.size(), 4u) << "init, two snapshots, one tag";
  for (const auto& e : log) {
    SCOPED_TRACE(e.dump());
    ASSERT_TRUE(e.is_object());
    for (const char* key : {"op_id", "parents", "time", "user", "host", "command", "description", "is_merge"})
      EXPECT_TRUE(e.contains(key)) << "missing key " << key;
    EXPECT_TRUE(IsHex64(e["op_id"]));
    EXPECT_TRUE(e["parents"].is_array());
    EXPECT_TRUE(e["time"].is_string() && !e["time"].get<std::string>().empty());
    EXPECT_EQ(e["user"], "test");
    EXPECT_EQ(e["host"], "testhost");
    EXPECT_EQ(e["is_merge"], false);
  }
  EXPECT_EQ(log[0]["op_id"], tag["op_id"]);
  EXPECT_EQ(log[1]["op_id"], s2["op_id"]);
  EXPECT_EQ(log[2]["op_id"], s1["op_id"]);
  EXPECT_EQ(log[3]["description"], "initialize repository");
  EXPECT_TRUE(log[3]["parents"].empty());
  // A chain: each operation names the one before it.
  for (size_t i = 0; i + 1 < log.size(); ++i) EXPECT_EQ(log[i]["parents"], json::array({log[i + 1]["op_id"]}));
  // The command lines, as typed.
  EXPECT_EQ(log[2]["command"], "jvs --json snapshot one");
  EXPECT_EQ(log[0]["command"], "jvs --json tag set v1 " + s1["snapshot_id"].get<std::string>());
  EXPECT_EQ(log[3]["command"], "jvs init repo");
  // Descriptions say what happened.
  EXPECT_TRUE(Contains(log[2].value("description", ""), s1["snapshot_id"].get<std::string>().substr(0, 12)));
  EXPECT_TRUE(Contains(log[2].value("description", ""), "one"));
  EXPECT_TRUE(Contains(log[0].value("description", ""), "v1"));
  if (log[0].contains("is_current")) {
    EXPECT_EQ(log[0]["is_current"], true);
    EXPECT_EQ(log[1]["is_current"], false);
  }

  // -n
  std::vector<json> two = OpLog({"-n", "2"});
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0]["op_id"], log[0]["op_id"]);
  EXPECT_EQ(two[1]["op_id"], log[1]["op_id"]);
  EXPECT_EQ(OpLog({"-n", "0"}).size(), 0u);
  EXPECT_EQ(OpLog({"-n", "100"}).size(), 4u);

  // Text: the current operation marked with @, user@host, description, command line.
  RunResult text = Run({"op", "log"});
  ASSERT_OK(text);
  const std::string out = text.out;
  EXPECT_EQ(out.rfind("@ " + log[0]["op_id"].get<std::string>().substr(0, 12), 0), 0u) << out;
  for (const auto& e : log) EXPECT_TRUE(Contains(out, e["op_id"].get<std::string>().substr(0, 12))) << out;
  EXPECT_TRUE(Contains(out, "test@testhost")) << out;
  EXPECT_TRUE(Contains(out, log[2]["description"].get<std::string>())) << out;
  EXPECT_TRUE(Contains(out, "jvs --json snapshot one")) << out;
  EXPECT_TRUE(Contains(out, "initialize repository")) << out;
  EXPECT_FALSE(Contains(out, "merge")) << out;
  size_t marks = 0;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) marks += line.rfind("@ ", 0) == 0;
  EXPECT_EQ(marks, 1u) << out;
  RunResult one = Run({"op", "log", "-n", "1"});
  ASSERT_OK(one);
  EXPECT_TRUE(Contains(one.out, log[0]["op_id"].get<std::string>().substr(0, 12))) << one.out;
  EXPECT_FALSE(Contains(one.out, log[1]["op_id"].get<std::string>().substr(0, 12))) << one.out;

  // Reading the log records nothing.
  EXPECT_EQ(OpLog().size(), 4u);
}

// Each operation is stored under the hash of its content and names its
// parents by hash: editing any stored operation is detected.
// op log follows the op graph, not the clock: an operation recorded by a
// machine whose clock is years behind still lists above its parent.
TEST_F(OpLogTest, OpLogIsSortedByTheGraphUnderASkewedClock) {
  auto at = [&](const std::string& when, std::vector<std::string> args) {
    args.insert(args.begin(), {JVS_BINARY, "--json"});
    RunResult r = RunProcess(Ws(), args, CleanEnv({{"JVS_TIMESTAMP", when}}));
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return ParseJson(r.out);
  };
  Write("a.txt", "1\n");
  json s1 = at("2031-01-01T00:00:00Z", {"snapshot", "from the future"});
  Write("a.txt", "2\n");
  json s2 = at("2020-01-01T00:00:00Z", {"snapshot", "from the past"});
  json s3 = at("2025-06-01T00:00:00Z", {"tag", "set", "t", s1["snapshot_id"].get<std::string>()});
  std::vector<json> log = OpLog();
  ASSERT_GE(log.size(), 4u);
  EXPECT_EQ(log[0]["op_id"], s3["op_id"]) << log[0].dump();
  EXPECT_EQ(log[1]["op_id"], s2["op_id"]) << log[1].dump();
  EXPECT_EQ(log[2]["op_id"], s1["op_id"]) << log[2].dump();
  EXPECT_EQ(log[0]["is_current"], true);
  RunResult text = Run({"op", "log"});
  ASSERT_OK(text);
  EXPECT_EQ(text.out.rfind("@ ", 0), 0u) << "the current operation is listed first:\n" << text.out;
}

TEST_F(OpLogTest, OpLogIsHashLinkedAndTamperEvident) {
  Write("a.txt", "1\n");
  Snap("one");
  Write("a.txt", "2\n");
  Snap("two");
  RunJson({"tag", "set", "t"});
  std::vector<json> log = OpLog();
  ASSERT_EQ(log.size(), 4u);
  const fs::path ops = Root() / ".jvs/op_store/operations";
  for (const auto& e : log) {
    const std::string id = e["op_id"].get<std::string>();
    ASSERT_TRUE(fs::exists(ops / id)) << id;
    EXPECT_EQ(HashFile(ops / id), id) << "an operation is stored under the SHA-256 of its content";
    for (const auto& p : e["parents"]) EXPECT_TRUE(fs::exists(ops / p.get<std::string>()));
  }

  // Change one character of an old operation's description.
  const fs::path victim = ops / log[2]["op_id"].get<std::string>();
  std::string data = ReadFile(victim);
  size_t pos = data.find("snapshot ");
  ASSERT_NE(pos, std::string::npos) << data;
  data[pos] = 'S';
  fs::permissions(victim, fs::perms::owner_write, fs::perm_options::add);
  WriteFile(victim, data);
  ExpectError(Ws(), {"op", "log"}, 3);
  ExpectError(Ws(), {"--at-op", log[2]["op_id"].get<std::string>(), "history"}, 3);
}

// Two operations published from the same parent (what two concurrent writers
// produce): the next command merges them into one merge operation, which
// `op log` labels.
TEST_F(OpLogTest, ConcurrentOperationsAreMergedAndLabelled) {
  Write("a.txt", "a\n");
  const std::string s1 = Snap("base");
  const std::string base_op = OnlyOpHead();
  json left = RunJson({"tag", "set", "left"});
  const std::string left_op = left.value("op_id", "");
  ASSERT_EQ(OnlyOpHead(), left_op);
  SetOpHeads({base_op});  // the second writer started before `left` was published
  json right = RunJson({"tag", "set", "right"});
  const std::string right_op = right.value("op_id", "");
  ASSERT_NE(left_op, right_op);
  SetOpHeads({left_op, right_op});  // both published

  std::vector<json> log = OpLog();
  ASSERT_GE(log.size(), 5u);
  const json& merge = log[0];
  EXPECT_EQ(merge["is_merge"], true) << merge.dump(2);
  std::set<std::string> parents;
  for (const auto& p : merge["parents"]) parents.insert(p.get<std::string>());
  EXPECT_EQ(parents, (std::set<std::string>{left_op, right_op})) << merge.dump(2);
  EXPECT_TRUE(Contains(merge.value("description", ""), "merge")) << merge.dump(2);
  for (size_t i = 1; i < log.size(); ++i) EXPECT_EQ(log[i]["is_merge"], false) << log[i].dump(2);
  std::set<std::string> ids;
  for (const auto& e : log) ids.insert(e["op_id"].get<std::string>());
  EXPECT_TRUE(ids.count(left_op) && ids.count(right_op) && ids.count(base_op));
  EXPECT_EQ(OnlyOpHead(), merge["op_id"].get<std::string>()) << "the merge replaced both heads";

  EXPECT_EQ(Tags(), (std::vector<std::string>{"left=" + s1, "right=" + s1}));
  RunResult text = Run({"op", "log"});
  ASSERT_OK(text);
  EXPECT_TRUE(Contains(text.out, "(merge)")) << text.out;
  // Reading again does not merge again.
  EXPECT_EQ(OpLog().size(), log.size());
}

// Both sides moved the same worktree: the newer snapshot becomes the head and
// both stay visible; a tag set to the same value on both sides merges, a tag
// set to different values is reported and both snapshots stay reachable.
// (Simulated: side B starts from the operation and working-copy state side A
// started from, as a second copy of the worktree would.)
TEST_F(OpLogTest, ConcurrentChangesOfOneWorktreeKeepBothSnapshots) {
  const EnvOverrides real_time = {{"JVS_TIMESTAMP", std::nullopt}};
  auto run = [&](std::vector<std::string> args) {
    RunResult r = JvsEnv(Ws(), std::move(args), real_time);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return r;
  };
  Write("a.txt", "base\n");
  const std::string s0 = Snap("base");
  const std::string base_op = OnlyOpHead();
  const fs::path tree_state = Root() / ".jvs/worktrees/main/tree_state";
  ASSERT_TRUE(fs::exists(tree_state));
  const std::string base_state = ReadFile(tree_state);

  Write("a.txt", "left\n");
  const std::string sa = run({"--json", "snapshot", "left"}).Json().value("snapshot_id", "");
  run({"tag", "set", "same", s0});
  run({"tag", "set", "t", sa});
  const std::string left_op = OnlyOpHead();

  SetOpHeads({base_op});
  WriteFile(tree_state, base_state);
  Write("a.txt", "base\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Write("a.txt", "right\n");
  const std::string sb = run({"--json", "snapshot", "right"}).Json().value("snapshot_id", "");
  run({"tag", "set", "same", s0});
  run({"tag", "set", "t", sb});
  const std::string right_op = OnlyOpHead();
  ASSERT_EQ(Line(), (std::vector<std::string>{sb, s0})) << "side B did not see side A";
  SetOpHeads({left_op, right_op});

  RunResult merged_by = run({"--json", "status"});
  json st = merged_by.Json();
  EXPECT_EQ(st["head_snapshot_id"], sb) << "the newer snapshot becomes the head";
  EXPECT_EQ(st["clean"], true) << st.dump(2);
  EXPECT_EQ(All(), (std::set<std::string>{s0, sa, sb})) << "both sides stay visible";
  EXPECT_EQ(Line(), (std::vector<std::string>{sb, s0}));

  std::vector<json> log = OpLog();
  ASSERT_FALSE(log.empty());
  const json& merge = log[0];
  ASSERT_EQ(merge["is_merge"], true) << merge.dump(2);
  std::set<std::string> parents;
  for (const auto& p : merge["parents"]) parents.insert(p.get<std::string>());
  EXPECT_EQ(parents, (std::set<std::string>{left_op, right_op})) << merge.dump(2);
  std::vector<std::string> tags = Tags();
  EXPECT_EQ(std::count(tags.begin(), tags.end(), "same=" + s0), 1) << ::testing::PrintToString(tags);
  EXPECT_EQ(std::count(tags.begin(), tags.end(), "t=" + sa) + std::count(tags.begin(), tags.end(), "t=" + sb), 1)
      << ::testing::PrintToString(tags);
  // The conflicts are recorded on the merge operation.
  const std::string attrs = merge.value("attributes", json::object()).dump();
  EXPECT_TRUE(Contains(attrs, "worktree:main")) << merge.dump(2);
  EXPECT_TRUE(Contains(attrs, "tag:t")) << merge.dump(2);
  EXPECT_FALSE(Contains(attrs, "tag:same")) << merge.dump(2);
  // Both values of the conflicting tag stay reachable.
  for (const auto& id : {sa, sb}) EXPECT_OK(Run({"restore", id}));
  EXPECT_EQ(Read("a.txt"), "right\n");
  // "Different values are reported": the user hears of the conflict, from the
  // command that merged or in the text op log.
  RunResult text = Run({"op", "log"});
  ASSERT_OK(text);
  EXPECT_TRUE(Contains(merged_by.err, "different values of")) << merged_by.Describe();
  EXPECT_TRUE(Contains(merged_by.err, "tag:t")) << merged_by.Describe();
  EXPECT_TRUE(Contains(text.out, "conflict")) << text.out;
  EXPECT_TRUE(Contains(text.out, "tag:t")) << text.out;
}

// ---- undo / redo ----

class OpLogUndoTest : public OpLogTest {
 protected:
  void SetUp() override {
    OpLogTest::SetUp();
    Write("a.txt", "1\n");
    s1_ = Snap("one");
    m1_ = TakeManifest(Ws());
    Write("b.txt", "2\n");
    WriteFile(Ws() / "sub/c.txt", "c\n");
    s2_ = Snap("two");
    m2_ = TakeManifest(Ws());
    Write("a.txt", "3\n");
    fs::remove(Ws() / "b.txt");
    s3_ = Snap("three");
    m3_ = TakeManifest(Ws());
  }
  // jvs --json undo / redo; checks the documented keys and the new head.
  json Step(const std::string& verb, const std::string& expected_head) const {
    json j = RunJson({verb});
    for (const char* key : {"op_id", "description", "worktree_name", "head_snapshot_id",
                            "captured_snapshot_id", "files_written", "files_removed"})
      EXPECT_TRUE(j.contains(key)) << verb << " --json lacks " << key << ": " << j.dump(2);
    if (expected_head.empty()) {
      EXPECT_TRUE(j["head_snapshot_id"].is_null()) << j.dump(2);
    } else {
      EXPECT_EQ(j["head_snapshot_id"], expected_head) << j.dump(2);
    }
    EXPECT_EQ(Head(), expected_head) << "after " << verb;
    EXPECT_EQ(CurrentOp(), j.value("op_id", "")) << "after " << verb;
    return j;
  }
  std::string s1_, s2_, s3_;
  Manifest m1_, m2_, m3_;
};

// Undoing a snapshot un-records it and leaves the files as they are (the
// content is uncommitted again): docs/cli.md, "the undo rule".
TEST_F(OpLogUndoTest, RepeatedUndoKeepsSteppingBack) {
  json u1 = Step("undo", s2_);
  EXPECT_TRUE(u1["captured_snapshot_id"].is_null());
  EXPECT_TRUE(Contains(u1.value("description", ""), "undo")) << u1.dump(2);
  EXPECT_TRUE(Contains(u1.value("description", ""), "three")) << u1.dump(2);
  ExpectManifest(m3_, "after the first undo: the files stay");
  EXPECT_FALSE(RunJson({"status"}).value("clean", true)) << "three's changes are uncommitted again";
  EXPECT_EQ(Line(), (std::vector<std::string>{s2_, s1_}));
  EXPECT_EQ(All(), (std::set<std::string>{s1_, s2_})) << "the undone snapshot is no longer visible";

  json u2 = Step("undo", s1_);
  EXPECT_TRUE(Contains(u2.value("description", ""), "two")) << u2.dump(2);
  ExpectManifest(m3_, "after the second undo");
  EXPECT_EQ(All(), (std::set<std::string>{s1_}));

  Step("undo", "");
  ExpectManifest(m3_, "after undoing the first snapshot");
  EXPECT_TRUE(All().empty());
  EXPECT_FALSE(RunJson({"status"}).value("clean", true));

  RunResult r = ExpectError(Ws(), {"undo"}, 1, "nothing");
  EXPECT_EQ(OpLog().size(), 7u) << "init, 3 snapshots, 3 undos; the refused undo records nothing";
  ExpectManifest(m3_, "after a refused undo");

  // Text form.
  RunResult redo = Run({"redo"});
  ASSERT_OK(redo);
  EXPECT_TRUE(Contains(redo.out, "Redid")) << redo.Describe();
  RunResult undo = Run({"undo"});
  ASSERT_OK(undo);
  EXPECT_TRUE(Contains(undo.out, "Undid")) << undo.Describe();
  EXPECT_TRUE(Contains(undo.out, "(no snapshot)")) << undo.Describe();
}

TEST_F(OpLogUndoTest, UndoOfTagOperationsLeavesFilesAlone) {
  Write("a.txt", "dirty\n");
  Manifest dirty = TakeManifest(Ws());
  RunJson({"tag", "set", "keep", s1_});
  RunJson({"tag", "set", "gone"});
  RunJson({"tag", "delete", "keep"});
  EXPECT_EQ(Tags(), (std::vector<std::string>{"gone=" + s3_}));
  json u = RunJson({"undo"});  // brings `keep` back
  EXPECT_EQ(Tags(), (std::vector<std::string>{"gone=" + s3_, "keep=" + s1_}));
  // No file moves: nothing is saved, the dirty file stays, the worktree stays at s3.
  EXPECT_TRUE(u["captured_snapshot_id"].is_null()) << u.dump(2);
  EXPECT_EQ(Head(), s3_);
  ExpectManifest(dirty, "undo of a tag operation leaves the files alone");
  RunJson({"undo"});  // removes `gone`
  EXPECT_EQ(Tags(), (std::vector<std::string>{"keep=" + s1_}));
  RunJson({"undo"});  // removes `keep`
  EXPECT_TRUE(Tags().empty());
  EXPECT_EQ(Head(), s3_);
  RunJson({"redo"});
  EXPECT_EQ(Tags(), (std::vector<std::string>{"keep=" + s1_}));
  ExpectManifest(dirty, "after undos and a redo of tag operations");
}

// An undo that moves files (here: of a restore) saves dirty files first.
TEST_F(OpLogUndoTest, UndoSavesDirtyFilesFirstAndTheyStayVisible) {
  json r0 = RunJson({"restore", s2_});
  EXPECT_TRUE(r0["captured_snapshot_id"].is_null()) << r0.dump(2);
  Write("a.txt", "dirty\n");
  Write("new.txt", "new\n");
  fs::remove_all(Ws() / "sub");
  Manifest dirty = TakeManifest(Ws());
  json u1 = Step("undo", s3_);
  ASSERT_TRUE(IsHex64(u1["captured_snapshot_id"])) << u1.dump(2);
  const std::string cap = u1["captured_snapshot_id"].get<std::string>();
  ExpectManifest(m3_, "undo of the restore brings the files of the head before it");
  EXPECT_TRUE(All().count(cap)) << "the saved dirty files are visible in history --all";
  std::vector<json> log = OpLog();
  ASSERT_FALSE(log.empty());
  EXPECT_TRUE(Contains(log[0].value("attributes", json::object()).dump(), cap)) << log[0].dump(2);

  // They stay visible while undo keeps stepping back, and after redo.
  Step("undo", s2_);
  EXPECT_TRUE(All().count(cap));
  Step("undo", s1_);
  EXPECT_TRUE(All().count(cap));
  Step("redo", s2_);
  Step("redo", s3_);
  EXPECT_TRUE(All().count(cap));
  ExpectManifest(m3_, "after two redos");

  // The captured snapshot is exactly the dirty working copy.
  json r = RunJson({"restore", cap});
  EXPECT_TRUE(r["captured_snapshot_id"].is_null()) << "nothing was dirty: " << r.dump(2);
  ExpectManifest(dirty, "restoring the captured snapshot");

  // Text form announces the capture (undo of that restore, with new dirty files).
  Write("a.txt", "dirty again\n");
  RunResult t = Run({"undo"});
  ASSERT_OK(t);
  EXPECT_TRUE(Contains(t.out, "Saved uncommitted changes as snapshot")) << t.Describe();
}

TEST_F(OpLogUndoTest, RedoAfterOneOrSeveralUndos) {
  // One undo, one redo.
  Step("undo", s2_);
  json r = Step("redo", s3_);
  EXPECT_TRUE(Contains(r.value("description", ""), "redo")) << r.dump(2);
  ExpectManifest(m3_, "after undo + redo");
  EXPECT_TRUE(RunJson({"status"}).value("clean", false));
  EXPECT_EQ(All(), (std::set<std::string>{s1_, s2_, s3_}));
  ExpectError(Ws(), {"redo"}, 1, "nothing to redo");
  // Several undos, then as many redos, in order (undo and redo of snapshots
  // move heads, never files).
  Step("undo", s2_);
  Step("undo", s1_);
  Step("undo", "");
  Step("redo", s1_);
  ExpectManifest(m3_, "first redo");
  Step("redo", s2_);
  Step("redo", s3_);
  ExpectManifest(m3_, "third redo");
  EXPECT_TRUE(RunJson({"status"}).value("clean", false));
  ExpectError(Ws(), {"redo"}, 1, "nothing to redo");
  EXPECT_EQ(Line(), (std::vector<std::string>{s3_, s2_, s1_}));
  // Undo after a redo steps back again.
  Step("undo", s2_);
  Step("undo", s1_);
  Step("redo", s2_);
  Step("undo", s1_);
  Step("redo", s2_);
  ExpectManifest(m3_, "undo/redo back and forth");
  // Any other operation ends the run of undos: redo is refused.
  Step("undo", s1_);
  RunJson({"tag", "set", "x"});
  size_t ops = OpLog().size();
  ExpectError(Ws(), {"redo"}, 1, "nothing to redo");
  EXPECT_EQ(OpLog().size(), ops) << "a refused redo records nothing";
  EXPECT_EQ(Head(), s1_);
  ExpectManifest(m3_, "after a refused redo");
}

TEST_F(OpLogTest, UndoAndRedoInAFreshRepository) {
  ExpectError(Ws(), {"undo"}, 1, "nothing");
  ExpectError(Ws(), {"redo"}, 1, "nothing");
  Write("a.txt", "a\n");  // dirty, but a refused undo saves nothing
  ExpectError(Ws(), {"undo"}, 1);
  EXPECT_EQ(OpLog().size(), 1u);
  EXPECT_EQ(Read("a.txt"), "a\n");
}

// docs/cli.md, restore: the dirty files are saved as a snapshot that becomes
// the worktree's `latest`, so `jvs restore HEAD` brings them back; undo of the
// restore returns to the head before it, and the saved snapshot stays pinned.
TEST_F(OpLogUndoTest, DirtyFilesSavedByARestoreComeBack) {
  Write("a.txt", "dirty\n");
  Manifest dirty = TakeManifest(Ws());
  json r = RunJson({"restore", s1_});
  ASSERT_TRUE(IsHex64(r["captured_snapshot_id"])) << r.dump(2);
  std::string captured = r["captured_snapshot_id"];
  ExpectManifest(m1_, "after the restore");
  RunJson({"restore", "HEAD"});
  ExpectManifest(dirty, "restore HEAD after the restore");
  RunJson({"undo"});
  RunJson({"undo"});
  json all = RunJson({"history", "--all"});
  bool visible = false;
  for (const auto& e : all) visible = visible || e["snapshot_id"] == captured;
  EXPECT_TRUE(visible) << "the saved snapshot stays visible after undo";
  RunJson({"restore", captured});
  ExpectManifest(dirty, "restore of the saved snapshot");
}

// ---- op restore ----

TEST_F(OpLogUndoTest, OpRestoreByPrefixAndRelativeReferences) {
  std::vector<json> log = OpLog();
  ASSERT_EQ(log.size(), 4u);
  const std::string o3 = log[0]["op_id"], o2 = log[1]["op_id"], o1 = log[2]["op_id"], o0 = log[3]["op_id"];

  json r = RunJson({"op", "restore", "@--"});
  EXPECT_EQ(r["head_snapshot_id"], s1_) << r.dump(2);
  EXPECT_TRUE(Contains(r.value("description", ""), o1.substr(0, 12))) << r.dump(2);
  EXPECT_EQ(Head(), s1_);
  ExpectManifest(m1_, "op restore @--");
  EXPECT_EQ(All(), (std::set<std::string>{s1_}));

  RunJson({"op", "restore", "@-"});  // @- is now the third snapshot's operation
  EXPECT_EQ(Head(), s3_);
  ExpectManifest(m3_, "op restore @-");
  EXPECT_EQ(All(), (std::set<std::string>{s1_, s2_, s3_}));

  RunJson({"op", "restore", o2.substr(0, 8)});
  EXPECT_EQ(Head(), s2_);
  ExpectManifest(m2_, "op restore by prefix");

  RunJson({"op", "restore", Upper(o1.substr(0, 6))});
  EXPECT_EQ(Head(), s1_);
  ExpectManifest(m1_, "op restore by upper-case prefix");

  RunJson({"op", "restore", o0});
  EXPECT_EQ(Head(), "");
  ExpectManifest(Manifest{}, "op restore of the first operation");

  json same = RunJson({"op", "restore", "@"});
  EXPECT_TRUE(same["head_snapshot_id"].is_null()) << same.dump(2);

  // Undo of an op restore goes back to before it.
  RunJson({"undo"});  // the `@` restore
  RunJson({"undo"});  // the restore of o0
  EXPECT_EQ(Head(), s1_);
  ExpectManifest(m1_, "undo of op restore");

  // Dirty files are saved first.
  Write("a.txt", "dirty\n");
  Manifest dirty = TakeManifest(Ws());
  json d = RunJson({"op", "restore", o3.substr(0, 10)});
  ASSERT_TRUE(IsHex64(d["captured_snapshot_id"])) << d.dump(2);
  ExpectManifest(m3_, "op restore with dirty files");
  ASSERT_OK(Run({"restore", d["captured_snapshot_id"].get<std::string>()}));
  ExpectManifest(dirty, "the captured snapshot");

  // Bad references.
  const size_t ops = OpLog().size();
  ExpectError(Ws(), {"op", "restore", "ab"}, 2);
  ExpectError(Ws(), {"op", "restore", "zzzzzz"}, 2);
  std::string missing;
  for (std::string cand : {"00000000", "ffffffff", "12345678", "abcdef01"}) {
    bool used = false;
    for (const auto& e : OpLog()) used = used || e["op_id"].get<std::string>().rfind(cand, 0) == 0;
    if (!used) {
      missing = cand;
      break;
    }
  }
  ASSERT_FALSE(missing.empty());
  ExpectError(Ws(), {"op", "restore", missing}, 1);
  ExpectError(Ws(), {"op", "restore", "@" + std::string(50, '-')}, 1);
  ExpectError(Ws(), {"op", "restore"}, 2);
  EXPECT_EQ(OpLog().size(), ops) << "refused op restores record nothing";
}

// ---- --at-op ----

TEST_F(OpLogTest, AtOpShowsAnEarlierStateWithoutTouchingTheWorkingCopy) {
  Write("a.txt", "1\n");
  json j1 = RunJson({"snapshot", "one", "--tag", "v1"});
  const std::string s1 = j1["snapshot_id"], o1 = j1["op_id"];
  Write("a.txt", "2\n");
  Write("b.txt", "b\n");
  json j2 = RunJson({"snapshot", "two"});
  const std::string s2 = j2["snapshot_id"], o2 = j2["op_id"];
  const std::string o3 = RunJson({"tag", "set", "v2"})["op_id"];
  Write("a.txt", "3\n");
  json j4 = RunJson({"snapshot", "three"});
  const std::string s3 = j4["snapshot_id"], o4 = j4["op_id"];
  ASSERT_OK(Run({"restore", s1}));
  // A dirty working copy that --at-op must neither read nor change.
  Write("a.txt", "dirty\n");
  Write("untracked.txt", "u\n");

  EXPECT_EQ(RunJson({"status"}).value("clean", true), false) << "without --at-op the dirty files show";
  ExpectError(Ws(), {"diff", "@~1", "@"}, 1);  // now @ is the first snapshot

  const auto files_before = DumpTree(Ws());
  const Manifest manifest_before = TakeManifest(Ws());
  const auto control_before = DumpTree(Root() / ".jvs/worktrees");
  const auto heads_before = ListDirNames(HeadsDir());
  const size_t ops_before = OpLog().size();

  // history
  EXPECT_EQ(Line({"--at-op", o1}), (std::vector<std::string>{s1}));
  EXPECT_EQ(Line({"--at-op", o2.substr(0, 8)}), (std::vector<std::string>{s2, s1}));
  EXPECT_EQ(All({"--at-op", o4}), (std::set<std::string>{s1, s2, s3}));
  EXPECT_EQ(Line({"--at-op", "@-"}), (std::vector<std::string>{s3, s2, s1})) << "@- is the operation before the restore";
  RunResult h = Run({"--at-op", o2, "history"});
  ASSERT_OK(h);
  EXPECT_TRUE(Contains(h.out, "@ " + s2.substr(0, 8))) << h.out;
  // status: the recorded head only
  json st = RunJson({"--at-op", o4, "status"});
  EXPECT_EQ(st["head_snapshot_id"], s3) << st.dump(2);
  EXPECT_FALSE(st.contains("clean") && st["clean"] == false) << "the working copy is not read: " << st.dump(2);
  RunResult stt = Run({"--at-op", o4, "status"});
  ASSERT_OK(stt);
  EXPECT_TRUE(Contains(stt.out, s3.substr(0, 8))) << stt.out;
  EXPECT_FALSE(Contains(stt.out, "a.txt")) << stt.out;
  // diff FROM TO, references resolved in the earlier view
  json d = RunJson({"--at-op", o4, "diff", "@~1", "@"});
  EXPECT_EQ(d["from_snapshot_id"], s2) << d.dump(2);
  EXPECT_EQ(d["to_snapshot_id"], s3) << d.dump(2);
  EXPECT_EQ(d["total_modified"], 1) << d.dump(2);
  ExpectError(Ws(), {"--at-op", o4, "diff"}, 2, "--at-op");
  ExpectError(Ws(), {"--at-op", o4, "diff", "@"}, 2, "--at-op");
  // info
  json info = RunJson({"--at-op", o1, "info"});
  EXPECT_EQ(info["op_id"], o1) << info.dump(2);
  EXPECT_EQ(info["snapshot_count"], 1) << info.dump(2);
  EXPECT_EQ(RunJson({"--at-op", o4, "info"})["snapshot_count"], 3);
  // tag list
  EXPECT_EQ(Tags({"--at-op", o2}), (std::vector<std::string>{"v1=" + s1}));
  EXPECT_EQ(Tags({"--at-op", o3}), (std::vector<std::string>{"v1=" + s1, "v2=" + s2}));
  RunResult tl = Run({"--at-op", o2, "tag", "list"});
  ASSERT_OK(tl);
  EXPECT_TRUE(Contains(tl.out, "v1") && !Contains(tl.out, "v2")) << tl.out;
  // op log
  std::vector<json> old_log = OpLog({}, {"--at-op", o2});
  ASSERT_EQ(old_log.size(), 3u);
  EXPECT_EQ(old_log[0]["op_id"], o2);
  EXPECT_EQ(old_log[1]["op_id"], o1);
  // worktree list
  json wl = RunJson({"--at-op", o1, "worktree", "list"});
  ASSERT_TRUE(wl.is_array() && wl.size() == 1) << wl.dump(2);
  EXPECT_EQ(wl[0]["head_snapshot_id"], s1);
  EXPECT_EQ(RunJson({"--at-op", o4, "worktree", "list"})[0]["head_snapshot_id"], s3);
  // Bad operations.
  ExpectError(Ws(), {"--at-op", "zz", "history"}, 2);
  ExpectError(Ws(), {"--at-op", "abc", "history"}, 2);
  ExpectError(Ws(), {"--at-op", "@" + std::string(40, '-'), "history"}, 1);

  EXPECT_EQ(DumpTree(Ws()), files_before) << "--at-op never touches the working copy";
  ExpectManifest(manifest_before, "after the --at-op commands");
  EXPECT_EQ(DumpTree(Root() / ".jvs/worktrees"), control_before) << "nor the worktree's tree state";
  EXPECT_EQ(ListDirNames(HeadsDir()), heads_before);
  EXPECT_EQ(OpLog().size(), ops_before) << "--at-op records no operation";
}

TEST_F(OpLogTest, MutatingCommandsRefuseAtOp) {
  Write("a.txt", "1\n");
  const std::string s1 = Snap("one", {"v1"});
  Write("a.txt", "2\n");
  Snap("two");
  Write("a.txt", "dirty\n");
  const std::string op = OpLog()[1]["op_id"];
  const auto files_before = DumpTree(Ws());
  const size_t ops_before = OpLog().size();
  const auto heads_before = ListDirNames(HeadsDir());
  for (const auto& args : std::vector<std::vector<std::string>>{{"snapshot", "x"},
                                                                {"restore", s1},
                                                                {"restore", s1, "--", "a.txt"},
                                                                {"undo"},
                                                                {"redo"},
                                                                {"op", "restore", "@-"},
                                                                {"tag", "set", "t"},
                                                                {"tag", "delete", "v1"},
                                                                {"worktree", "fork", "w2"}}) {
    std::vector<std::string> full = {"--at-op", op};
    full.insert(full.end(), args.begin(), args.end());
    SCOPED_TRACE(::testing::PrintToString(full));
    ExpectError(Ws(), full, 2, "--at-op");
    // The option may also come after the command name.
    std::vector<std::string> late = args;
    auto pos = std::find(late.begin(), late.end(), "--");
    late.insert(pos, {"--at-op", "@"});
    ExpectError(Ws(), late, 2);
  }
  EXPECT_EQ(DumpTree(Ws()), files_before);
  EXPECT_EQ(OpLog().size(), ops_before);
  EXPECT_EQ(ListDirNames(HeadsDir()), heads_before);
  EXPECT_FALSE(fs::exists(Root() / "worktrees/w2"));
}

}  // namespace
}  // namespace jvs::e2e
