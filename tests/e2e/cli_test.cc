// End-to-end tests of every command of the jvs CLI, in text and --json form,
// against the contract in CLI.md. Each test runs the real binary in a fresh
// temporary directory with a pinned environment (see e2e_util.h).
// Over 400 lines on purpose: one test per command of CLI.md, text and JSON, kept together as the
// contract's checklist.
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "e2e_util.h"
#include "jvs/base/hash.h"

namespace jvs::e2e {
namespace {

using jvs::testing::ReadFile;
using jvs::testing::TempDir;
using jvs::testing::WriteFile;


// Paths of one of the arrays ("added", "removed", "modified") of a diff/status JSON.
std::vector<std::string> PathsOf(const json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.is_object() || !j.contains(key) || !j[key].is_array()) {
    ADD_FAILURE() << "no array '" << key << "' in " << j.dump();
    return out;
  }
  for (const auto& e : j[key]) out.push_back(e.value("path", "<no path>"));
  return out;
}

// Every path of a diff/status JSON, whatever its kind.
std::vector<std::string> AllPaths(const json& j) {
  std::vector<std::string> out;
  for (const char* k : {"added", "removed", "modified"})
    for (auto& p : PathsOf(j, k)) out.push_back(p);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<std::string> IdsOf(const json& history) {
  std::vector<std::string> ids;
  if (!history.is_array()) {
    ADD_FAILURE() << "history --json is not an array: " << history.dump();
    return ids;
  }
  for (const auto& e : history) ids.push_back(e.value("snapshot_id", ""));
  return ids;
}

void ExpectSnapshotKeys(const json& j) {
  ASSERT_TRUE(j.is_object()) << j.dump();
  for (const char* k : {"snapshot_id", "parent_id", "parents", "change_id", "worktree_name", "created_at", "note",
                        "tags", "engine", "payload_root_hash", "descriptor_checksum"})
    EXPECT_TRUE(j.contains(k)) << "missing key " << k << " in " << j.dump(2);
  EXPECT_TRUE(j["parents"].is_array()) << j.dump();
  EXPECT_TRUE(j["tags"].is_array()) << j.dump();
  EXPECT_EQ(j["snapshot_id"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["payload_root_hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["worktree_name"], "main");
  // RFC 3339, UTC, from the pinned JVS_TIMESTAMP.
  std::string t = j["created_at"].get<std::string>();
  EXPECT_EQ(t.rfind("2026-01-01T00:00:00", 0), 0u) << t;
  EXPECT_EQ(t.back(), 'Z') << t;
  if (j["parents"].empty()) {
    EXPECT_TRUE(j["parent_id"].is_null()) << j.dump();
  } else {
    EXPECT_EQ(j["parent_id"], j["parents"][0]) << j.dump();
  }
}

// ---------------------------------------------------------------- init

TEST(InitTest, NameCreatesRepositoryAndWorkspace) {
  TempDir tmp;
  RunResult r = Jvs(tmp.path(), {"init", "proj"});
  ASSERT_OK(r);
  EXPECT_TRUE(fs::is_directory(tmp / "proj/.jvs"));
  EXPECT_TRUE(fs::is_directory(tmp / "proj/main"));
  EXPECT_TRUE(fs::is_empty(tmp / "proj/main"));
  EXPECT_TRUE(Contains(r.out, "Initialized jvs repository in " + (tmp / "proj").string())) << r.Describe();
  EXPECT_EQ(r.err, "");

  RunResult j = Jvs(tmp.path(), {"--json", "init", "other"});
  ASSERT_OK(j);
  json doc = j.Json();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.value("repo_root", ""), (tmp / "other").string());
  EXPECT_TRUE(doc["repo_id"].is_string() && !doc["repo_id"].get<std::string>().empty()) << doc.dump();
  EXPECT_EQ(doc.value("format_version", 0), 1);
  EXPECT_TRUE(doc["engine"].is_string() && !doc["engine"].get<std::string>().empty()) << doc.dump();
  EXPECT_TRUE(fs::is_directory(tmp / "other/main"));
}

TEST(InitTest, NameRefusesExistingRepositoryAndNonEmptyDirectory) {
  TempDir tmp;
  ASSERT_OK(Jvs(tmp.path(), {"init", "proj"}));
  ExpectError(tmp.path(), {"init", "proj"}, 1, "already");
  WriteFile(tmp / "full/file", "x");
  ExpectError(tmp.path(), {"init", "full"}, 1, "not empty");
  EXPECT_FALSE(fs::exists(tmp / "full/.jvs"));
  ExpectError(tmp.path(), {"init"}, 2);
}

// Checks that an adopted directory works and that `.jvs` never shows up.
void CheckAdopted(const fs::path& dir) {
  ASSERT_TRUE(fs::is_directory(dir / ".jvs"));
  json s1 = ParseJson(Jvs(dir, {"--json", "snapshot", "adopted"}).out);
  ASSERT_TRUE(s1.is_object()) << s1.dump();
  EXPECT_EQ(s1.value("files", 0), 2) << "only the two user files are recorded: " << s1.dump();

  // The snapshot changed .jvs, yet the workspace is clean.
  json st = ParseJson(Jvs(dir, {"--json", "status"}).out);
  EXPECT_EQ(st.value("clean", false), true) << st.dump(2);

  WriteFile(dir / "new.txt", "new\n");
  WriteFile(dir / "data.txt", "changed\n");
  st = ParseJson(Jvs(dir, {"--json", "status"}).out);
  EXPECT_EQ(AllPaths(st), (std::vector<std::string>{"data.txt", "new.txt"})) << st.dump(2);
  RunResult names = Jvs(dir, {"diff", "--name-only"});
  EXPECT_OK(names);
  EXPECT_EQ(names.out, "data.txt\nnew.txt\n") << names.Describe();
  EXPECT_FALSE(Contains(Jvs(dir, {"diff"}).out, ".jvs"));

  std::string s2 = Jvs(dir, {"--json", "snapshot", "second"}).Json().value("snapshot_id", "");
  json d = ParseJson(Jvs(dir, {"--json", "diff", s1["snapshot_id"], s2}).out);
  EXPECT_EQ(AllPaths(d), (std::vector<std::string>{"data.txt", "new.txt"})) << d.dump(2);

  // Restoring the first snapshot removes new.txt but never touches .jvs.
  RunResult r = Jvs(dir, {"restore", "adopted"});
  EXPECT_OK(r);
  EXPECT_FALSE(fs::exists(dir / "new.txt"));
  EXPECT_EQ(ReadFile(dir / "data.txt"), "data\n");
  EXPECT_TRUE(fs::is_directory(dir / ".jvs"));
  EXPECT_OK(Jvs(dir, {"history"}));
  st = ParseJson(Jvs(dir, {"--json", "status"}).out);
  EXPECT_EQ(st.value("clean", false), true) << st.dump(2);
}

TEST(InitTest, HereAdoptsCurrentDirectory) {
  TempDir tmp;
  WriteFile(tmp / "data.txt", "data\n");
  WriteFile(tmp / "bin/tool", "#!/bin/sh\n");
  RunResult r = Jvs(tmp.path(), {"init", "--here"});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.out, tmp.path().string())) << r.Describe();
  CheckAdopted(tmp.path());
}

TEST(InitTest, HereWithDirectoryArgument) {
  TempDir tmp;
  WriteFile(tmp / "data/data.txt", "data\n");
  WriteFile(tmp / "data/x/y.bin", std::string("\0\1\2", 3));
  json j = Jvs(tmp.path(), {"--json", "init", "--here", "data"}).Json();
  EXPECT_EQ(j.value("repo_root", ""), (tmp / "data").string()) << j.dump();
  EXPECT_FALSE(fs::exists(tmp / ".jvs"));
  CheckAdopted(tmp / "data");
  // Adopting twice is refused.
  RunResult again = Jvs(tmp.path(), {"init", "--here", "data"});
  EXPECT_NE(again.exit_code, 0) << again.Describe();
  ExpectError(tmp.path(), {"init", "--here", "missing-dir"}, 1);
}

// ---------------------------------------------------------------- info

class InfoTest : public RepoTest {};

TEST_F(InfoTest, TextAndJson) {
  Write("a.txt", "hello\n");
  Snap("one");
  Snap("two");
  RunResult r = Run({"info"});
  ASSERT_OK(r);
  for (const char* k : {"Repository:", "Format:", "Engine:", "Worktrees:", "Snapshots:", "Store size:"})
    EXPECT_TRUE(Contains(r.out, k)) << k << "\n" << r.Describe();
  EXPECT_TRUE(Contains(r.out, Root().string())) << r.Describe();

  json j = RunJson({"info"});
  EXPECT_EQ(j.value("repo_root", ""), Root().string());
  EXPECT_EQ(j.value("format_version", 0), 1);
  EXPECT_TRUE(j["engine"].is_string());
  EXPECT_TRUE(j["repo_id"].is_string());
  EXPECT_EQ(j.value("snapshot_count", -1), 2) << j.dump(2);
  ASSERT_TRUE(j["worktrees"].is_array());
  ASSERT_EQ(j["worktrees"].size(), 1u);
  EXPECT_EQ(j["worktrees"][0].value("name", ""), "main");
  EXPECT_EQ(j["worktrees"][0].value("path", ""), Ws().string());

  // From the repository root and from a subdirectory of the workspace as well.
  fs::create_directories(Ws() / "deep/er");
  EXPECT_OK(Jvs(Root(), {"info"}));
  EXPECT_OK(Jvs(Ws() / "deep/er", {"info"}));
  EXPECT_OK(Jvs(Tmp(), {"-R", Root().string(), "info"}));
}

// ---------------------------------------------------------------- status

class StatusTest : public RepoTest {};

TEST_F(StatusTest, CleanAddedModifiedRemoved) {
  Write("keep.txt", "keep\n");
  Write("mod.txt", "before\n");
  Write("gone.txt", "bye\n");
  std::string id = Snap("base");

  RunResult clean = Run({"status"});
  ASSERT_OK(clean);
  EXPECT_TRUE(Contains(clean.out, "No changes.")) << clean.Describe();
  EXPECT_TRUE(Contains(clean.out, "Head: " + id.substr(0, 8))) << clean.Describe();
  json jc = RunJson({"status"});
  EXPECT_EQ(jc.value("clean", false), true) << jc.dump(2);
  EXPECT_EQ(jc.value("head_snapshot_id", ""), id);
  EXPECT_EQ(jc.value("worktree_name", ""), "main");
  EXPECT_EQ(jc.value("total_added", -1), 0);

  Write("mod.txt", "after\n");
  Write("new/added.txt", "new\n");
  fs::remove(Ws() / "gone.txt");
  RunResult dirty = Run({"status"});
  ASSERT_OK(dirty);
  EXPECT_TRUE(Contains(dirty.out, "  A new/added.txt\n")) << dirty.Describe();
  EXPECT_TRUE(Contains(dirty.out, "  M mod.txt\n")) << dirty.Describe();
  EXPECT_TRUE(Contains(dirty.out, "  D gone.txt\n")) << dirty.Describe();
  EXPECT_FALSE(Contains(dirty.out, "keep.txt")) << dirty.Describe();

  json j = RunJson({"status"});
  EXPECT_EQ(j.value("clean", true), false);
  EXPECT_EQ(PathsOf(j, "added"), std::vector<std::string>{"new/added.txt"});
  EXPECT_EQ(PathsOf(j, "modified"), std::vector<std::string>{"mod.txt"});
  EXPECT_EQ(PathsOf(j, "removed"), std::vector<std::string>{"gone.txt"});
  EXPECT_EQ(j.value("total_added", 0), 1);
  EXPECT_EQ(j.value("total_modified", 0), 1);
  EXPECT_EQ(j.value("total_removed", 0), 1);

  // An executable bit alone is a modification.
  Snap("all");
  fs::permissions(Ws() / "keep.txt", fs::perms::owner_exec, fs::perm_options::add);
  j = RunJson({"status"});
  EXPECT_EQ(PathsOf(j, "modified"), std::vector<std::string>{"keep.txt"}) << j.dump(2);
  EXPECT_EQ(j["modified"][0].value("mode", ""), "100755") << j.dump(2);
}

TEST_F(StatusTest, BeforeFirstSnapshot) {
  RunResult empty = Run({"status"});
  ASSERT_OK(empty);
  EXPECT_TRUE(Contains(empty.out, "no snapshot")) << empty.Describe();
  Write("a.txt", "a\n");
  Write("d/b.txt", "b\n");
  RunResult r = Run({"--json", "status"});
  ASSERT_OK(r);
  json j = r.Json();
  EXPECT_EQ(PathsOf(j, "added"), (std::vector<std::string>{"a.txt", "d/b.txt"}));
  EXPECT_TRUE(j["head_snapshot_id"].is_null());
  RunResult d = Run({"diff", "--name-only"});
  EXPECT_OK(d);
  EXPECT_EQ(d.out, "a.txt\nd/b.txt\n");
}

// ---------------------------------------------------------------- snapshot

class SnapshotTest : public RepoTest {};

TEST_F(SnapshotTest, NotesTagsAndJsonKeys) {
  Write("f.txt", "content\n");
  RunResult r = Run({"snapshot", "positional note"});
  ASSERT_OK(r);
  ASSERT_TRUE(Contains(r.out, "Created snapshot ")) << r.Describe();
  std::string short_id = Lines(r.out)[0].substr(std::string("Created snapshot ").size(), 8);
  EXPECT_TRUE(Contains(r.out, "\"positional note\"")) << r.Describe();

  json h = RunJson({"history"});
  ASSERT_EQ(h.size(), 1u);
  ExpectSnapshotKeys(h[0]);
  std::string first = h[0]["snapshot_id"];
  EXPECT_EQ(first.substr(0, 8), short_id) << "the printed short id is a prefix of the id";
  EXPECT_EQ(h[0]["note"], "positional note");
  EXPECT_TRUE(h[0]["parents"].empty());

  json j = RunJson({"snapshot", "-m", "option note", "--tag", "t1", "--tag", "t2"});
  ExpectSnapshotKeys(j);
  EXPECT_EQ(j["note"], "option note");
  EXPECT_EQ(j["tags"], json::array({"t1", "t2"}));
  EXPECT_EQ(j["parent_id"], first);
  EXPECT_EQ(j["parents"], json::array({first}));
  EXPECT_EQ(j["descriptor_checksum"].get<std::string>().size(), 64u);

  // A note of "-" comes from stdin (trailing newlines dropped).
  RunResult s = Run({"--json", "snapshot", "-"}, "line one\nline two\n\n");
  ASSERT_OK(s);
  json js = s.Json();
  EXPECT_EQ(js["note"], "line one\nline two");
  RunResult s2 = Run({"snapshot", "-m", "-"}, "from stdin via -m\n");
  ASSERT_OK(s2);
  EXPECT_TRUE(Contains(s2.out, "\"from stdin via -m\"")) << s2.Describe();

  // Tags are visible through tag list and history.
  json tags = RunJson({"tag", "list"});
  ASSERT_EQ(tags.size(), 2u) << tags.dump();
  EXPECT_EQ(tags[0]["snapshot_id"], j["snapshot_id"]);

  // NOTE and -m together: a usage error.
  ExpectError(Ws(), {"snapshot", "a", "-m", "b"}, 2);
}

TEST_F(SnapshotTest, NoChangeSnapshotStillCreatesOne) {
  Write("f.txt", "same\n");
  json a = RunJson({"snapshot", "first"});
  json b = RunJson({"snapshot", "second"});
  json c = RunJson({"snapshot"});
  ASSERT_TRUE(a.is_object() && b.is_object() && c.is_object());
  EXPECT_NE(a["snapshot_id"], b["snapshot_id"]);
  EXPECT_NE(b["snapshot_id"], c["snapshot_id"]);
  EXPECT_EQ(b["parent_id"], a["snapshot_id"]);
  EXPECT_EQ(c["parent_id"], b["snapshot_id"]);
  EXPECT_EQ(a["payload_root_hash"], b["payload_root_hash"]);
  EXPECT_EQ(b["payload_root_hash"], c["payload_root_hash"]);
  EXPECT_NE(a["change_id"], b["change_id"]);
  EXPECT_EQ(c["note"], "");
  EXPECT_EQ(RunJson({"history"}).size(), 3u);

  // An empty workspace can be snapshotted too.
  TempDir tmp;
  ASSERT_OK(Jvs(tmp.path(), {"init", "e"}));
  RunResult e = Jvs(tmp / "e/main", {"snapshot", "empty"});
  EXPECT_OK(e);
}

// The racy-timestamp rule re-reads files modified at or after the previous
// scan started, but only once: a later no-change snapshot reads nothing.
TEST_F(SnapshotTest, UnchangedFilesAreNotReadAgain) {
  for (int i = 0; i < 20; ++i) Write("dir" + std::to_string(i % 3) + "/f" + std::to_string(i), std::string(1000 + i, 'x'));
  json first = RunJson({"snapshot", "first"});
  EXPECT_EQ(first.value("hashed_files", -1), 20) << first.dump(2);
  EXPECT_EQ(first.value("files", -1), 20);
  ::usleep(1'100'000);
  json second = RunJson({"snapshot", "second"});
  json third = RunJson({"snapshot", "third"});
  EXPECT_EQ(third.value("hashed_files", -1), 0) << third.dump(2);
  EXPECT_EQ(third.value("hashed_bytes", -1), 0) << third.dump(2);
  EXPECT_EQ(third.value("files", -1), 20);
  EXPECT_LE(second.value("hashed_files", 99), 20);
  // A change is still seen: one file re-read.
  Write("dir0/f0", "changed");
  json fourth = RunJson({"snapshot", "fourth"});
  EXPECT_GE(fourth.value("hashed_files", 0), 1) << fourth.dump(2);
  EXPECT_NE(fourth["payload_root_hash"], third["payload_root_hash"]);
}

// ---------------------------------------------------------------- history

class HistoryTest : public RepoTest {};

TEST_F(HistoryTest, EmptyRepository) {
  RunResult j = Run({"--json", "history"});
  ASSERT_OK(j);
  EXPECT_EQ(j.out, "[]\n") << j.Describe();
  RunResult all = Run({"--json", "history", "--all"});
  ASSERT_OK(all);
  EXPECT_TRUE(all.Json().is_array() && all.Json().empty()) << all.Describe();
  RunResult t = Run({"history"});
  ASSERT_OK(t);
  EXPECT_TRUE(Contains(t.out, "No snapshots yet")) << t.Describe();
}

TEST_F(HistoryTest, FiltersLimitAndAll) {
  Write("f", "1");
  std::string a = Snap("alpha experiment", {"first"});
  Write("f", "2");
  std::string b = Snap("beta experiment");
  Write("f", "3");
  std::string c = Snap("gamma", {"last", "release"});

  json h = RunJson({"history"});
  EXPECT_EQ(IdsOf(h), (std::vector<std::string>{c, b, a})) << "newest first";
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].value("is_head", false), true);
  EXPECT_EQ(h[0]["tags"], json::array({"last", "release"}));

