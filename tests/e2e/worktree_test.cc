// `jvs worktree` (alias `wt`) end to end: fork, list, path, rename, remove;
// commands run from inside any worktree act on it (also for `init --here`
// repositories, whose forks live beside the workspace and find the repository
// through a `.jvs` pointer file); parallel worktrees keep independent lines;
// forks share the store; stale worktrees are brought up to date.
// Over 400 lines on purpose: every `jvs worktree` subcommand, also from inside forks and `init
// --here` repositories, on shared layouts.
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <random>
#include <set>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::ReadFile;
using jvs::testing::WriteFile;

#define EXPECT_RUN_OK(r) EXPECT_EQ((r).exit_code, 0) << (r).Describe()
#define ASSERT_RUN_OK(r) ASSERT_EQ((r).exit_code, 0) << (r).Describe()

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string FindShell() {
  for (const char* p : {"/bin/bash", "/usr/bin/bash", "/bin/sh", "/usr/bin/sh"})
    if (::access(p, X_OK) == 0) return p;
  return "";
}

fs::path Canon(const fs::path& p) {
  std::error_code ec;
  return fs::weakly_canonical(p, ec);
}

// jvs --json ARGS in `cwd`; expects exit 0.
json JsonIn(const fs::path& cwd, std::vector<std::string> args) {
  args.insert(args.begin(), "--json");
  RunResult r = Jvs(cwd, args);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  if (r.exit_code != 0) return json();
  return r.Json();
}

json SnapJsonIn(const fs::path& cwd, const std::string& note) { return JsonIn(cwd, {"snapshot", note}); }

std::string SnapIn(const fs::path& cwd, const std::string& note) {
  json j = SnapJsonIn(cwd, note);
  return j.is_object() ? j.value("snapshot_id", "") : "";
}

// `worktree list --json` keyed by name.
std::map<std::string, json> ListByName(const fs::path& cwd) {
  std::map<std::string, json> out;
  json arr = JsonIn(cwd, {"worktree", "list"});
  EXPECT_TRUE(arr.is_array()) << arr.dump(2);
  if (!arr.is_array()) return out;
  for (const auto& e : arr) out[e.value("name", "")] = e;
  return out;
}

std::set<std::string> Names(const std::map<std::string, json>& m) {
  std::set<std::string> s;
  for (const auto& [k, v] : m) s.insert(k);
  return s;
}

// Notes of `history` (or `history --all`) in `cwd`, newest first.
std::vector<std::string> HistoryNotes(const fs::path& cwd, bool all = false) {
  std::vector<std::string> args = {"history"};
  if (all) args.push_back("--all");
  json h = JsonIn(cwd, args);
  std::vector<std::string> notes;
  if (h.is_array())
    for (const auto& e : h) notes.push_back(e.value("note", ""));
  return notes;
}

std::map<std::string, json> AllSnapshotsByNote(const fs::path& cwd) {
  std::map<std::string, json> out;
  json h = JsonIn(cwd, {"history", "--all"});
  if (h.is_array())
    for (const auto& e : h) out[e.value("note", "")] = e;
  return out;
}

size_t OpCount(const fs::path& cwd) {
  json log = JsonIn(cwd, {"op", "log"});
  return log.is_array() ? log.size() : 0;
}