  RunResult text = Run({"history"});
  ASSERT_OK(text);
  auto lines = Lines(text.out);
  ASSERT_EQ(lines.size(), 3u) << text.Describe();
  EXPECT_EQ(lines[0].rfind("@ " + c.substr(0, 8), 0), 0u) << "the head is marked with @\n" << text.Describe();
  EXPECT_TRUE(Contains(lines[0], "last")) << text.Describe();
  EXPECT_TRUE(Contains(lines[0], "gamma")) << text.Describe();
  EXPECT_EQ(lines[2].rfind("  " + a.substr(0, 8), 0), 0u) << text.Describe();

  EXPECT_EQ(IdsOf(RunJson({"history", "-n", "2"})), (std::vector<std::string>{c, b}));
  EXPECT_EQ(IdsOf(RunJson({"history", "-n", "0"})), std::vector<std::string>{});
  EXPECT_EQ(Lines(Run({"history", "-n", "1"}).out).size(), 1u);
  EXPECT_EQ(IdsOf(RunJson({"history", "--tag", "first"})), std::vector<std::string>{a});
  EXPECT_EQ(IdsOf(RunJson({"history", "--tag", "nope"})), std::vector<std::string>{});
  EXPECT_EQ(IdsOf(RunJson({"history", "--grep", "experiment"})), (std::vector<std::string>{b, a}));
  EXPECT_EQ(IdsOf(RunJson({"history", "--grep", "experiment", "-n", "1"})), std::vector<std::string>{b});
  EXPECT_EQ(Run({"--json", "history", "--grep", "zzz"}).out, "[]\n");
  RunResult none = Run({"history", "--grep", "zzz"});
  EXPECT_OK(none);
  EXPECT_TRUE(Contains(none.out, "No snapshots match")) << none.Describe();

  // Go back to a and branch off: the current line is d, a; --all shows both lines.
  ASSERT_OK(Run({"restore", a}));
  Write("f", "4");
  std::string d = Snap("delta");
  EXPECT_EQ(IdsOf(RunJson({"history"})), (std::vector<std::string>{d, a}));
  std::vector<std::string> all = IdsOf(RunJson({"history", "--all"}));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), (std::set<std::string>{a, b, c, d}));
  RunResult all_text = Run({"history", "--all"});
  ASSERT_OK(all_text);
  // One row per snapshot, plus the row where the two lines meet at a (a graph).
  EXPECT_EQ(Lines(all_text.out).size(), 5u) << all_text.Describe();
  for (const auto& id : {a, b, c, d}) EXPECT_TRUE(Contains(all_text.out, id.substr(0, 8))) << all_text.Describe();
  EXPECT_TRUE(Contains(all_text.out, "@ " + d.substr(0, 8))) << all_text.Describe();
  // `log` is an alias.
  EXPECT_EQ(Run({"log"}).out, Run({"history"}).out);
}

// ---------------------------------------------------------------- diff

class DiffTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    Write("text.txt", "one\ntwo\nthree\n");
    Write("gone.txt", "bye\n");
    Write("dir/a.txt", "a\n");
    Write("bin.dat", std::string("\x00\x01\x02\x03 binary", 11));
    fs::create_directories(Ws() / "emptydir");
    s1_ = Snap("s1");
    Write("text.txt", "one\nTWO\nthree\nfour\n");
    fs::remove(Ws() / "gone.txt");
    Write("dir/b.txt", "b\n");
    Write("bin.dat", std::string("\x00\x01\x02\x04 binary!!", 13));
    s2_ = Snap("s2");
  }
  std::string s1_, s2_;
};