// Sum of the sizes of the regular files below `dir`, and the bytes they
// occupy on disk (st_blocks).
struct DirSize {
  uint64_t bytes = 0;
  uint64_t disk = 0;
  uint64_t files = 0;
};
DirSize SizeOf(const fs::path& dir) {
  DirSize s;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    struct stat st {};
    if (::lstat(e.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    s.bytes += static_cast<uint64_t>(st.st_size);
    s.disk += static_cast<uint64_t>(st.st_blocks) * 512u;
    ++s.files;
  }
  return s;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

void MakeExecutable(const fs::path& p) {
  fs::permissions(p, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
}

// Error in text and JSON form (see ExpectError) with this JSON error code.
void ExpectErrorCode(const fs::path& cwd, const std::vector<std::string>& args, int exit_code,
                     const std::string& code, const std::string& message_part = "") {
  ExpectError(cwd, args, exit_code, message_part);
  std::vector<std::string> jargs = {"--json"};
  jargs.insert(jargs.end(), args.begin(), args.end());
  RunResult j = Jvs(cwd, jargs);
  json doc = json::parse(j.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << j.Describe();
  EXPECT_EQ(doc["error"].value("code", ""), code) << j.Describe();
}

class WorktreeTest : public RepoTest {
 protected:
  fs::path Default(const std::string& name) const { return Root() / "worktrees" / name; }

  // A small workspace with a subdirectory, an executable, a symlink and an
  // empty directory; snapshotted as "base".
  std::string MakeBase() {
    Write("a.txt", "alpha\n");
    Write("sub/b.txt", "bravo\n");
    Write("sub/deeper/c.txt", "charlie\n");
    Write("run.sh", "#!/bin/sh\necho hi\n");
    MakeExecutable(Ws() / "run.sh");
    fs::create_symlink("sub/b.txt", Ws() / "link");
    fs::create_directories(Ws() / "empty");
    return Snap("base");
  }

  // Forks NAME (from REF when given) in `cwd`; returns the fork's JSON.
  json Fork(const std::string& name, const std::string& ref = "", const fs::path& cwd = {}) {
    std::vector<std::string> args = {"worktree", "fork"};
    if (!ref.empty()) args.push_back(ref);
    args.push_back(name);
    return JsonIn(cwd.empty() ? Ws() : cwd, args);
  }
};

// ---------------------------------------------------------------------------
// fork, list, path

class WorktreeForkTest : public WorktreeTest {};

TEST_F(WorktreeForkTest, ForkListAndPath) {
  std::string base = MakeBase();
  RunResult r = Run({"worktree", "fork", "feat"});
  ASSERT_RUN_OK(r);
  const fs::path feat = Default("feat");
  EXPECT_TRUE(Contains(r.out, "Created worktree feat at " + feat.string() + " from " + base.substr(0, 8)))
      << r.Describe();
  ASSERT_TRUE(fs::is_directory(feat));
  EXPECT_EQ(ManifestDiff(TakeManifest(Ws()), TakeManifest(feat)), "") << "a fork holds the files of its REF";
  EXPECT_FALSE(fs::exists(feat / ".jvs")) << "a fork inside the repository root needs no pointer file";

  // The `wt` alias, and --json of fork.
  json j = JsonIn(Ws(), {"wt", "fork", "feat2"});
  EXPECT_EQ(j.value("name", ""), "feat2");
  EXPECT_EQ(Canon(j.value("path", "")), Canon(Default("feat2")));
  EXPECT_EQ(j.value("head_snapshot_id", ""), base);
  EXPECT_FALSE(j.value("engine", "").empty()) << j.dump(2);
  EXPECT_FALSE(j.value("op_id", "").empty()) << j.dump(2);

  // list --json: name, path, head_snapshot_id, latest_snapshot_id.
  auto list = ListByName(Ws());
  ASSERT_EQ(Names(list), (std::set<std::string>{"feat", "feat2", "main"}));
  for (const char* name : {"feat", "feat2", "main"})
    for (const char* k : {"name", "path", "head_snapshot_id", "latest_snapshot_id"})
      EXPECT_TRUE(list[name].contains(k)) << name << " lacks " << k << ": " << list[name].dump(2);
  EXPECT_EQ(Canon(list["main"].value("path", "")), Canon(Ws()));
  EXPECT_EQ(Canon(list["feat"].value("path", "")), Canon(feat));
  EXPECT_EQ(list["main"]["head_snapshot_id"], base);
  EXPECT_EQ(list["main"]["latest_snapshot_id"], base);
  EXPECT_EQ(list["feat"]["head_snapshot_id"], base);
  EXPECT_TRUE(list["feat"]["latest_snapshot_id"].is_null()) << "no snapshot made in feat yet";

  // Text list marks the current worktree, with `wt ls` / from inside feat too.
  RunResult lt = Run({"worktree", "list"});
  ASSERT_RUN_OK(lt);
  EXPECT_TRUE(Contains(lt.out, "* main  " + base.substr(0, 8) + "  " + Ws().string())) << lt.Describe();
  EXPECT_TRUE(Contains(lt.out, "  feat  " + base.substr(0, 8) + "  " + feat.string())) << lt.Describe();
  RunResult lf = Jvs(feat / "sub", {"wt", "ls"});
  ASSERT_RUN_OK(lf);
  EXPECT_TRUE(Contains(lf.out, "* feat  ")) << lf.Describe();
  EXPECT_TRUE(Contains(lf.out, "  main  ")) << lf.Describe();

  // path [NAME].
  RunResult p = Run({"worktree", "path", "feat"});
  ASSERT_RUN_OK(p);
  EXPECT_EQ(p.out, feat.string() + "\n");
  RunResult pm = Run({"worktree", "path"});
  EXPECT_EQ(pm.out, Ws().string() + "\n") << pm.Describe();
  RunResult pf = Jvs(feat / "sub" / "deeper", {"wt", "path"});
  EXPECT_EQ(pf.out, feat.string() + "\n") << pf.Describe();
  json pj = JsonIn(feat, {"worktree", "path", "main"});
  EXPECT_EQ(pj.value("name", ""), "main");
  EXPECT_EQ(Canon(pj.value("path", "")), Canon(Ws()));
  ExpectErrorCode(Ws(), {"worktree", "path", "nosuch"}, 1, "E_NOT_FOUND", "nosuch");

  // A fresh fork is clean.
  json st = JsonIn(feat, {"status"});
  EXPECT_EQ(st.value("worktree_name", ""), "feat");
  EXPECT_TRUE(st.value("clean", false)) << st.dump(2);
}

// `restore HEAD` means the worktree's latest snapshot; a new fork has made
// none yet, so it means its head there (status shows that head).
TEST_F(WorktreeForkTest, RestoreHeadInANewFork) {
  const std::string base = MakeBase();
  json f = Fork("nf");
  fs::path nf = f.value("path", "");
  ASSERT_FALSE(nf.empty()) << f.dump(2);
  WriteFile(nf / "a.txt", "changed in the fork\n");
  RunResult r = Jvs(nf, {"--json", "restore", "HEAD"});
  ASSERT_RUN_OK(r);
  EXPECT_EQ(r.Json().value("snapshot_id", ""), base);
  EXPECT_TRUE(r.Json()["captured_snapshot_id"].is_string()) << "the edit was saved first";
  EXPECT_EQ(ReadFile(nf / "a.txt"), "alpha\n");
}

TEST_F(WorktreeForkTest, FirstSnapshotInForkHasRefAsParent) {
  Write("v.txt", "version 1\n");
  std::string s1 = Snap("one");
  Write("v.txt", "version 2\n");
  std::string s2 = Snap("two", {"rel"});
  Write("v.txt", "version 3 (dirty, not in any snapshot)\n");

  // Explicit REF (an older snapshot): the fork holds its files.
  json old = Fork("old", s1.substr(0, 10));
  EXPECT_EQ(old.value("head_snapshot_id", ""), s1);
  EXPECT_EQ(ReadFile(Default("old") / "v.txt"), "version 1\n");
  WriteFile(Default("old") / "v.txt", "old line\n");
  json o1 = SnapJsonIn(Default("old"), "old first");
  EXPECT_EQ(o1.value("parent_id", ""), s1) << o1.dump(2);
  EXPECT_EQ(o1.value("worktree_name", ""), "old");
  EXPECT_EQ(HistoryNotes(Default("old")), (std::vector<std::string>{"old first", "one"}));

  // Default REF is @ (main's head, not its dirty files); a tag works too.
  json cur = Fork("cur");
  EXPECT_EQ(cur.value("head_snapshot_id", ""), s2);
  EXPECT_EQ(ReadFile(Default("cur") / "v.txt"), "version 2\n");
  EXPECT_EQ(SnapJsonIn(Default("cur"), "cur first").value("parent_id", ""), s2);
  json tagged = Fork("tagged", "rel");
  EXPECT_EQ(tagged.value("head_snapshot_id", ""), s2);
  EXPECT_EQ(SnapJsonIn(Default("tagged"), "tagged first").value("parent_id", ""), s2);

  // Main is unaffected by all this.
  EXPECT_EQ(Read("v.txt"), "version 3 (dirty, not in any snapshot)\n");
  EXPECT_EQ(HistoryNotes(Ws()), (std::vector<std::string>{"two", "one"}));
}

// A fork is cloned straight into its new directory and its tree state is
// written from what was cloned: its first snapshot re-reads nothing, yet a
// change made right after the fork is seen.
TEST_F(WorktreeForkTest, ForkNeedsNoRehashAndSeesChangesMadeRightAfter) {
  for (int i = 0; i < 40; ++i) Write("d" + std::to_string(i % 4) + "/f" + std::to_string(i) + ".txt", "file " + std::to_string(i) + "\n");
  Write("bin/run.sh", "#!/bin/sh\necho hi\n");
  ASSERT_EQ(::chmod((Ws() / "bin/run.sh").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("../d0/f0.txt", (Ws() / "bin/link").c_str()), 0);
  fs::create_directories(Ws() / "empty/dir");
  json base = SnapJsonIn(Ws(), "base");
  Fork("f");
  json first = JsonIn(Default("f"), {"snapshot", "in fork"});
  EXPECT_EQ(first.value("hashed_files", -1), 0) << first.dump(2);
  EXPECT_EQ(first.value("payload_root_hash", ""), base.value("payload_root_hash", "")) << first.dump(2);
  EXPECT_TRUE(fs::is_directory(Default("f") / "empty/dir"));
  EXPECT_EQ(fs::read_symlink(Default("f") / "bin/link"), "../d0/f0.txt");
  struct stat st {};
  ASSERT_EQ(::stat((Default("f") / "bin/run.sh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);

  // Same size, written immediately after a fresh fork: still detected.
  Fork("g");
  WriteFile(Default("g") / "d1/f1.txt", "FILE 1\n");
  json changed = JsonIn(Default("g"), {"snapshot", "changed"});
  EXPECT_NE(changed.value("payload_root_hash", ""), base.value("payload_root_hash", "")) << changed.dump(2);
  EXPECT_EQ(changed.value("hashed_files", -1), 1) << changed.dump(2);
}

TEST_F(WorktreeForkTest, ForkOfAFork) {
  std::string base = MakeBase();
  Fork("a");
  const fs::path a = Default("a");
  WriteFile(a / "sub/b.txt", "bravo in a\n");
  WriteFile(a / "a-only.txt", "a\n");
  std::string a1 = SnapIn(a, "a1");
  // From inside worktree a (a subdirectory), default REF @ is a's head.
  json bj = Fork("b", "", a / "sub" / "deeper");
  EXPECT_EQ(bj.value("head_snapshot_id", ""), a1);
  const fs::path b = Default("b");
  EXPECT_EQ(Canon(bj.value("path", "")), Canon(b)) << "forks go to ROOT/worktrees, whoever forks them";
  EXPECT_EQ(ManifestDiff(TakeManifest(a), TakeManifest(b)), "");
  WriteFile(b / "b-only.txt", "b\n");
  std::string b1 = SnapIn(b, "b1");
  json bh = JsonIn(b, {"history"});
  ASSERT_EQ(bh.size(), 3u) << bh.dump(2);
  EXPECT_EQ(bh[0]["snapshot_id"], b1);
  EXPECT_EQ(bh[0]["parent_id"], a1);
  EXPECT_EQ(bh[1]["snapshot_id"], a1);
  EXPECT_EQ(bh[2]["snapshot_id"], base);
  EXPECT_EQ(HistoryNotes(a), (std::vector<std::string>{"a1", "base"}));
  EXPECT_EQ(HistoryNotes(Ws()), (std::vector<std::string>{"base"}));
  EXPECT_FALSE(fs::exists(a / "b-only.txt"));
  EXPECT_FALSE(fs::exists(Ws() / "a-only.txt"));

  // A fork of the fork of the fork, by REF from main.
  json cj = Fork("c", b1.substr(0, 8));
  EXPECT_EQ(ManifestDiff(TakeManifest(b), TakeManifest(Default("c"))), "");
  WriteFile(Default("c") / "c.txt", "c\n");
  json c1 = SnapJsonIn(Default("c"), "c1");
  EXPECT_EQ(c1.value("parent_id", ""), b1);
  EXPECT_EQ(HistoryNotes(Default("c")), (std::vector<std::string>{"c1", "b1", "a1", "base"}));
  EXPECT_EQ(HistoryNotes(Ws(), true).size(), 4u);
}

TEST_F(WorktreeForkTest, PathOptionAndRefusals) {
  MakeBase();
  // --path relative to the current directory, outside the repository root.
  fs::create_directories(Tmp() / "elsewhere");
  json j = JsonIn(Ws() / "sub", {"worktree", "fork", "out", "--path", "../../../elsewhere/out"});
  const fs::path out = Tmp() / "elsewhere" / "out";
  EXPECT_EQ(Canon(j.value("path", "")), Canon(out)) << j.dump(2);
  ASSERT_TRUE(fs::is_directory(out));
  EXPECT_TRUE(fs::is_regular_file(out / ".jvs")) << "a worktree outside the root names its repository";
  EXPECT_EQ(ManifestDiff(TakeManifest(Ws()), TakeManifest(out)), "");
  EXPECT_EQ(Canon(ListByName(Ws())["out"].value("path", "")), Canon(out));
  // Commands there (and below) find the repository and the worktree.
  json st = JsonIn(out / "sub" / "deeper", {"status"});
  EXPECT_EQ(st.value("worktree_name", ""), "out");
  EXPECT_TRUE(st.value("clean", false)) << "the pointer file is not a change: " << st.dump(2);
  WriteFile(out / "sub/deeper/c.txt", "changed outside\n");
  json d = JsonIn(out / "sub", {"diff"});
  EXPECT_EQ(d.value("total_modified", -1), 1) << d.dump(2);
  EXPECT_FALSE(Contains(d.dump(), ".jvs")) << d.dump(2);
  json s = SnapJsonIn(out / "sub", "outside");
  EXPECT_EQ(s.value("worktree_name", ""), "out");
  json diff = JsonIn(Ws(), {"diff", "base", s.value("snapshot_id", "")});
  EXPECT_FALSE(Contains(diff.dump(), ".jvs")) << diff.dump(2);
  EXPECT_EQ(diff.value("total_modified", -1) + diff.value("total_added", -1), 1) << diff.dump(2);

  // --path into an empty existing directory is fine; a non-empty one is refused untouched.
  fs::create_directories(Tmp() / "empty-dir");
  EXPECT_RUN_OK(Run({"wt", "fork", "e", "--path", (Tmp() / "empty-dir").string()}));
  EXPECT_TRUE(fs::exists(Tmp() / "empty-dir" / "a.txt"));
  WriteFile(Tmp() / "full" / "keep.txt", "mine\n");
  auto before = DumpTree(Tmp() / "full");
  ExpectErrorCode(Ws(), {"wt", "fork", "f", "--path", (Tmp() / "full").string()}, 1, "E_ALREADY_EXISTS");
  EXPECT_EQ(DumpTree(Tmp() / "full"), before);

  // Existing name, invalid names, unknown REF: refused, nothing created.
  ExpectErrorCode(Ws(), {"wt", "fork", "out"}, 1, "E_ALREADY_EXISTS", "out");
  ExpectErrorCode(Ws(), {"wt", "fork", "main"}, 1, "E_ALREADY_EXISTS", "main");
  for (const std::string bad : {"a b", "-x", ".hidden", "@", "HEAD", "latest", "a~1", "a:b", "x/y", "a\\b"})
    ExpectErrorCode(Ws(), {"wt", "fork", "--", bad}, 2, "E_INVALID_ARGUMENT");
  ExpectErrorCode(Ws(), {"wt", "fork", "nosuchref", "g"}, 1, "E_NOT_FOUND");
  EXPECT_FALSE(fs::exists(Default("g")));
  EXPECT_EQ(Names(ListByName(Ws())), (std::set<std::string>{"e", "main", "out"}));
  std::set<std::string> dirs;
  for (const auto& n : ListDirNames(Root() / "worktrees")) dirs.insert(n);
  EXPECT_TRUE(dirs.empty()) << "only forks at default paths live in ROOT/worktrees";
}

TEST_F(WorktreeForkTest, CommandsInsideAWorktreeActOnIt) {
  std::string base = MakeBase();
  Fork("feat");
  const fs::path feat = Default("feat");
  const fs::path deep = feat / "sub" / "deeper";
  WriteFile(deep / "c.txt", "charlie in feat\n");
  json st = JsonIn(deep, {"status"});
  EXPECT_EQ(st.value("worktree_name", ""), "feat");
  EXPECT_EQ(Canon(st.value("path", "")), Canon(feat));
  EXPECT_EQ(st.value("total_modified", -1), 1) << st.dump(2);
  RunResult names = Jvs(deep, {"diff", "--name-only"});
  EXPECT_RUN_OK(names);
  EXPECT_TRUE(Contains(names.out, "sub/deeper/c.txt")) << names.Describe();
  json s = SnapJsonIn(deep, "in feat");
  EXPECT_EQ(s.value("worktree_name", ""), "feat");
  EXPECT_EQ(s.value("parent_id", ""), base);
  // Main did not move and did not see the change.
  EXPECT_TRUE(JsonIn(Ws(), {"status"}).value("clean", false));
  EXPECT_EQ(HistoryNotes(Ws()), (std::vector<std::string>{"base"}));
  EXPECT_EQ(HistoryNotes(deep), (std::vector<std::string>{"in feat", "base"}));
  EXPECT_EQ(ListByName(Ws())["main"]["head_snapshot_id"], base);
  // restore inside the worktree changes the worktree only.
  EXPECT_RUN_OK(Jvs(deep, {"restore", "base"}));
  EXPECT_EQ(ReadFile(deep / "c.txt"), "charlie\n");
  EXPECT_EQ(ListByName(Ws())["feat"]["head_snapshot_id"], base);
  // -R with the worktree's path acts on the worktree too.
  json rs = JsonIn(Tmp(), {"-R", feat.string(), "status"});
  EXPECT_EQ(rs.value("worktree_name", ""), "feat") << rs.dump(2);
}

// ---------------------------------------------------------------------------
// rename

class WorktreeRenameTest : public WorktreeTest {};

TEST_F(WorktreeRenameTest, DirectoryAndRecordMoveTogether) {
  std::string base = MakeBase();
  Fork("feat");
  WriteFile(Default("feat") / "f.txt", "feat 1\n");
  std::string f1 = SnapIn(Default("feat"), "f1");
  WriteFile(Default("feat") / "dirty.txt", "not snapshotted\n");
  const Manifest before = TakeManifest(Default("feat"));
  const ino_t ino = InodeOf(Default("feat"));

  RunResult r = Run({"worktree", "rename", "feat", "exp"});
  ASSERT_RUN_OK(r);
  const fs::path exp = Default("exp");
  EXPECT_TRUE(Contains(r.out, "Renamed worktree feat to exp (" + exp.string() + ")")) << r.Describe();
  EXPECT_FALSE(fs::exists(Default("feat")));
  ASSERT_TRUE(fs::is_directory(exp));
  EXPECT_EQ(InodeOf(exp), ino) << "the directory is moved, not copied";
  EXPECT_EQ(ManifestDiff(before, TakeManifest(exp)), "");
  EXPECT_TRUE(fs::exists(Root() / ".jvs/worktrees/exp/path"));
  EXPECT_FALSE(fs::exists(Root() / ".jvs/worktrees/feat"));

  auto list = ListByName(Ws());
  EXPECT_EQ(Names(list), (std::set<std::string>{"exp", "main"}));
  EXPECT_EQ(list["exp"]["head_snapshot_id"], f1);
  EXPECT_EQ(list["exp"]["latest_snapshot_id"], f1);
  EXPECT_EQ(Canon(list["exp"].value("path", "")), Canon(exp));
  EXPECT_EQ(Run({"wt", "path", "exp"}).out, exp.string() + "\n");
  ExpectErrorCode(Ws(), {"wt", "path", "feat"}, 1, "E_NOT_FOUND");

  // The renamed worktree carries on: same dirty change, same line, new name.
  json st = JsonIn(exp / "sub", {"status"});
  EXPECT_EQ(st.value("worktree_name", ""), "exp");
  EXPECT_EQ(st.value("total_added", -1), 1) << st.dump(2);
  json s2 = SnapJsonIn(exp, "after rename");
  EXPECT_EQ(s2.value("worktree_name", ""), "exp");
  EXPECT_EQ(s2.value("parent_id", ""), f1);
  EXPECT_EQ(HistoryNotes(exp), (std::vector<std::string>{"after rename", "f1", "base"}));

  // JSON form, and back to the old name.
  json rj = JsonIn(Ws(), {"wt", "rename", "exp", "feat"});
  EXPECT_EQ(rj.value("old_name", ""), "exp");
  EXPECT_EQ(rj.value("name", ""), "feat");
  EXPECT_EQ(Canon(rj.value("path", "")), Canon(Default("feat")));
  EXPECT_TRUE(fs::is_directory(Default("feat")));
  EXPECT_FALSE(fs::exists(exp));
  EXPECT_EQ(JsonIn(Default("feat"), {"status"}).value("worktree_name", ""), "feat");
}

TEST_F(WorktreeRenameTest, RefusedWithAClearReasonAndNothingChanges) {
  MakeBase();
  Fork("feat");
  Fork("other");
  WriteFile(Default("feat") / "x.txt", "x\n");
  WriteFile(Root() / "worktrees" / "squatter" / "mine.txt", "not a worktree\n");
  const auto tree_before = DumpTree(Root() / "worktrees");
  const auto list_before = ListByName(Ws());
  const size_t ops_before = OpCount(Ws());

  ExpectErrorCode(Ws(), {"wt", "rename", "main", "trunk"}, 1, "E_REFUSED", "main");
  ExpectErrorCode(Ws(), {"wt", "rename", "feat", "other"}, 1, "E_ALREADY_EXISTS", "other");
  ExpectErrorCode(Ws(), {"wt", "rename", "feat", "main"}, 1, "E_ALREADY_EXISTS", "main");
  ExpectErrorCode(Ws(), {"wt", "rename", "nosuch", "new"}, 1, "E_NOT_FOUND", "nosuch");
  ExpectErrorCode(Ws(), {"wt", "rename", "feat", "squatter"}, 1, "E_ALREADY_EXISTS", "squatter");
  for (const std::string bad : {"a b", "-x", ".hidden", "@", "HEAD", "latest", "a~1", "a:b", "x/y", "../up"})
    ExpectErrorCode(Ws(), {"wt", "rename", "--", "feat", bad}, 2, "E_INVALID_ARGUMENT");

  EXPECT_EQ(DumpTree(Root() / "worktrees"), tree_before);
  EXPECT_EQ(ListByName(Ws()), list_before);
  EXPECT_EQ(OpCount(Ws()), ops_before) << "a refused rename publishes nothing";
  EXPECT_EQ(JsonIn(Default("feat"), {"status"}).value("worktree_name", ""), "feat");
}

TEST_F(WorktreeRenameTest, WorktreeOutsideDefaultPlaceKeepsItsDirectory) {
  MakeBase();
  const fs::path dir = Tmp() / "custom";
  ASSERT_RUN_OK(Run({"wt", "fork", "c1", "--path", dir.string()}));
  ASSERT_RUN_OK(Run({"wt", "rename", "c1", "c2"}));
  EXPECT_TRUE(fs::is_directory(dir)) << "a worktree given --path stays where it is";
  EXPECT_EQ(Canon(ListByName(Ws())["c2"].value("path", "")), Canon(dir));
  EXPECT_EQ(JsonIn(dir / "sub", {"status"}).value("worktree_name", ""), "c2");
}

// ---------------------------------------------------------------------------
// remove

class WorktreeRemoveTest : public WorktreeTest {
 protected:
  // Makes every kind of dirty change in `dir`.
  void Dirty(const fs::path& dir) {
    WriteFile(dir / "a.txt", "alpha, edited\n");
    WriteFile(dir / "sub/new.bin", std::string("\0\1\2binary\n", 10));
    fs::remove(dir / "sub/deeper/c.txt");
    MakeExecutable(dir / "sub/b.txt");
    fs::remove(dir / "link");
    fs::create_symlink("a.txt", dir / "link");
    fs::create_directories(dir / "new-empty");
  }
};

TEST_F(WorktreeRemoveTest, DirtyFilesAreSavedAndUndoBringsTheWorktreeBack) {
  MakeBase();
  Fork("feat");
  const fs::path feat = Default("feat");
  WriteFile(feat / "f.txt", "f\n");
  std::string f1 = SnapIn(feat, "f1");
  Dirty(feat);
  const Manifest dirty = TakeManifest(feat);
  const size_t snaps_before = JsonIn(Ws(), {"history", "--all"}).size();

  RunResult r = Run({"worktree", "remove", "feat"});
  ASSERT_RUN_OK(r);
  EXPECT_TRUE(Contains(r.out, "Saved uncommitted changes as snapshot ")) << r.Describe();
  EXPECT_TRUE(Contains(r.out, "Removed worktree feat")) << r.Describe();
  EXPECT_TRUE(Contains(r.out, "jvs undo")) << r.Describe();
  EXPECT_FALSE(fs::exists(feat));
  EXPECT_EQ(Names(ListByName(Ws())), (std::set<std::string>{"main"}));
  ExpectErrorCode(Ws(), {"wt", "path", "feat"}, 1, "E_NOT_FOUND");

  // The saved state is a visible snapshot whose parent is feat's head.
  auto all = AllSnapshotsByNote(Ws());
  EXPECT_EQ(all.size(), snaps_before + 1);
  ASSERT_TRUE(all.count("saved before removing worktree feat")) << JsonIn(Ws(), {"history", "--all"}).dump(2);
  const json& cap = all["saved before removing worktree feat"];
  EXPECT_EQ(cap["parent_id"], f1);
  EXPECT_EQ(cap.value("worktree_name", ""), "feat");
  EXPECT_TRUE(all.count("f1")) << "the removed worktree's snapshots stay visible";

  RunResult u = Run({"undo"});
  ASSERT_RUN_OK(u);
  ASSERT_TRUE(fs::is_directory(feat)) << u.Describe();
  EXPECT_EQ(ManifestDiff(dirty, TakeManifest(feat)), "") << "undo brings the files back byte-identical";
  // Exactly as before the removal: at its head f1, the edits uncommitted
  // again (the saved snapshot stays visible, not made the head).
  auto list = ListByName(Ws());
  EXPECT_EQ(Names(list), (std::set<std::string>{"feat", "main"}));
  EXPECT_EQ(list["feat"]["head_snapshot_id"], f1);
  json st = JsonIn(feat, {"status"});
  EXPECT_EQ(st.value("worktree_name", ""), "feat");
  EXPECT_FALSE(st.value("clean", true)) << st.dump(2);
  EXPECT_EQ(HistoryNotes(feat), (std::vector<std::string>{"f1", "base"}));
  EXPECT_TRUE(AllSnapshotsByNote(Ws()).count("saved before removing worktree feat"));
  // And it works as a worktree again: the next snapshot holds the edits.
  WriteFile(feat / "after.txt", "after\n");
  json after = SnapJsonIn(feat, "after undo");
  EXPECT_EQ(after.value("parent_id", ""), f1);
  ASSERT_RUN_OK(Jvs(feat, {"restore", "--json", cap["snapshot_id"].get<std::string>()}));
  EXPECT_EQ(ManifestDiff(dirty, TakeManifest(feat)), "") << "the saved snapshot holds the dirty files";
}

TEST_F(WorktreeRemoveTest, ForceSkipsTheCaptureAndSaysSo) {
  std::string base = MakeBase();
  Fork("feat");
  const fs::path feat = Default("feat");
  const Manifest clean = TakeManifest(feat);
  Dirty(feat);
  const size_t snaps_before = JsonIn(Ws(), {"history", "--all"}).size();

  RunResult r = Run({"wt", "remove", "feat", "--force"});
  ASSERT_RUN_OK(r);
  EXPECT_TRUE(Contains(r.out, "--force")) << r.Describe();
  EXPECT_TRUE(Contains(r.out, "without saving")) << r.Describe();
  EXPECT_FALSE(Contains(r.out, "Saved uncommitted changes")) << r.Describe();
  EXPECT_FALSE(fs::exists(feat));
  EXPECT_EQ(JsonIn(Ws(), {"history", "--all"}).size(), snaps_before) << "nothing was captured";
  // undo brings the worktree back at its head: the dirty changes are gone.
  ASSERT_RUN_OK(Run({"undo"}));
  ASSERT_TRUE(fs::is_directory(feat));
  EXPECT_EQ(ManifestDiff(clean, TakeManifest(feat)), "");
  EXPECT_EQ(ListByName(Ws())["feat"]["head_snapshot_id"], base);

  // JSON form.
  WriteFile(feat / "a.txt", "dirty again\n");
  json j = JsonIn(Ws(), {"worktree", "rm", "feat", "--force"});
  EXPECT_EQ(j.value("name", ""), "feat");
  EXPECT_EQ(j.value("forced", false), true);
  EXPECT_TRUE(j["captured_snapshot_id"].is_null()) << j.dump(2);
  EXPECT_FALSE(j.value("op_id", "").empty());
}

TEST_F(WorktreeRemoveTest, CleanRemovalCapturesNothingAndMainStays) {
  MakeBase();
  Fork("feat");
  const size_t snaps_before = JsonIn(Ws(), {"history", "--all"}).size();
  json j = JsonIn(Ws(), {"wt", "remove", "feat"});
  EXPECT_TRUE(j["captured_snapshot_id"].is_null()) << j.dump(2);
  EXPECT_EQ(j.value("forced", true), false);
  EXPECT_EQ(Canon(j.value("path", "")), Canon(Default("feat")));
  EXPECT_EQ(JsonIn(Ws(), {"history", "--all"}).size(), snaps_before);
  EXPECT_FALSE(fs::exists(Default("feat")));

  const auto ws_before = DumpTree(Ws());
  ExpectErrorCode(Ws(), {"wt", "remove", "main"}, 1, "E_REFUSED", "main");
  ExpectErrorCode(Ws(), {"wt", "remove", "main", "--force"}, 1, "E_REFUSED", "main");
  ExpectErrorCode(Ws(), {"wt", "remove", "nosuch"}, 1, "E_NOT_FOUND", "nosuch");
  EXPECT_EQ(DumpTree(Ws()), ws_before);
  EXPECT_EQ(Names(ListByName(Ws())), (std::set<std::string>{"main"}));
}

// ---------------------------------------------------------------------------
// `init --here` repositories: forks beside the workspace, found via `.jvs`

class WorktreeHereTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(Proj() / "p.txt", "p\n");
    WriteFile(Proj() / "src/m.c", "int main(void) { return 0; }\n");
    fs::create_directories(Proj() / "empty");
    RunResult r = Jvs(Proj(), {"init", "--here"});
    ASSERT_RUN_OK(r);
    base_ = SnapIn(Proj(), "base");
  }
  fs::path Proj() const { return tmp_.path() / "proj"; }
  fs::path Beside(const std::string& name) const { return tmp_.path() / "proj.worktrees" / name; }

  jvs::testing::TempDir tmp_;
  std::string base_;
};

TEST_F(WorktreeHereTest, ForksLiveBesideTheWorkspaceAndFindTheRepository) {
  json f = JsonIn(Proj(), {"worktree", "fork", "exp"});
  const fs::path exp = Beside("exp");
  EXPECT_EQ(Canon(f.value("path", "")), Canon(exp)) << f.dump(2);
  ASSERT_TRUE(fs::is_directory(exp));
  ASSERT_TRUE(fs::is_regular_file(exp / ".jvs"));
  EXPECT_TRUE(Contains(ReadFile(exp / ".jvs"), Proj().string())) << ReadFile(exp / ".jvs");
  EXPECT_EQ(ManifestDiff(TakeManifest(Proj()), TakeManifest(exp)), "");
  EXPECT_FALSE(fs::exists(Proj() / "worktrees")) << "nothing is added to the workspace";
  EXPECT_TRUE(JsonIn(Proj(), {"status"}).value("clean", false));

  // Found from the fork and from below it; the pointer file is never a change.
  for (const fs::path& cwd : {exp, exp / "src", exp / "empty"}) {
    json st = JsonIn(cwd, {"status"});
    EXPECT_EQ(st.value("worktree_name", ""), "exp") << cwd;
    EXPECT_TRUE(st.value("clean", false)) << cwd << ": " << st.dump(2);
    EXPECT_EQ(Jvs(cwd, {"wt", "path"}).out, exp.string() + "\n");
  }
  WriteFile(exp / "p.txt", "p in exp\n");
  WriteFile(exp / "src/new.c", "new\n");
  json st = JsonIn(exp / "src", {"status"});
  EXPECT_EQ(st.value("total_modified", -1), 1) << st.dump(2);
  EXPECT_EQ(st.value("total_added", -1), 1) << st.dump(2);
  EXPECT_FALSE(Contains(st.dump(), ".jvs")) << st.dump(2);
  RunResult d = Jvs(exp, {"diff", "--name-only"});
  EXPECT_RUN_OK(d);
  EXPECT_FALSE(Contains(d.out, ".jvs")) << d.Describe();
  json s = SnapJsonIn(exp / "src", "exp one");
  EXPECT_EQ(s.value("worktree_name", ""), "exp");
  EXPECT_EQ(s.value("parent_id", ""), base_);
  EXPECT_EQ(s.value("files", -1), 3) << "p.txt, src/m.c, src/new.c and nothing else: " << s.dump(2);
  const std::string e1 = s.value("snapshot_id", "");
  json diff = JsonIn(Proj(), {"diff", base_, e1});
  EXPECT_FALSE(Contains(diff.dump(), ".jvs")) << diff.dump(2);
  EXPECT_EQ(diff.value("total_added", -1), 1);
  EXPECT_EQ(diff.value("total_removed", -1), 0);
  EXPECT_EQ(HistoryNotes(exp), (std::vector<std::string>{"exp one", "base"}));
  EXPECT_EQ(HistoryNotes(Proj()), (std::vector<std::string>{"base"}));

  // Restoring the fork's snapshot in the root workspace brings its files only.
  ASSERT_RUN_OK(Jvs(Proj(), {"restore", e1}));
  EXPECT_EQ(ManifestDiff(TakeManifest(exp), TakeManifest(Proj())), "");
  EXPECT_TRUE(fs::is_directory(Proj() / ".jvs"));
  ASSERT_RUN_OK(Jvs(Proj(), {"restore", base_}));

  // A fork of the fork also goes beside the workspace, not inside exp.
  json f2 = JsonIn(exp / "src", {"wt", "fork", "exp2"});
  EXPECT_EQ(Canon(f2.value("path", "")), Canon(Beside("exp2")));
  EXPECT_EQ(f2.value("head_snapshot_id", ""), e1);
  EXPECT_EQ(ManifestDiff(TakeManifest(exp), TakeManifest(Beside("exp2"))), "");
  EXPECT_TRUE(JsonIn(Beside("exp2"), {"status"}).value("clean", false));

  // Renamed: the directory moves with its pointer and keeps finding the repository.
  ASSERT_RUN_OK(Jvs(Proj(), {"wt", "rename", "exp", "exp3"}));
  EXPECT_FALSE(fs::exists(exp));
  json st3 = JsonIn(Beside("exp3") / "src", {"status"});
  EXPECT_EQ(st3.value("worktree_name", ""), "exp3");
  EXPECT_TRUE(st3.value("clean", false)) << st3.dump(2);
  EXPECT_EQ(HistoryNotes(Beside("exp3")), (std::vector<std::string>{"exp one", "base"}));
}

TEST_F(WorktreeHereTest, UndoOfRemovalBringsBackAWorkingWorktree) {
  ASSERT_RUN_OK(Jvs(Proj(), {"wt", "fork", "exp"}));
  const fs::path exp = Beside("exp");
  WriteFile(exp / "p.txt", "dirty in exp\n");
  const Manifest dirty = TakeManifest(exp);
  ASSERT_RUN_OK(Jvs(Proj(), {"wt", "remove", "exp"}));
  EXPECT_FALSE(fs::exists(exp));
  ASSERT_RUN_OK(Jvs(Proj(), {"undo"}));
  ASSERT_TRUE(fs::is_directory(exp));
  EXPECT_EQ(ManifestDiff(dirty, TakeManifest(exp)), "");
  RunResult st = Jvs(exp, {"--json", "status"});
  ASSERT_TRUE(st.exit_code == 0 && fs::exists(exp / ".jvs"))
      << "after 'jvs undo' of 'worktree remove', a worktree outside the repository root (init --here fork) "
         "is recreated without its '.jvs' pointer file, so no command works in it:\n"
      << st.Describe();
  EXPECT_EQ(st.Json().value("worktree_name", ""), "exp");
  // Back at its head with the edit uncommitted again, as before the removal.
  EXPECT_FALSE(st.Json().value("clean", true)) << st.Describe();
  EXPECT_EQ(st.Json()["modified"].size(), 1u) << st.Describe();
}

// ---------------------------------------------------------------------------
// parallel use

class WorktreeConcurrencyTest : public WorktreeTest {};

TEST_F(WorktreeConcurrencyTest, ParallelSnapshotsKeepIndependentHistories) {
  const std::string shell = FindShell();
  if (shell.empty()) GTEST_SKIP() << "no shell found";
  Write("shared.txt", "shared\n");
  std::string base = Snap("base");
  Fork("a");
  const std::map<std::string, fs::path> dirs = {{"main", Ws()}, {"a", Default("a")}};
  constexpr int kSnaps = 6;
  const fs::path go = Tmp() / "go";
  auto env = CleanEnv({{"JVS", std::string(JVS_BINARY)}, {"GO", go.string()}, {"JVS_LOCK_TIMEOUT_MS", "30000"}});
  const std::string script =
      "while [ ! -e \"$GO\" ]; do sleep 0.005; done; "
      "for i in $(seq 1 " + std::to_string(kSnaps) + "); do "
      "  printf '%s %s\\n' \"$W\" \"$i\" > own.txt; printf '%s\\n' \"$i\" >> \"$W.log\"; "
      "  \"$JVS\" -q snapshot \"$W-$i\" >/dev/null || exit 1; "
      "done";
  std::vector<std::unique_ptr<BackgroundProcess>> procs;
  for (const auto& [name, dir] : dirs) {
    auto e = env;
    e["W"] = name;
    procs.push_back(std::make_unique<BackgroundProcess>(dir, std::vector<std::string>{shell, "-c", script}, e,
                                                        Tmp() / ("log-" + name)));
  }
  WriteFile(go, "go\n");
  for (auto& p : procs) EXPECT_EQ(p->Wait(std::chrono::seconds(60)), 0) << p->Err();

  for (const auto& [name, dir] : dirs) {
    json h = JsonIn(dir, {"history"});
    ASSERT_EQ(h.size(), static_cast<size_t>(kSnaps + 1)) << name << ": " << h.dump(2);
    for (int i = 0; i < kSnaps; ++i) {
      const json& e = h[static_cast<size_t>(i)];
      EXPECT_EQ(e.value("note", ""), name + "-" + std::to_string(kSnaps - i)) << name;
      EXPECT_EQ(e.value("worktree_name", ""), name);
      EXPECT_EQ(e["parent_id"], h[static_cast<size_t>(i + 1)]["snapshot_id"]) << name << " line is broken";
    }
    EXPECT_EQ(h[static_cast<size_t>(kSnaps)]["snapshot_id"], base);
    EXPECT_EQ(ReadFile(dir / "own.txt"), name + " " + std::to_string(kSnaps) + "\n");
    json st = JsonIn(dir, {"status"});
    EXPECT_EQ(st.value("worktree_name", ""), name);
    EXPECT_EQ(st.value("total_modified", -1), 0) << st.dump(2);
    EXPECT_FALSE(fs::exists(dir / ((name == "a" ? "main" : "a") + std::string(".log"))))
        << "the other worktree's files never arrive here";
  }
  auto all = AllSnapshotsByNote(Ws());
  EXPECT_EQ(all.size(), static_cast<size_t>(2 * kSnaps + 1));
  for (const auto& [name, dir] : dirs)
    for (int i = 1; i <= kSnaps; ++i) EXPECT_TRUE(all.count(name + "-" + std::to_string(i))) << name << i;
  auto list = ListByName(Ws());
  EXPECT_EQ(list["a"]["head_snapshot_id"], JsonIn(Default("a"), {"history"})[0]["snapshot_id"]);
  EXPECT_EQ(list["main"]["head_snapshot_id"], JsonIn(Ws(), {"history"})[0]["snapshot_id"]);
}

TEST_F(WorktreeConcurrencyTest, RenameAndRemoveWhileAnotherWorktreeIsInUse) {
  const std::string shell = FindShell();
  if (shell.empty()) GTEST_SKIP() << "no shell found";
  MakeBase();
  Fork("a");
  Fork("b");
  Fork("c");
  const fs::path a = Default("a");
  WriteFile(Default("b") / "b.txt", "b\n");
  std::string b1 = SnapIn(Default("b"), "b1");
  const Manifest b_files = TakeManifest(Default("b"));
  WriteFile(Default("c") / "c-dirty.txt", "unsaved in c\n");

  const fs::path started = Tmp() / "started", stop = Tmp() / "stop";
  auto env = CleanEnv({{"JVS", std::string(JVS_BINARY)},
                       {"JVS_LOCK_TIMEOUT_MS", "30000"},
                       {"STARTED", started.string()},
                       {"STOP", stop.string()}});
  // A shell sitting in a/sub, and snapshots running in a all the while: the
  // loop keeps snapshotting from before the rename until after the removal.
  Child sh(a / "sub", {shell, "-c",
                       "echo ready; read line; pwd -P; cat b.txt; \"$JVS\" --json status; echo \"rc=$?\""},
           env);
  ASSERT_TRUE(sh.WaitForOutput("ready\n", std::chrono::seconds(10))) << sh.out();
  const std::string loop =
      "i=0; while [ $i -lt 3 ] || [ ! -e \"$STOP\" ]; do i=$((i+1)); printf '%s\\n' \"$i\" > sub/counter.txt; "
      "\"$JVS\" -q snapshot \"a-$i\" >/dev/null || exit 1; [ $i -eq 1 ] && : > \"$STARTED\"; "
      "[ $i -ge 200 ] && exit 2; done; exit 0";
  BackgroundProcess busy(a, {shell, "-c", loop}, env, Tmp() / "busy");
  for (int i = 0; i < 2000 && !fs::exists(started) && busy.running(); ++i) {
    (void)busy.Poll();
    ::usleep(5000);
  }
  ASSERT_TRUE(fs::exists(started)) << busy.Err();

  RunResult rn = Run({"wt", "rename", "b", "b2"});
  RunResult rm = Run({"wt", "remove", "c"});
  EXPECT_RUN_OK(rn);
  EXPECT_RUN_OK(rm);
  const bool overlapped = !busy.Poll().has_value();
  WriteFile(stop, "");
  EXPECT_EQ(busy.Wait(std::chrono::seconds(60)), 0) << busy.Err();
  EXPECT_TRUE(overlapped) << "the snapshot loop in a ended before the rename and removal";
  const int n = std::stoi(ReadFile(a / "sub/counter.txt"));
  std::cout << "[ inuse    ] " << n << " snapshots in worktree a while b was renamed and c removed\n";

  RunResult out = sh.Finish("go\n", std::chrono::seconds(20));
  ASSERT_RUN_OK(out);
  EXPECT_TRUE(Contains(out.out, fs::canonical(a / "sub").string() + "\nbravo\n")) << out.Describe();
  EXPECT_TRUE(Contains(out.out, "\"worktree_name\": \"a\"")) << out.Describe();
  EXPECT_TRUE(Contains(out.out, "rc=0")) << out.Describe();

  // a: all its snapshots, on its own line.
  std::vector<std::string> expect_a;
  for (int i = n; i >= 1; --i) expect_a.push_back("a-" + std::to_string(i));
  expect_a.push_back("base");
  EXPECT_EQ(HistoryNotes(a), expect_a);
  // b is b2 now, at the new place, same files and line.
  EXPECT_FALSE(fs::exists(Default("b")));
  EXPECT_EQ(ManifestDiff(b_files, TakeManifest(Default("b2"))), "");
  EXPECT_EQ(HistoryNotes(Default("b2")), (std::vector<std::string>{"b1", "base"}));
  // c is gone, its unsaved file captured.
  EXPECT_FALSE(fs::exists(Default("c")));
  auto all = AllSnapshotsByNote(Ws());
  EXPECT_TRUE(all.count("saved before removing worktree c"));
  auto list = ListByName(Ws());
  EXPECT_EQ(Names(list), (std::set<std::string>{"a", "b2", "main"}));
  EXPECT_EQ(list["b2"]["head_snapshot_id"], b1);
  EXPECT_EQ(list["a"]["head_snapshot_id"], all["a-" + std::to_string(n)]["snapshot_id"]);
}

TEST_F(WorktreeConcurrencyTest, ShellInsideARenamedOrRemovedWorktree) {
  const std::string shell = FindShell();
  if (shell.empty()) GTEST_SKIP() << "no shell found";
  MakeBase();
  Fork("b");
  const fs::path step1 = Tmp() / "step1", step2 = Tmp() / "step2";
  auto env = CleanEnv({{"JVS", std::string(JVS_BINARY)}, {"S1", step1.string()}, {"S2", step2.string()}});
  Child sh(Default("b") / "sub",
           {shell, "-c",
            "echo ready; while [ ! -e \"$S1\" ]; do sleep 0.005; done; "
            "pwd -P; \"$JVS\" wt path; \"$JVS\" --json status; echo \"rc1=$?\"; echo step1-done; "
            "while [ ! -e \"$S2\" ]; do sleep 0.005; done; \"$JVS\" status; echo \"rc2=$?\""},
           env);
  ASSERT_TRUE(sh.WaitForOutput("ready\n", std::chrono::seconds(10))) << sh.out();
  // Renamed under the shell: the shell follows its directory and jvs sees the new name.
  ASSERT_RUN_OK(Run({"wt", "rename", "b", "b2"}));
  WriteFile(step1, "");
  ASSERT_TRUE(sh.WaitForOutput("step1-done\n", std::chrono::seconds(20))) << sh.out();
  const std::string& o = sh.out();
  EXPECT_TRUE(Contains(o, fs::canonical(Default("b2") / "sub").string() + "\n")) << o;
  EXPECT_TRUE(Contains(o, Default("b2").string() + "\n")) << o;
  EXPECT_TRUE(Contains(o, "\"worktree_name\": \"b2\"")) << o;
  EXPECT_TRUE(Contains(o, "rc1=0")) << o;
  // Removed under the shell: the next command fails cleanly and main is untouched.
  const auto main_before = DumpTree(Ws());
  ASSERT_RUN_OK(Run({"wt", "remove", "b2"}));
  WriteFile(step2, "");
  RunResult r = sh.Finish("", std::chrono::seconds(20));
  EXPECT_TRUE(Contains(r.out, "rc2=1")) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "jvs: error: ")) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "hint: ")) << r.Describe();
  EXPECT_EQ(DumpTree(Ws()), main_before);
  EXPECT_EQ(HistoryNotes(Ws()), (std::vector<std::string>{"base"}));
}

// ---------------------------------------------------------------------------
// store growth across forks

class WorktreeStoreTest : public WorktreeTest {};

TEST_F(WorktreeStoreTest, StoreGrowsOnlyByChangedContent) {
  constexpr size_t kFiles = 32, kFileSize = 64 * 1024;
  for (size_t i = 0; i < kFiles; ++i)
    Write("data/part" + std::to_string(i) + ".bin", RandomBytes(kFileSize, static_cast<uint32_t>(i + 1)));
  Write("README", "a data set\n");
  Snap("base");
  const fs::path store = Root() / ".jvs" / "store";
  const DirSize ws = SizeOf(Ws());
  const DirSize s0 = SizeOf(store);

  json f = Fork("f");
  const DirSize s1 = SizeOf(store);
  const fs::path fdir = Default("f");
  WriteFile(fdir / "data/part7.bin", RandomBytes(kFileSize, 1007));
  SnapIn(fdir, "f: part7 changed");
  const DirSize s2 = SizeOf(store);

  // A fork of the fork; a snapshot without changes, then one changed file.
  Fork("g", "", fdir);
  const fs::path gdir = Default("g");
  SnapIn(gdir, "g: unchanged");
  const DirSize s3 = SizeOf(store);
  WriteFile(gdir / "data/part20.bin", RandomBytes(kFileSize, 1020));
  SnapIn(gdir, "g: part20 changed");
  const DirSize s4 = SizeOf(store);

  auto d = [](const DirSize& a, const DirSize& b) { return static_cast<int64_t>(b.bytes) - static_cast<int64_t>(a.bytes); };
  std::cout << "[ store    ] engine " << f.value("engine", "?") << "; workspace " << ws.bytes << " B in "
            << ws.files << " files; changed file " << kFileSize << " B\n"
            << "[ store    ] .jvs/store after base snapshot:        " << s0.bytes << " B (" << s0.files
            << " files, " << s0.disk << " B on disk)\n"
            << "[ store    ] after fork f:                          " << s1.bytes << " B (+" << d(s0, s1) << ")\n"
            << "[ store    ] after 1 file changed + snapshot in f:  " << s2.bytes << " B (+" << d(s1, s2) << ")\n"
            << "[ store    ] after fork g of f + unchanged snapshot: " << s3.bytes << " B (+" << d(s2, s3) << ")\n"
            << "[ store    ] after 1 file changed + snapshot in g:  " << s4.bytes << " B (+" << d(s3, s4) << ")\n"
            << "[ store    ] total growth over base: " << d(s0, s4) << " B for 2 forks (workspace " << ws.bytes
            << " B each)\n";

  constexpr int64_t kMeta = 16 * 1024;  // trees and snapshot records
  EXPECT_GE(s0.bytes, ws.bytes - 4096) << "the base snapshot stores the content once";
  EXPECT_LT(d(s0, s1), kMeta) << "forking stores no file content";
  EXPECT_GE(d(s1, s2), static_cast<int64_t>(kFileSize)) << "the changed content is stored";
  EXPECT_LT(d(s1, s2), static_cast<int64_t>(kFileSize) + kMeta);
  EXPECT_LT(d(s2, s3), kMeta);
  EXPECT_GE(d(s3, s4), static_cast<int64_t>(kFileSize));
  EXPECT_LT(d(s3, s4), static_cast<int64_t>(kFileSize) + kMeta);
  EXPECT_LT(d(s0, s4), static_cast<int64_t>(ws.bytes / 8)) << "not the workspace size per fork";
  // The forks hold the right files.
  EXPECT_EQ(HashFile(gdir / "data/part7.bin"), HashFile(fdir / "data/part7.bin"));
  EXPECT_NE(HashFile(Ws() / "data/part7.bin"), HashFile(fdir / "data/part7.bin"));
  EXPECT_EQ(HashFile(Ws() / "data/part20.bin"), HashFile(fdir / "data/part20.bin"));
}

// ---------------------------------------------------------------------------
// stale worktrees and worktrees the current operation no longer has

class WorktreeStaleTest : public WorktreeTest {};

TEST_F(WorktreeStaleTest, OpRestoreFromMainUpdatesTheStaleWorktree) {
  Write("f.txt", "base\n");
  Write("keep.txt", "keep\n");
  Snap("base");
  Fork("A");
  const fs::path a = Default("A");
  WriteFile(a / "f.txt", "one\n");
  json a1 = SnapJsonIn(a, "a1");
  const std::string op1 = a1.value("op_id", "");
  const Manifest a1_files = TakeManifest(a);
  WriteFile(a / "f.txt", "two\n");
  const std::string a2 = SnapIn(a, "a2");
  const auto main_before = DumpTree(Ws());

  // From main: back to the operation where A's head was a1.
  ASSERT_RUN_OK(Run({"op", "restore", op1}));
  EXPECT_EQ(ListByName(Ws())["A"]["head_snapshot_id"], a1["snapshot_id"]);
  EXPECT_EQ(DumpTree(Ws()), main_before);
  EXPECT_EQ(ReadFile(a / "f.txt"), "two\n") << "op restore in main does not touch A's files by itself";

  // A local edit in A, then any command there.
  WriteFile(a / "f.txt", "local edit\n");
  WriteFile(a / "sub/local.txt", "local new file\n");
  RunResult st = Jvs(a / "sub", {"status"});
  ASSERT_RUN_OK(st);
  EXPECT_TRUE(Contains(st.err, "jvs: warning: worktree A was changed by another command")) << st.Describe();
  EXPECT_TRUE(Contains(st.err, a1.value("snapshot_id", "").substr(0, 8))) << st.Describe();
  EXPECT_TRUE(Contains(st.err, "local changes saved as snapshot")) << st.Describe();
  EXPECT_TRUE(Contains(st.out, "No changes.")) << st.Describe();
  EXPECT_EQ(ManifestDiff(a1_files, TakeManifest(a)), "") << "A's files are those of its head a1";

  // The local edit is saved; its parent is A's previous head a2.
  auto all = AllSnapshotsByNote(Ws());
  const std::string note = "dirty changes saved before: update stale worktree A";
  const json* saved = nullptr;
  for (const auto& [n, e] : all)
    if (n.rfind(note, 0) == 0) saved = &e;
  ASSERT_NE(saved, nullptr) << JsonIn(Ws(), {"history", "--all"}).dump(2);
  EXPECT_EQ((*saved)["parent_id"], a2);
  EXPECT_EQ(saved->value("worktree_name", ""), "A");
  EXPECT_TRUE(all.count("a2")) << "a2 stays visible";

  // Not stale any more: no second warning, no second capture.
  RunResult again = Jvs(a, {"status"});
  ASSERT_RUN_OK(again);
  EXPECT_FALSE(Contains(again.err, "warning")) << again.Describe();
  EXPECT_EQ(AllSnapshotsByNote(Ws()).size(), all.size());
  // The saved edit is byte-identical to what was on disk.
  ASSERT_RUN_OK(Jvs(a, {"restore", saved->value("snapshot_id", "")}));
  EXPECT_EQ(ReadFile(a / "f.txt"), "local edit\n");
  EXPECT_EQ(ReadFile(a / "sub/local.txt"), "local new file\n");
  EXPECT_EQ(DumpTree(Ws()), main_before);
}

class WorktreeGoneTest : public WorktreeTest {
 protected:
  // main: base; fork B with a snapshot; then `op restore` (from main) to before the fork.
  void SetUpGone() {
    Write("f.txt", "main\n");
    json s = JsonIn(Ws(), {"snapshot", "base"});
    op0_ = s.value("op_id", "");
    Fork("B");
    b_ = Default("B");
    WriteFile(b_ / "sub/b.txt", "b\n");
    SnapIn(b_, "b1");
    ASSERT_RUN_OK(Run({"op", "restore", op0_}));
    ASSERT_EQ(Names(ListByName(Ws())), (std::set<std::string>{"main"}));
    ASSERT_TRUE(fs::is_directory(b_));
  }
  std::string op0_;
  fs::path b_;
};

TEST_F(WorktreeGoneTest, CommandsInAWorktreeTheOperationNoLongerHasFailClearly) {
  SetUpGone();
  const auto main_files = DumpTree(Ws());
  const auto b_files = DumpTree(b_);
  const size_t ops = OpCount(Ws());
  const json main_history = JsonIn(Ws(), {"history", "--all"});
  const std::string msg = "worktree 'B' does not exist in the current operation";
  for (const fs::path& cwd : {b_, b_ / "sub"}) {
    ExpectErrorCode(cwd, {"status"}, 1, "E_NOT_FOUND", msg);
    ExpectErrorCode(cwd, {"snapshot", "must not land in main"}, 1, "E_NOT_FOUND", msg);
    ExpectErrorCode(cwd, {"diff"}, 1, "E_NOT_FOUND", msg);
    ExpectErrorCode(cwd, {"restore", "base"}, 1, "E_NOT_FOUND", msg);
  }
  RunResult hint = Jvs(b_, {"status"});
  EXPECT_TRUE(Contains(hint.err, "hint: ")) << hint.Describe();
  EXPECT_TRUE(Contains(hint.err, "op restore")) << hint.Describe();
  // Nothing acted on main (or on B's files).
  EXPECT_EQ(DumpTree(Ws()), main_files);
  EXPECT_EQ(DumpTree(b_), b_files);
  EXPECT_EQ(OpCount(Ws()), ops);
  EXPECT_EQ(JsonIn(Ws(), {"history", "--all"}), main_history);
  // What the hint says works (from main): B is back and usable.
  ASSERT_RUN_OK(Run({"undo"}));
  json st = JsonIn(b_ / "sub", {"status"});
  EXPECT_EQ(st.value("worktree_name", ""), "B");
  EXPECT_TRUE(st.value("clean", false)) << st.dump(2);
  EXPECT_EQ(HistoryNotes(b_), (std::vector<std::string>{"b1", "base"}));
}

TEST_F(WorktreeGoneTest, OtherCommandsThereSayWhyToo) {
  SetUpGone();
  const size_t ops = OpCount(Ws());
  const auto main_files = DumpTree(Ws());
  std::vector<std::string> problems;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"history"}, {"tag", "set", "t"}, {"worktree", "fork", "C"}, {"worktree", "path"}}) {
    RunResult r = Jvs(b_ / "sub", args);
    std::string cmd;
    for (const auto& a : args) cmd += (cmd.empty() ? "" : " ") + a;
    if (r.exit_code != 1 || !Contains(r.err, "does not exist") || !Contains(r.err, "hint: "))
      problems.push_back("'jvs " + cmd + "' -> exit " + std::to_string(r.exit_code) + ", stdout '" + r.out +
                         "', stderr '" + r.err + "'");
  }
  EXPECT_EQ(OpCount(Ws()), ops);
  EXPECT_EQ(DumpTree(Ws()), main_files);
  EXPECT_TRUE(JsonIn(Ws(), {"tag", "list"}).empty()) << "no tag was set on main's snapshot";
  EXPECT_EQ(Names(ListByName(Ws())), (std::set<std::string>{"main"}));
  std::string all;
  for (const auto& p : problems) all += "\n  " + p;
  EXPECT_TRUE(problems.empty()) << "in a worktree the current operation no longer has, these commands do not say "
                                   "that it is gone (exit 1 with 'does not exist' and a hint):"
                                << all;
}

TEST_F(WorktreeGoneTest, UndoAsTheHintSaysWorksFromInside) {
  SetUpGone();
  RunResult r = Jvs(b_ / "sub", {"undo"});
  // The hint there says "'jvs undo' ... brings it back": undo in B takes back
  // the operation that removed B (only B's record), from inside B too.
  ASSERT_RUN_OK(r);
  EXPECT_EQ(Names(ListByName(Ws())), (std::set<std::string>{"B", "main"}));
  json st = JsonIn(b_, {"status"});
  EXPECT_EQ(st.value("worktree_name", ""), "B");
  EXPECT_TRUE(st.value("clean", false)) << st.dump(2);
}
}  // namespace
}  // namespace jvs::e2e