TEST_F(DiffTest, WorkingCopyAgainstHead) {
  RunResult none = Run({"diff"});
  ASSERT_OK(none);
  EXPECT_EQ(none.out, "") << none.Describe();
  json empty = RunJson({"diff"});
  EXPECT_EQ(empty.value("total_added", -1) + empty.value("total_removed", -1) + empty.value("total_modified", -1), 0);

  Write("text.txt", "one\nTWO\nthree\nfour\nfive\n");
  Write("new.txt", "brand new\n");
  RunResult r = Run({"diff"});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.out, "--- a/text.txt\n+++ b/text.txt\n")) << r.Describe();
  EXPECT_TRUE(Contains(r.out, "+five\n")) << r.Describe();
  EXPECT_TRUE(Contains(r.out, "+++ b/new.txt\n")) << r.Describe();
  EXPECT_TRUE(Contains(r.out, "+brand new\n")) << r.Describe();

  json j = RunJson({"diff"});
  EXPECT_EQ(j.value("from_snapshot_id", ""), s2_);
  EXPECT_TRUE(j["to_snapshot_id"].is_null()) << j.dump();
  EXPECT_EQ(PathsOf(j, "added"), std::vector<std::string>{"new.txt"});
  EXPECT_EQ(PathsOf(j, "modified"), std::vector<std::string>{"text.txt"});
  // Explicit @ is the same.
  EXPECT_EQ(RunJson({"diff", "@"}), j);
}

TEST_F(DiffTest, TwoRefsJsonShape) {
  json j = RunJson({"diff", s1_, s2_});
  ASSERT_TRUE(j.is_object());
  for (const char* k : {"from_snapshot_id", "to_snapshot_id", "added", "removed", "modified", "total_added",
                        "total_removed", "total_modified"})
    EXPECT_TRUE(j.contains(k)) << k << " missing in " << j.dump(2);
  EXPECT_EQ(j["from_snapshot_id"], s1_);
  EXPECT_EQ(j["to_snapshot_id"], s2_);
  EXPECT_EQ(PathsOf(j, "added"), std::vector<std::string>{"dir/b.txt"});
  EXPECT_EQ(PathsOf(j, "removed"), std::vector<std::string>{"gone.txt"});
  EXPECT_EQ(PathsOf(j, "modified"), (std::vector<std::string>{"bin.dat", "text.txt"}));
  EXPECT_EQ(j["total_added"], 1);
  EXPECT_EQ(j["total_removed"], 1);
  EXPECT_EQ(j["total_modified"], 2);
  for (const char* arr : {"added", "removed", "modified"}) {
    for (const auto& e : j[arr]) {
      for (const char* k : {"path", "type", "mode", "size", "old_size", "old_hash", "new_hash"})
        EXPECT_TRUE(e.contains(k)) << k << " missing in " << e.dump();
    }
  }
  const json& added = j["added"][0];
  EXPECT_EQ(added["type"], "file");
  EXPECT_EQ(added["mode"], "100644");
  EXPECT_EQ(added["size"], 2);
  EXPECT_TRUE(added["old_size"].is_null());
  EXPECT_TRUE(added["old_hash"].is_null());
  EXPECT_EQ(added["new_hash"], ToHex(Sha256Of("b\n").data(), 32)) << "blob ids are the SHA-256 of the content";
  const json& removed = j["removed"][0];
  EXPECT_TRUE(removed["size"].is_null());
  EXPECT_EQ(removed["old_size"], 4);
  EXPECT_TRUE(removed["new_hash"].is_null());
  EXPECT_EQ(removed["old_hash"], ToHex(Sha256Of("bye\n").data(), 32));
  const json& mod = j["modified"][1];
  EXPECT_EQ(mod["old_size"], 14);
  EXPECT_EQ(mod["size"], 19);

  // The reverse direction swaps added and removed.
  json rev = RunJson({"diff", s2_, s1_});
  EXPECT_EQ(PathsOf(rev, "added"), std::vector<std::string>{"gone.txt"});
  EXPECT_EQ(PathsOf(rev, "removed"), std::vector<std::string>{"dir/b.txt"});
  // Same snapshot on both sides: nothing.
  json same = RunJson({"diff", s1_, s1_});
  EXPECT_EQ(AllPaths(same), std::vector<std::string>{});
}

TEST_F(DiffTest, OneRefAgainstWorkingCopy) {
  json j = RunJson({"diff", s1_});
  EXPECT_EQ(j["from_snapshot_id"], s1_);
  EXPECT_TRUE(j["to_snapshot_id"].is_null());
  EXPECT_EQ(AllPaths(j), (std::vector<std::string>{"bin.dat", "dir/b.txt", "gone.txt", "text.txt"}));
  RunResult r = Run({"diff", s1_});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.out, "-two\n+TWO\n")) << r.Describe();
  EXPECT_TRUE(Contains(r.out, "-bye\n")) << r.Describe();
}

TEST_F(DiffTest, StatNameOnlyAndBinary) {
  RunResult names = Run({"diff", "--name-only", s1_, s2_});
  ASSERT_OK(names);
  EXPECT_EQ(names.out, "bin.dat\ndir/b.txt\ngone.txt\ntext.txt\n") << names.Describe();

  RunResult stat = Run({"diff", "--stat", s1_, s2_});
  ASSERT_OK(stat);
  EXPECT_TRUE(Contains(stat.out, "4 files changed")) << stat.Describe();
  EXPECT_TRUE(Contains(stat.out, "text.txt")) << stat.Describe();
  EXPECT_TRUE(Contains(stat.out, "Bin 11 -> 13 bytes")) << stat.Describe();
  // text.txt: 1 line changed, 1 added -> 2 insertions, 1 deletion; b.txt +1; gone.txt -1.
  EXPECT_TRUE(Contains(stat.out, "3 insertions(+), 2 deletions(-)")) << stat.Describe();

  RunResult full = Run({"diff", s1_, s2_});
  ASSERT_OK(full);
  EXPECT_TRUE(Contains(full.out, "Binary files a/bin.dat and b/bin.dat differ")) << full.Describe();
  EXPECT_FALSE(Contains(full.out, "binary!!")) << "binary content is summarised, not printed\n" << full.Describe();

  ExpectError(Ws(), {"diff", "--stat", "--name-only"}, 2);
}

TEST_F(DiffTest, PathsAfterDashDash) {
  json j = RunJson({"diff", s1_, s2_, "--", "dir"});
  EXPECT_EQ(AllPaths(j), std::vector<std::string>{"dir/b.txt"});
  j = RunJson({"diff", s1_, s2_, "--", "text.txt", "gone.txt"});
  EXPECT_EQ(AllPaths(j), (std::vector<std::string>{"gone.txt", "text.txt"}));
  RunResult r = Run({"diff", "--name-only", s1_, s2_, "--", "dir/"});
  EXPECT_OK(r);
  EXPECT_EQ(r.out, "dir/b.txt\n");
  // Paths are relative to the current directory.
  RunResult sub = Jvs(Ws() / "dir", {"diff", "--name-only", s1_, s2_, "--", "."});
  EXPECT_OK(sub);
  EXPECT_EQ(sub.out, "dir/b.txt\n") << sub.Describe();
  // A path that did not change: nothing.
  EXPECT_EQ(Run({"diff", "--name-only", s1_, s2_, "--", "emptydir"}).out, "");
  // A path outside the workspace is a usage error.
  ExpectError(Ws(), {"diff", s1_, s2_, "--", "../outside"}, 2, "outside");
}

TEST_F(DiffTest, EmptyDirectoriesAndTypeChanges) {
  fs::remove(Ws() / "emptydir");
  fs::create_directories(Ws() / "newempty");
  fs::create_symlink("text.txt", Ws() / "link");
  json j = RunJson({"diff"});
  EXPECT_EQ(PathsOf(j, "added"), (std::vector<std::string>{"link", "newempty"})) << j.dump(2);
  EXPECT_EQ(PathsOf(j, "removed"), std::vector<std::string>{"emptydir"}) << j.dump(2);
  for (const auto& e : j["added"]) {
    if (e["path"] == "link") {
      EXPECT_EQ(e["type"], "symlink");
      EXPECT_EQ(e["mode"], "120000");
    } else {
      EXPECT_EQ(e["type"], "tree") << e.dump();
      EXPECT_EQ(e["mode"], "040000");
    }
  }
  RunResult r = Run({"diff"});
  EXPECT_OK(r);
  EXPECT_TRUE(Contains(r.out, "new empty directory")) << r.Describe();
}

// ---------------------------------------------------------------- restore

class RestoreTest : public RepoTest {};

TEST_F(RestoreTest, FullRestoreAndHead) {
  Write("a.txt", "a1\n");
  Write("sub/b.txt", "b1\n");
  std::string s1 = Snap("one");
  Manifest m1 = TakeManifest(Ws());
  Write("a.txt", "a2\n");
  Write("c.txt", "c2\n");
  fs::remove_all(Ws() / "sub");
  std::string s2 = Snap("two");
  Manifest m2 = TakeManifest(Ws());

  RunResult r = Run({"restore", s1.substr(0, 8)});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.out, "Restored worktree main to " + s1.substr(0, 8))) << r.Describe();
  EXPECT_FALSE(Contains(r.out, "Saved uncommitted")) << "nothing was dirty\n" << r.Describe();
  EXPECT_EQ(ManifestDiff(m1, TakeManifest(Ws())), "");
  json st = RunJson({"status"});
  EXPECT_EQ(st.value("clean", false), true) << st.dump(2);
  EXPECT_EQ(st.value("head_snapshot_id", ""), s1);
  RunResult status_text = Run({"status"});
  EXPECT_TRUE(Contains(status_text.out, "jvs restore HEAD")) << "status says how to return\n" << status_text.Describe();

  // restore HEAD returns to the latest snapshot of the worktree.
  json back = RunJson({"restore", "HEAD"});
  EXPECT_EQ(back.value("snapshot_id", ""), s2);
  EXPECT_TRUE(back["captured_snapshot_id"].is_null());
  EXPECT_EQ(back.value("worktree_name", ""), "main");
  EXPECT_EQ(ManifestDiff(m2, TakeManifest(Ws())), "");
  EXPECT_EQ(RunJson({"status"}).value("head_snapshot_id", ""), s2);
  // Restoring what is already there changes nothing.
  json same = RunJson({"restore", "@"});
  EXPECT_EQ(same.value("files_written", -1), 0);
  EXPECT_EQ(same.value("files_removed", -1), 0);
  EXPECT_EQ(ManifestDiff(m2, TakeManifest(Ws())), "");
}

// Restored files are recorded clean: the next snapshot re-reads none of
// them, yet a same-size change made right after the restore is seen.
TEST_F(RestoreTest, RestoredFilesAreNotReadAgainButLaterChangesAreSeen) {
  for (int i = 0; i < 20; ++i) Write("f" + std::to_string(i) + ".txt", "one " + std::to_string(i) + "\n");
  std::string s1 = Snap("one");
  for (int i = 0; i < 20; ++i) Write("f" + std::to_string(i) + ".txt", "two " + std::to_string(i) + "\n");
  Snap("two", {"t2"});
  ASSERT_OK(Run({"restore", s1}));
  json again = RunJson({"snapshot", "after restore"});
  EXPECT_EQ(again.value("hashed_files", -1), 0) << again.dump(2);
  EXPECT_EQ(again.value("parent_id", ""), s1);

  ASSERT_OK(Run({"restore", "t2"}));
  Write("f3.txt", "TWO 3\n");  // same size as "two 3\n", immediately after
  json changed = RunJson({"snapshot", "changed"});
  EXPECT_EQ(changed.value("hashed_files", -1), 1) << changed.dump(2);
  EXPECT_EQ(Read("f3.txt"), "TWO 3\n");
  ASSERT_OK(Run({"restore", "@~1"}));
  EXPECT_EQ(Read("f3.txt"), "two 3\n");
}

TEST_F(RestoreTest, PartialPaths) {
  Write("a.txt", "a1\n");
  Write("b.txt", "b1\n");
  Write("dir/x.txt", "x1\n");
  Write("dir/y.txt", "y1\n");
  std::string s1 = Snap("one");
  Write("a.txt", "a2\n");
  Write("b.txt", "b2\n");
  Write("dir/x.txt", "x2\n");
  fs::remove(Ws() / "dir/y.txt");
  Write("dir/z.txt", "z2\n");
  std::string s2 = Snap("two");

  RunResult r = Run({"restore", s1, "--", "a.txt", "dir"});
  ASSERT_OK(r);
  EXPECT_EQ(Read("a.txt"), "a1\n");
  EXPECT_EQ(Read("b.txt"), "b2\n") << "paths not named are untouched";
  EXPECT_EQ(Read("dir/x.txt"), "x1\n");
  EXPECT_EQ(Read("dir/y.txt"), "y1\n");
  EXPECT_FALSE(fs::exists(Ws() / "dir/z.txt")) << "a restored directory is exactly as in the snapshot";
  // A partial restore does not move the head: the restored paths show as changes.
  json st = RunJson({"status"});
  EXPECT_EQ(st.value("head_snapshot_id", ""), s2);
  EXPECT_EQ(AllPaths(st), (std::vector<std::string>{"a.txt", "dir/x.txt", "dir/y.txt", "dir/z.txt"})) << st.dump(2);

  // From a subdirectory, paths are relative to it.
  ASSERT_OK(Run({"restore", s2}));
  RunResult sub = Jvs(Ws() / "dir", {"--json", "restore", s1, "--", "x.txt"});
  ASSERT_OK(sub);
  EXPECT_EQ(Read("dir/x.txt"), "x1\n");
  EXPECT_EQ(Read("dir/z.txt"), "z2\n");
  EXPECT_EQ(sub.Json()["paths"], json::array({"x.txt"}));

  // A path in neither side is an error; "--" without paths is a usage error.
  ExpectError(Ws(), {"restore", s1, "--", "no-such-file"}, 1);
  ExpectError(Ws(), {"restore", s1, "--"}, 2);
}

TEST_F(RestoreTest, DirtyChangesAreCapturedAndCanBeRestored) {
  Write("a.txt", "a1\n");
  Write("bin/tool", "#!/bin/sh\necho hi\n");
  fs::permissions(Ws() / "bin/tool", fs::perms::owner_exec, fs::perm_options::add);
  fs::create_symlink("a.txt", Ws() / "link");
  std::string s1 = Snap("one");
  Manifest m1 = TakeManifest(Ws());

  // Dirty: modified, added (binary, large-ish), removed, retargeted symlink, chmod, empty dir.
  Write("a.txt", "a1 edited\n");
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
  Write("data/big.bin", big);
  fs::remove(Ws() / "link");
  fs::create_symlink("bin/tool", Ws() / "link");
  fs::permissions(Ws() / "bin/tool", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::remove);
  fs::create_directories(Ws() / "empty/dir");
  Manifest dirty = TakeManifest(Ws());

  RunResult text = Run({"restore", s1});
  ASSERT_OK(text);
  EXPECT_TRUE(Contains(text.out, "Saved uncommitted changes as snapshot ")) << text.Describe();
  EXPECT_EQ(ManifestDiff(m1, TakeManifest(Ws())), "");

  // Back to the dirty state by the captured id (from history), byte-identical.
  json h = RunJson({"history", "--all"});
  std::string captured;
  for (const auto& e : h)
    if (e["snapshot_id"] != s1) captured = e["snapshot_id"];
  ASSERT_FALSE(captured.empty()) << h.dump(2);
  EXPECT_TRUE(Contains(text.out, captured.substr(0, 8))) << text.Describe();
  json back = RunJson({"restore", captured});
  EXPECT_TRUE(back["captured_snapshot_id"].is_null()) << "the worktree was clean: " << back.dump(2);
  EXPECT_EQ(ManifestDiff(dirty, TakeManifest(Ws())), "");
  EXPECT_EQ(Read("data/big.bin"), big);

  // The JSON form reports the captured snapshot id; restore HEAD brings it back.
  ASSERT_OK(Run({"restore", s1}));
  Write("a.txt", "second dirty edit\n");
  Manifest dirty2 = TakeManifest(Ws());
  json j = RunJson({"restore", s1});
  ASSERT_TRUE(j["captured_snapshot_id"].is_string()) << j.dump(2);
  std::string cap2 = j["captured_snapshot_id"];
  EXPECT_EQ(j.value("snapshot_id", ""), s1);
  EXPECT_EQ(Read("a.txt"), "a1\n");
  json capj;
  for (const auto& e : RunJson({"history", "--all"}))
    if (e["snapshot_id"] == cap2) capj = e;
  ASSERT_TRUE(capj.is_object()) << "the captured snapshot is listed by history --all";
  EXPECT_EQ(capj["parent_id"], s1);
  json head = RunJson({"restore", "HEAD"});
  EXPECT_EQ(head.value("snapshot_id", ""), cap2);
  EXPECT_EQ(ManifestDiff(dirty2, TakeManifest(Ws())), "");
}

// Paths after "--" name paths of the workspace, not what symlinks in the
// working copy point to: with `d -> sub` in the working copy, `restore A --
// d/f` must not restore `sub/f` (it may restore d as a directory, or refuse).
// And nothing outside the workspace is ever written through a symlink.
TEST_F(RestoreTest, PathsThroughSymlinksInTheWorkspace) {
  Write("d/f", "d/f in A\n");
  Write("sub/f", "sub/f in A\n");
  std::string a = Snap("A");
  fs::remove_all(Ws() / "d");
  fs::create_symlink("sub", Ws() / "d");
  Write("sub/f", "sub/f changed\n");
  std::string b = Snap("B");

  // A symlink to a directory outside the workspace: never written through.
  fs::create_directories(Tmp() / "outside");
  fs::remove(Ws() / "d");
  fs::create_symlink(Tmp() / "outside", Ws() / "d");
  RunResult out = Run({"restore", a, "--", "d/f"});
  EXPECT_TRUE(fs::is_empty(Tmp() / "outside")) << out.Describe();
  EXPECT_EQ(Read("sub/f"), "sub/f changed\n") << out.Describe();
  fs::remove(Ws() / "d");
  fs::create_symlink("sub", Ws() / "d");

  RunResult r = Run({"restore", a, "--", "d/f"});
  bool restored_d = r.exit_code == 0 && !fs::is_symlink(Ws() / "d") && Read("d/f") == "d/f in A\n";
  bool refused = r.exit_code != 0 && fs::is_symlink(Ws() / "d");
  EXPECT_EQ(Read("sub/f"), "sub/f changed\n")
      << "'restore A -- d/f' with the symlink d -> sub in the working copy restored sub/f (the path was "
         "resolved through the symlink)\n"
      << r.Describe();
  EXPECT_TRUE(restored_d || refused) << r.Describe();
}

// A path changes kind between snapshots (file, directory, symlink, empty
// directory); restoring either snapshot puts the right kind back.
TEST_F(RestoreTest, KindChangesBothWays) {
  struct Kind {
    const char* name;
    void (*make)(const fs::path&);
  };
  static const Kind kinds[] = {
      {"file", [](const fs::path& p) { WriteFile(p, "file content\n"); }},
      {"tracked directory", [](const fs::path& p) {
         WriteFile(p / "h.txt", "h\n");
         WriteFile(p / "sub/g.txt", "g\n");
       }},
      {"empty directory", [](const fs::path& p) { fs::create_directories(p); }},
      {"symlink", [](const fs::path& p) { fs::create_symlink("somewhere", p); }},
  };
  std::string bugs;
  for (const auto& from : kinds) {
    for (const auto& to : kinds) {
      if (&from == &to) continue;
      std::string what = std::string(from.name) + " -> " + to.name;
      SCOPED_TRACE(what);
      fs::remove_all(Ws() / "p");
      from.make(Ws() / "p");
      std::string a = Snap("from");
      Manifest ma = TakeManifest(Ws());
      fs::remove_all(Ws() / "p");
      to.make(Ws() / "p");
      std::string b = Snap("to");
      Manifest mb = TakeManifest(Ws());
      RunResult r = Run({"restore", a});
      if (r.exit_code != 0 && Contains(r.err, "untracked files is in the way")) {
        bugs += "restore " + what + " back: " + r.Describe();
        ASSERT_OK(Run({"restore", b}));  // continue from a known state
        continue;
      }
      ASSERT_OK(r);
      EXPECT_EQ(ManifestDiff(ma, TakeManifest(Ws())), "");
      r = Run({"restore", b});
      if (r.exit_code != 0 && Contains(r.err, "untracked files is in the way")) {
        bugs += "restore " + what + ": " + r.Describe();
        continue;
      }
      ASSERT_OK(r);
      EXPECT_EQ(ManifestDiff(mb, TakeManifest(Ws())), "");
    }
  }
  EXPECT_TRUE(bugs.empty()) << "restoring a snapshot that has a file or symlink where the workspace has a "
                               "tracked, non-empty directory fails with 'a directory with untracked files is "
                               "in the way':\n"
                            << bugs;
}

// A tracked directory that the target replaces by a file, holding an ignored
// file and an untracked one: the restore is refused before anything changes
// (exit 1, the files, the head and the op log as they were), naming the file.
TEST_F(RestoreTest, DirectoryWithIgnoredFileIsNotReplaced) {
  Write(".jvsignore", "*.tmp\n");
  Write("p", "p is a file\n");
  std::string a = Snap("file");
  fs::remove(Ws() / "p");
  Write("p/h.txt", "h\n");
  Write("p/sub/g.txt", "g\n");
  std::string b = Snap("dir");
  Write("p/sub/keep.tmp", "ignored, precious\n");
  Manifest before = TakeManifest(Ws());
  std::string ops = Run({"op", "log"}).out;
  RunResult r = Run({"restore", a});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "p/sub/keep.tmp")) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "hint: ")) << r.Describe();
  EXPECT_EQ(ManifestDiff(before, TakeManifest(Ws())), "");
  EXPECT_EQ(Run({"op", "log"}).out, ops);
  EXPECT_TRUE(RunJson({"status"}).value("clean", false));
  // An untracked file is saved by the capture first, so it does not block.
  fs::rename(Ws() / "p/sub/keep.tmp", Tmp() / "keep.tmp");
  Write("p/sub/untracked.txt", "new\n");
  json j = RunJson({"restore", a});
  ASSERT_TRUE(j["captured_snapshot_id"].is_string()) << j.dump(2);
  EXPECT_EQ(Read("p"), "p is a file\n");
  ASSERT_OK(Run({"restore", j["captured_snapshot_id"].get<std::string>()}));
  EXPECT_EQ(Read("p/sub/untracked.txt"), "new\n");
  (void)b;
}

// ---------------------------------------------------------------- tags

class TagTest : public RepoTest {};

TEST_F(TagTest, SetMoveDeleteList) {
  Write("f", "1");
  std::string a = Snap("first");
  Write("f", "2");
  std::string b = Snap("second");

  RunResult empty = Run({"tag", "list"});
  ASSERT_OK(empty);
  EXPECT_TRUE(Contains(empty.out, "No tags")) << empty.Describe();
  EXPECT_EQ(Run({"--json", "tag", "list"}).out, "[]\n");

  RunResult set = Run({"tag", "set", "v1", a});
  ASSERT_OK(set);
  EXPECT_TRUE(Contains(set.out, "Created tag v1 -> " + a.substr(0, 8))) << set.Describe();
  json cur = RunJson({"tag", "set", "current"});  // default REF is @
  EXPECT_EQ(cur.value("snapshot_id", ""), b);
  EXPECT_EQ(cur.value("changed", false), true);
  json again = RunJson({"tag", "set", "current", "@"});
  EXPECT_EQ(again.value("changed", true), false);

  json list = RunJson({"tag", "list"});
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], (json{{"name", "current"}, {"snapshot_id", b}}));
  EXPECT_EQ(list[1], (json{{"name", "v1"}, {"snapshot_id", a}}));
  RunResult text = Run({"tag", "list"});
  EXPECT_TRUE(Contains(text.out, "v1  " + a.substr(0, 8))) << text.Describe();

  RunResult move = Run({"tag", "set", "v1", b});
  EXPECT_TRUE(Contains(move.out, "Moved tag v1")) << move.Describe();
  EXPECT_EQ(IdsOf(RunJson({"history", "--tag", "v1"})), std::vector<std::string>{b});

  RunResult del = Run({"tag", "delete", "v1"});
  ASSERT_OK(del);
  EXPECT_TRUE(Contains(del.out, "Deleted tag v1")) << del.Describe();
  json dj = RunJson({"tag", "delete", "current"});
  EXPECT_EQ(dj.value("deleted", false), true);
  EXPECT_EQ(Run({"--json", "tag", "list"}).out, "[]\n");
  // The snapshots stay.
  EXPECT_EQ(RunJson({"history", "--all"}).size(), 2u);
  RunResult missing = ExpectError(Ws(), {"tag", "delete", "v1"}, 1, "no tag named 'v1'");
  ExpectError(Ws(), {"tag", "set", "x", "no-such-ref"}, 1);
  ExpectError(Ws(), {"tag"}, 2);
}

// ---------------------------------------------------------------- references

class RefTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    Write("f", "1");
    a_ = Snap("alpha note");
    Write("f", "2");
    b_ = Snap("bravo note", {"mytag"});
    Write("f", "3");
    c_ = Snap("charlie");
  }
  // The full id REF resolves to (via diff --json REF REF).
  std::string Resolve(const std::string& ref) {
    RunResult r = Run({"--json", "diff", ref, ref});
    if (r.exit_code != 0) return "error " + std::to_string(r.exit_code) + ": " + r.err;
    return r.Json().value("from_snapshot_id", "");
  }
  std::string a_, b_, c_;
};

TEST_F(RefTest, AllForms) {
  EXPECT_EQ(Resolve("@"), c_);
  EXPECT_EQ(Resolve("HEAD"), c_);
  EXPECT_EQ(Resolve("latest"), c_);
  EXPECT_EQ(Resolve("mytag"), b_);
  EXPECT_EQ(Resolve(a_), a_);
  EXPECT_EQ(Resolve(a_.substr(0, 4)), a_);
  EXPECT_EQ(Resolve(b_.substr(0, 6)), b_);
  std::string upper = c_.substr(0, 10);
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(Resolve(upper), c_) << "hex prefixes are case-insensitive";
  EXPECT_EQ(Resolve("@~1"), b_);
  EXPECT_EQ(Resolve("@~2"), a_);
  EXPECT_EQ(Resolve("@~"), b_);
  EXPECT_EQ(Resolve("@~1~1"), a_);
  EXPECT_EQ(Resolve("mytag~1"), a_);
  EXPECT_EQ(Resolve(c_.substr(0, 8) + "~2"), a_);
  EXPECT_EQ(Resolve("alpha"), a_);
  EXPECT_EQ(Resolve("char"), c_);
  EXPECT_EQ(Resolve("bravo note"), b_);

  // After restoring an older snapshot, @ moves but latest and HEAD (for restore) do not.
  ASSERT_OK(Run({"restore", "alpha"}));
  EXPECT_EQ(Resolve("@"), a_);
  EXPECT_EQ(Resolve("latest"), c_);
  json r = RunJson({"restore", "HEAD"});
  EXPECT_EQ(r.value("snapshot_id", ""), c_);
}

TEST_F(RefTest, UnknownAndOutOfRange) {
  RunResult r = ExpectError(Ws(), {"diff", "nosuchref"}, 1, "nosuchref");
  ExpectError(Ws(), {"restore", "nosuchref"}, 1);
  ExpectError(Ws(), {"restore", "@~3"}, 1);
  ExpectError(Ws(), {"diff", "ffffffff"}, 1);
  ExpectError(Ws(), {"diff", "Alpha"}, 1);  // note prefixes are case-sensitive
  // The working copy was not touched by the failed restores.
  EXPECT_EQ(Read("f"), "3");
}

TEST_F(RefTest, AmbiguousNotePrefixListsCandidates) {
  EXPECT_EQ(Resolve("b"), b_);                // only "bravo note" starts with "b"
  ExpectError(Ws(), {"diff", "note"}, 1);      // no note starts with "note"
  Write("f", "4");
  std::string d = Snap("alpha two");
  RunResult e = ExpectError(Ws(), {"diff", "alpha"}, 1, "candidates");
  EXPECT_TRUE(Contains(e.err, a_.substr(0, 16))) << e.Describe();
  EXPECT_TRUE(Contains(e.err, d.substr(0, 16))) << e.Describe();
  EXPECT_EQ(Resolve("alpha t"), d);
  // The candidates are listed one per line, not as an escaped "\n".
  EXPECT_TRUE(Contains(e.err, "candidates:\n  ")) << e.Describe();
  EXPECT_FALSE(Contains(e.err, "\\n")) << e.Describe();
  // A note given in full names its snapshot even when another note extends it.
  Write("f", "5");
  std::string big = Snap("big");
  Write("f", "6");
  Snap("big2");
  EXPECT_EQ(Resolve("big"), big);
  ExpectError(Ws(), {"diff", "bi"}, 1, "candidates");
}

// Two snapshots whose ids share a 4-digit prefix: the prefix is ambiguous.
// Finding such a pair by taking snapshots needs hundreds of them, so the test
// writes a second, valid descriptor (a copy of an existing one with another
// note, stored under its SHA-256) chosen so that the prefixes collide.
TEST_F(RefTest, AmbiguousIdPrefixListsCandidates) {
  fs::path snaps = Root() / ".jvs/store/snapshots";
  fs::path file = snaps / a_.substr(0, 2) / a_.substr(2);
  ASSERT_TRUE(fs::exists(file));
  std::string desc = ReadFile(file);
  const std::string key = "\"note\":\"alpha note\"";
  size_t pos = desc.find(key);
  ASSERT_NE(pos, std::string::npos) << desc;
  std::string forged, forged_id;
  for (int k = 0; k < 5'000'000 && forged_id.empty(); ++k) {
    std::string d = desc;
    d.replace(pos, key.size(), "\"note\":\"alpha note " + std::to_string(k) + "\"");
    Digest h = Sha256Of(d);
    std::string hex = ToHex(h.data(), h.size());
    if (hex.compare(0, 4, a_, 0, 4) == 0 && hex != a_) {
      forged = d;
      forged_id = hex;
    }
  }
  ASSERT_FALSE(forged_id.empty());
  WriteFile(snaps / forged_id.substr(0, 2) / forged_id.substr(2), forged);

  RunResult e = ExpectError(Ws(), {"diff", a_.substr(0, 4)}, 1, "ambiguous");
  EXPECT_TRUE(Contains(e.err, a_.substr(0, 16))) << e.Describe();
  EXPECT_TRUE(Contains(e.err, forged_id.substr(0, 16))) << e.Describe();
  RunResult j = Run({"--json", "restore", a_.substr(0, 4)});
  EXPECT_EQ(j.exit_code, 1) << j.Describe();
  EXPECT_TRUE(Contains(j.out, "E_AMBIGUOUS")) << j.Describe();
  // More digits resolve it.
  EXPECT_EQ(Resolve(a_.substr(0, 12)), a_);
  EXPECT_EQ(Resolve(forged_id.substr(0, 12)), forged_id);
}

// ---------------------------------------------------------------- misc

TEST(GlobalTest, VersionAndHelp) {
  TempDir tmp;
  RunResult v = Jvs(tmp.path(), {"--version"});
  EXPECT_OK(v);
  EXPECT_EQ(v.out.rfind("jvs ", 0), 0u) << v.Describe();
  RunResult h = Jvs(tmp.path(), {"--help"});
  EXPECT_OK(h);
  for (const char* cmd : {"init", "info", "status", "snapshot", "history", "diff", "restore", "tag"})
    EXPECT_TRUE(Contains(h.out, cmd)) << cmd << "\n" << h.Describe();
  for (const char* cmd : {"init", "info", "status", "snapshot", "history", "diff", "restore", "tag"}) {
    RunResult c = Jvs(tmp.path(), {cmd, "--help"});
    EXPECT_OK(c);
    EXPECT_FALSE(c.out.empty()) << c.Describe();
  }
}

TEST(GlobalTest, RepoOptionFromOutside) {
  TempDir tmp;
  ASSERT_OK(Jvs(tmp.path(), {"init", "r"}));
  WriteFile(tmp / "r/main/f", "x");
  ASSERT_OK(Jvs(tmp.path(), {"-R", (tmp / "r").string(), "snapshot", "via -R"}));
  RunResult h = Jvs(tmp.path(), {"--repo", (tmp / "r/main").string(), "--json", "history"});
  ASSERT_OK(h);
  json j = h.Json();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["note"], "via -R");
  ExpectError(tmp.path(), {"-R", (tmp / "nope").string(), "status"}, 1);
}

TEST(GlobalTest, QuietSuppressesDetails) {
  TempDir tmp;
  ASSERT_OK(Jvs(tmp.path(), {"init", "r"}));
  WriteFile(tmp / "r/main/f", "x");
  RunResult q = Jvs(tmp / "r/main", {"-q", "snapshot", "n"});
  ASSERT_OK(q);
  EXPECT_EQ(Lines(q.out).size(), 1u) << q.Describe();
}

}  // namespace
}  // namespace jvs::e2e
