// Unit tests of the worktree verbs through Repo and Workspace: snapshot,
// status, restore, tree diffs, reference resolution and history.
// Over 400 lines on purpose: every worktree verb is checked on the same fixture and manifest
// helpers (tree diff is in tree_diff_test.cc).

#include "jvs/repo/history.h"
#include "jvs/repo/refs.h"
#include "jvs/repo/transaction.h"
#include "jvs/repo/workspace.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "remedy.h"

#include <map>
#include <set>
#include <string>

#include "jvs/base/fault.h"
#include "jvs/base/hash.h"
#include "jvs/repo/repo.h"
#include "repo_fixture.h"
#include "test_util.h"

namespace jvs {
namespace {

using testing::kBaseTime;
using testing::Session;
using testing::TempDir;
using testing::TestEnv;
using testing::WriteFile;

// What a workspace looks like: type, mode, content or target, inode, mtime.
struct FileInfo {
  char type = '?';
  mode_t perm = 0;
  std::string data;
  ino_t ino = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileInfo&) const = default;
};
using Manifest = std::map<std::string, FileInfo>;

Manifest TakeManifest(const fs::path& root) {
  Manifest m;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it); it.increment(ec)) {
    std::string rel = it->path().string().substr(root.string().size() + 1);
    if (rel == ".jvs" || rel.rfind(".jvs/", 0) == 0) continue;
    struct stat st {};
    EXPECT_EQ(::lstat(it->path().c_str(), &st), 0);
    FileInfo f;
    f.perm = st.st_mode & 07777;
    f.ino = st.st_ino;
    f.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
    if (S_ISDIR(st.st_mode)) {
      f.type = 'd';
      f.mtime_ns = 0;  // directory mtimes change with their listing
    } else if (S_ISLNK(st.st_mode)) {
      f.type = 'l';
      f.data = fs::read_symlink(it->path()).string();
    } else {
      f.type = 'f';
      f.data = testing::ReadFile(it->path());
    }
    m[rel] = f;
  }
  return m;
}

// The manifest without inode and mtime: only what the user sees.
std::map<std::string, std::string> Content(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& [p, f] : TakeManifest(root))
    out[p] = std::string(1, f.type) + ":" + std::to_string(f.perm & 0100 ? 1 : 0) + ":" + f.data;
  return out;
}

std::vector<std::string> ChangedPaths(const std::vector<TreeChange>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(c.path.str() + (c.added() ? " +" : c.removed() ? " -" : " ~"));
  return out;
}

RepoPath P(std::string_view s) { return *RepoPath::Parse(s); }

class WorkspaceTest : public testing::RepoFixture {
 protected:
  WorkspaceTest() : RepoFixture(/*seed=*/7) {}

  Result<RestoreOutcome> TryRestore(const SnapshotId& id, std::vector<RepoPath> paths = {}) {
    Session s = Open();
    return s.ws->Restore(id, paths);
  }
  RestoreOutcome Restore(const SnapshotId& id, std::vector<RepoPath> paths = {}) {
    auto r = TryRestore(id, std::move(paths));
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? std::move(r).value() : RestoreOutcome{};
  }
  StatusReport Status() {
    Session s = Open();
    auto r = s.ws->Status();
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? std::move(r).value() : StatusReport{};
  }
  Result<SnapshotId> Resolve(std::string_view ref) {
    Session s = Open();
    return ResolveRef(*s.repo, "main", ref);
  }
  SnapshotId ResolveOk(std::string_view ref) {
    auto r = Resolve(ref);
    EXPECT_TRUE(r.ok()) << ref << ": " << r.error().message();
    return r.ok() ? *r : SnapshotId();
  }
  std::vector<SnapshotId> HistoryIds(HistoryOptions o = {}) {
    Session s = Open();
    auto h = History(*s.repo, "main", o);
    EXPECT_TRUE(h.ok()) << h.error().message();
    std::vector<SnapshotId> out;
    if (h.ok())
      for (const auto& e : *h) out.push_back(e.id);
    return out;
  }
  // The op heads, view and history of the repository, for "unchanged" checks.
  std::string RepoFingerprint() {
    Session s = Open();
    std::string out = s.repo->op_id().hex() + "\n" + s.repo->view().Encode() + "\n";
    for (const auto& id : HistoryIds({.all = true})) out += id.hex() + "\n";
    return out;
  }
  void MakeOld(const fs::path& p) {
    struct timespec ts[2] = {{0, UTIME_OMIT}, {::time(nullptr) - 3600, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), ts, AT_SYMLINK_NOFOLLOW), 0);
  }

};

// ---------------------------------------------------------------- repo

TEST_F(WorkspaceTest, InitAndOpen) {
  EXPECT_TRUE(fs::is_directory(root_ / ".jvs" / "store" / "blobs"));
  EXPECT_TRUE(fs::is_directory(ws_));
  auto again = Repo::Init(TestEnv(), InitOptions{root_, ws_}, Next());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  fs::create_directories(ws_ / "a" / "b");
  Session s = Open(ws_ / "a" / "b");  // found by walking up
  ASSERT_NE(s.ws, nullptr);
  EXPECT_EQ(s.repo->root(), root_);
  EXPECT_EQ(s.ws->path(), ws_);
  EXPECT_FALSE(s.ws->state().head.has_value());
  EXPECT_EQ(s.repo->WorktreeForPath(ws_ / "a"), "main");
  auto none = Repo::Open(TestEnv(), tmp_.path(), Next());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::kNotARepository);
  auto bad = Workspace::Open(*s.repo, "nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kNotFound);
}

TEST_F(WorkspaceTest, RepoFormatIsReadOnceForOpenVerifyAndDoctor) {
  const fs::path control = root_ / ".jvs";
  RepoFormat f = ReadRepoFormat(TestEnv(), control);
  EXPECT_EQ(f.state, RepoFormat::State::kOk);
  EXPECT_EQ(f.version, kRepoFormatVersion);
  EXPECT_TRUE(CheckRepoFormat(f, control, "open").ok());
  WriteFile(control / "format", std::to_string(kRepoFormatVersion + 1) + "\n");
  f = ReadRepoFormat(TestEnv(), control);
  EXPECT_EQ(f.state, RepoFormat::State::kTooNew);
  jvs::Status st = CheckRepoFormat(f, control, "verify");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kFormatTooNew);
  EXPECT_TRUE(testing::Contains(st.error().hint(), "to verify this repository"));
  for (const char* bad : {"", "x1\n", "0\n", "1234567\n"}) {
    WriteFile(control / "format", bad);
    EXPECT_EQ(ReadRepoFormat(TestEnv(), control).state, RepoFormat::State::kMalformed) << bad;
  }
  fs::remove(control / "format");
  f = ReadRepoFormat(TestEnv(), control);
  EXPECT_EQ(f.state, RepoFormat::State::kMissing);
  EXPECT_EQ(CheckRepoFormat(f, control, "open").error().code(), ErrorCode::kCorrupt);
}

// ---------------------------------------------------------------- snapshot and status

TEST_F(WorkspaceTest, SnapshotAndStatus) {
  WriteFile(ws_ / "a.txt", "alpha");
  WriteFile(ws_ / "dir" / "b.txt", "bravo");
  fs::create_directories(ws_ / "empty");
  fs::create_symlink("a.txt", ws_ / "link");

  StatusReport st = Status();
  EXPECT_FALSE(st.head.has_value());
  EXPECT_EQ(ChangedPaths(st.changes), (std::vector<std::string>{"a.txt +", "dir/b.txt +", "empty +", "link +"}));

  size_t objects_before = 0;
  for (auto& e : fs::recursive_directory_iterator(root_ / ".jvs" / "store")) objects_before += e.is_regular_file();
  (void)Status();
  size_t objects_after = 0;
  for (auto& e : fs::recursive_directory_iterator(root_ / ".jvs" / "store")) objects_after += e.is_regular_file();
  EXPECT_EQ(objects_after, objects_before) << "status must not write to the store";

  SnapshotOutcome s1 = Snap("first snapshot", {"v1"});
  EXPECT_TRUE(s1.snapshot.parents.empty());
  EXPECT_EQ(s1.snapshot.note, "first snapshot");
  EXPECT_EQ(s1.snapshot.worktree, "main");
  EXPECT_EQ(s1.snapshot.author, "tester@box");
  EXPECT_EQ(s1.snapshot.engine, "copy");
  EXPECT_EQ(s1.snapshot.change_id.size(), 32u);
  EXPECT_EQ(s1.id, s1.snapshot.ComputeId());
  EXPECT_EQ(s1.scan.files, 2u);
  {
    Session s = Open();
    EXPECT_EQ(s.repo->op_id(), s1.op);
    EXPECT_EQ(s.ws->state().head, s1.id);
    EXPECT_EQ(s.ws->state().latest, s1.id);
    EXPECT_EQ(s.repo->view().heads, std::vector<SnapshotId>{s1.id});
    EXPECT_EQ(s.repo->view().tags.at("v1"), s1.id);
    auto snap = s.repo->ReadSnapshot(s1.id);
    ASSERT_TRUE(snap.ok());
    EXPECT_EQ((*snap)->root_terms[0], s1.snapshot.root_terms[0]);
    EXPECT_EQ(s.repo->operation().parents.size(), 1u);
  }
  EXPECT_TRUE(Status().changes.empty());

  WriteFile(ws_ / "a.txt", "ALPHA!");
  fs::remove(ws_ / "dir" / "b.txt");
  WriteFile(ws_ / "new.txt", "new");
  fs::remove(ws_ / "empty");
  st = Status();
  EXPECT_EQ(st.head, s1.id);
  // A directory that loses its last file: the file is the change (like DiffTrees).
  EXPECT_EQ(ChangedPaths(st.changes), (std::vector<std::string>{"a.txt ~", "dir/b.txt -", "empty -", "new.txt +"}));
  for (const auto& c : st.changes)
    if (c.path.str() == "a.txt") {
      EXPECT_EQ(c.old_entry->id, Sha256Of("alpha"));
      EXPECT_EQ(c.new_entry->id, Sha256Of("ALPHA!"));
    }

  SnapshotOutcome s2 = Snap("second");
  EXPECT_EQ(s2.snapshot.parents, std::vector<SnapshotId>{s1.id});
  EXPECT_TRUE(Status().changes.empty());
  {
    Session s = Open();
    EXPECT_EQ(s.repo->view().heads, std::vector<SnapshotId>{s2.id});  // s1 is no longer a head
    EXPECT_EQ(s.repo->view().tags.at("v1"), s1.id);
  }
}

TEST_F(WorkspaceTest, SnapshotRejectsBadTagAndPublishesNothing) {
  WriteFile(ws_ / "a", "a");
  std::string before = RepoFingerprint();
  for (const char* bad : {"@", "latest", "a b", "-x", "a~1", "", "x/y"}) {
    Session s = Open();
    auto r = s.ws->TakeSnapshot(SnapshotOptions{"n", {bad}});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(RepoFingerprint(), before);
}

TEST_F(WorkspaceTest, UnchangedSnapshotReadsNothing) {
  WriteFile(ws_ / "a", "aaaa");
  WriteFile(ws_ / "d" / "b", "bbbb");
  MakeOld(ws_ / "a");
  MakeOld(ws_ / "d" / "b");
  SnapshotOutcome s1 = Snap("one");
  EXPECT_EQ(s1.scan.hashed_files, 2u);
  SnapshotOutcome s2 = Snap("two");
  EXPECT_EQ(s2.scan.hashed_files, 0u);
  EXPECT_EQ(s2.snapshot.root_terms[0], s1.snapshot.root_terms[0]);
  EXPECT_EQ(Status().scan.hashed_files, 0u);
}

// ---------------------------------------------------------------- restore

TEST_F(WorkspaceTest, RestoreInPlaceRewritesOnlyWhatDiffers) {
  WriteFile(ws_ / "same.txt", "unchanged");
  WriteFile(ws_ / "mod.txt", "original");
  WriteFile(ws_ / "gone" / "c.txt", "deleted later");
  WriteFile(ws_ / "keep" / "d.txt", "kept");
  WriteFile(ws_ / "tool", "#!/bin/sh\n");
  fs::permissions(ws_ / "tool", fs::perms::owner_exec, fs::perm_options::add);
  fs::create_symlink("same.txt", ws_ / "ln");
  SnapshotOutcome s1 = Snap("base");
  std::map<std::string, std::string> base_content = Content(ws_);

  WriteFile(ws_ / "mod.txt", "modified!");
  fs::remove_all(ws_ / "gone");
  WriteFile(ws_ / "extra.txt", "added");
  fs::create_directories(ws_ / "newdir" / "nested");
  fs::permissions(ws_ / "tool", fs::perms::owner_exec, fs::perm_options::remove);
  fs::remove(ws_ / "ln");
  fs::create_symlink("mod.txt", ws_ / "ln");
  std::map<std::string, std::string> dirty_content = Content(ws_);
  Manifest before = TakeManifest(ws_);

  RestoreOutcome r = Restore(s1.id);
  EXPECT_EQ(r.target, s1.id);
  EXPECT_EQ(Content(ws_), base_content);
  Manifest after = TakeManifest(ws_);
  for (const char* untouched : {"same.txt", "keep/d.txt"}) {
    EXPECT_EQ(after[untouched].ino, before[untouched].ino) << untouched;
    EXPECT_EQ(after[untouched].mtime_ns, before[untouched].mtime_ns) << untouched;
  }
  EXPECT_EQ(after["keep"].ino, before["keep"].ino);
  // Only the executable bit of "tool" changed: same inode, chmod only.
  EXPECT_EQ(after["tool"].ino, before["tool"].ino);
  EXPECT_EQ(after["tool"].perm & 0100, 0100u);
  EXPECT_NE(after["mod.txt"].ino, before["mod.txt"].ino);
  EXPECT_EQ(r.files_removed, 2u);  // extra.txt and the empty newdir/nested (newdir goes with it)
  EXPECT_EQ(r.bytes_written, std::string("original").size() + std::string("deleted later").size());

  // The dirty state was captured first, and restoring it brings it back.
  ASSERT_TRUE(r.captured.has_value());
  {
    Session s = Open();
    EXPECT_EQ(s.ws->state().head, s1.id);
    EXPECT_EQ(s.ws->state().latest, *r.captured);
    EXPECT_EQ(s.repo->operation().metadata.attributes.at("captured_snapshot"), r.captured->hex());
    EXPECT_EQ(s.repo->operation().metadata.attributes.at("target"), s1.id.hex());
    auto cap = s.repo->ReadSnapshot(*r.captured);
    ASSERT_TRUE(cap.ok());
    EXPECT_EQ((*cap)->parents, std::vector<SnapshotId>{s1.id});
    std::set<SnapshotId> heads(s.repo->view().heads.begin(), s.repo->view().heads.end());
    EXPECT_TRUE(heads.count(*r.captured));
  }
  EXPECT_TRUE(Status().changes.empty());
  RestoreOutcome back = Restore(*r.captured);
  EXPECT_FALSE(back.captured.has_value());  // the workspace was clean
  EXPECT_EQ(Content(ws_), dirty_content);
  EXPECT_TRUE(Status().changes.empty());
}

TEST_F(WorkspaceTest, RestoreCleanWorkspaceCapturesNothingAndKeepsIgnoredFiles) {
  WriteFile(ws_ / ".jvsignore", "*.tmp\n");
  WriteFile(ws_ / "a", "one");
  SnapshotOutcome s1 = Snap("one");
  WriteFile(ws_ / "a", "two");
  WriteFile(ws_ / "b", "two");
  SnapshotOutcome s2 = Snap("two");
  WriteFile(ws_ / "scratch.tmp", "ignored: never removed");
  RestoreOutcome r = Restore(s1.id);
  EXPECT_FALSE(r.captured.has_value());
  EXPECT_EQ(testing::ReadFile(ws_ / "a"), "one");
  EXPECT_FALSE(fs::exists(ws_ / "b"));
  EXPECT_EQ(testing::ReadFile(ws_ / "scratch.tmp"), "ignored: never removed");
  Session s = Open();
  EXPECT_EQ(s.ws->state().head, s1.id);
  EXPECT_EQ(s.ws->state().latest, s2.id);
}

TEST_F(WorkspaceTest, RestoreWithPaths) {
  WriteFile(ws_ / "dir" / "x", "x1");
  WriteFile(ws_ / "dir" / "sub" / "y", "y1");
  WriteFile(ws_ / "other", "o1");
  SnapshotOutcome s1 = Snap("one");
  WriteFile(ws_ / "dir" / "x", "x2");
  fs::remove_all(ws_ / "dir" / "sub");
  WriteFile(ws_ / "dir" / "z", "z2");
  WriteFile(ws_ / "other", "o2");
  SnapshotOutcome s2 = Snap("two");

  RestoreOutcome r = Restore(s1.id, {P("dir")});
  EXPECT_FALSE(r.captured.has_value());
  EXPECT_EQ(testing::ReadFile(ws_ / "dir" / "x"), "x1");
  EXPECT_EQ(testing::ReadFile(ws_ / "dir" / "sub" / "y"), "y1");
  EXPECT_FALSE(fs::exists(ws_ / "dir" / "z"));
  EXPECT_EQ(testing::ReadFile(ws_ / "other"), "o2");  // outside the paths: untouched
  {
    Session s = Open();
    EXPECT_EQ(s.ws->state().head, s2.id);  // a partial restore does not move the head
  }
  auto st = Status();
  EXPECT_EQ(ChangedPaths(st.changes), (std::vector<std::string>{"dir/sub/y +", "dir/x ~", "dir/z -"}));

  // A single file, and a path that exists only in the working copy.
  WriteFile(ws_ / "only-here", "wc");
  r = Restore(s2.id, {P("dir/x"), P("only-here")});
  EXPECT_EQ(testing::ReadFile(ws_ / "dir" / "x"), "x2");
  EXPECT_FALSE(fs::exists(ws_ / "only-here"));
  EXPECT_TRUE(r.captured.has_value());  // the working copy was dirty
  EXPECT_EQ(testing::ReadFile(ws_ / "dir" / "sub" / "y"), "y1");

  // A path in neither.
  std::string before = RepoFingerprint();
  auto bad = TryRestore(s1.id, {P("no/such/path")});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(RepoFingerprint(), before);
}

TEST_F(WorkspaceTest, RestoreReplacesFilesAndDirectories) {
  WriteFile(ws_ / "x", "x is a file");
  fs::create_directories(ws_ / "e");  // an empty directory
  fs::create_symlink("x", ws_ / "s");
  SnapshotOutcome s1 = Snap("files");
  auto c1 = Content(ws_);
  fs::remove(ws_ / "x");
  WriteFile(ws_ / "x" / "inner" / "f", "x is a directory");
  fs::remove(ws_ / "e");
  WriteFile(ws_ / "e", "e is a file");
  fs::remove(ws_ / "s");
  WriteFile(ws_ / "s", "s is a file");
  SnapshotOutcome s2 = Snap("dirs");
  auto c2 = Content(ws_);

  Restore(s1.id);  // directory -> file, file -> empty directory, file -> symlink
  EXPECT_EQ(Content(ws_), c1);
  EXPECT_TRUE(Status().changes.empty());
  Restore(s2.id);  // and back
  EXPECT_EQ(Content(ws_), c2);
  EXPECT_TRUE(Status().changes.empty());
}

TEST_F(WorkspaceTest, RestoreFileOverTrackedDirectory) {
  // The working copy has a clean, fully tracked directory "x"; the target has
  // a file "x". Every file below x is removed by the restore, so nothing is
  // in the way.
  WriteFile(ws_ / "x", "x is a file");
  SnapshotOutcome s1 = Snap("file");
  fs::remove(ws_ / "x");
  WriteFile(ws_ / "x" / "f", "x is a directory");
  SnapshotOutcome s2 = Snap("dir");
  std::string before = RepoFingerprint();
  auto r = TryRestore(s1.id);
  EXPECT_FALSE(!r.ok() && r.error().code() == ErrorCode::kRefused && RepoFingerprint() == before)
      << "restoring a snapshot where a tracked directory became a file is refused: \"" << r.error().message()
      << "\"";
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(testing::ReadFile(ws_ / "x"), "x is a file");
  EXPECT_TRUE(Status().changes.empty());
  (void)s2;
}

TEST_F(WorkspaceTest, RestoreKeepsDirectoryWithIgnoredFiles) {
  // A directory the target replaces by a file, but which holds an ignored
  // file: the ignored file must survive (restore refuses or keeps it).
  WriteFile(ws_ / ".jvsignore", "*.tmp\n");
  WriteFile(ws_ / "x", "x is a file");
  SnapshotOutcome s1 = Snap("file");
  fs::remove(ws_ / "x");
  WriteFile(ws_ / "x" / "f", "tracked");
  SnapshotOutcome s2 = Snap("dir");
  WriteFile(ws_ / "x" / "keep.tmp", "ignored, precious");
  auto r = TryRestore(s1.id);
  EXPECT_EQ(testing::ReadFile(ws_ / "x" / "keep.tmp"), "ignored, precious");
  if (!r.ok()) {
    EXPECT_EQ(r.error().code(), ErrorCode::kRefused) << r.error().message();
  }
  (void)s2;
}

TEST_F(WorkspaceTest, RestoreRefusesDirectoryHoldingAnIgnoredFileBeforeChangingAnything) {
  // The tracked directory x becomes a file in the target, but x/sub holds an
  // ignored file that the restore must not remove: refused before anything
  // is published or removed (not half-way, after its tracked files are gone).
  WriteFile(ws_ / ".jvsignore", "*.tmp\n");
  WriteFile(ws_ / "x", "x is a file");
  SnapshotOutcome s1 = Snap("file");
  fs::remove(ws_ / "x");
  WriteFile(ws_ / "x" / "f", "tracked");
  WriteFile(ws_ / "x" / "sub" / "g", "tracked too");
  SnapshotOutcome s2 = Snap("dir");
  WriteFile(ws_ / "x" / "sub" / "keep.tmp", "ignored, precious");
  auto before = Content(ws_);
  std::string fingerprint = RepoFingerprint();
  for (EntryKind kind : {EntryKind::kFile, EntryKind::kSymlink}) {
    SnapshotId target = s1.id;
    if (kind == EntryKind::kSymlink) {
      // The same with a symlink as the target's entry.
      fs::rename(ws_ / "x", tmp_.path() / "x-aside");
      fs::create_symlink("elsewhere", ws_ / "x");
      target = Snap("symlink").id;
      Restore(s2.id);
      fs::remove_all(ws_ / "x");
      fs::rename(tmp_.path() / "x-aside", ws_ / "x");
      fingerprint = RepoFingerprint();
    }
    auto r = TryRestore(target);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kRefused) << r.error().message();
    EXPECT_NE(r.error().message().find("x/sub/keep.tmp"), std::string::npos) << r.error().message();
    EXPECT_EQ(Content(ws_), before);
    EXPECT_EQ(RepoFingerprint(), fingerprint);
    EXPECT_TRUE(Status().changes.empty());
    // With the ignored file moved away, the same restore goes through.
    fs::rename(ws_ / "x" / "sub" / "keep.tmp", tmp_.path() / "keep.tmp");
    Restore(target);
    if (kind == EntryKind::kFile) {
      EXPECT_EQ(testing::ReadFile(ws_ / "x"), "x is a file");
    } else {
      EXPECT_EQ(fs::read_symlink(ws_ / "x"), "elsewhere");
    }
    EXPECT_TRUE(Status().changes.empty());
    Restore(s2.id);
    fs::rename(tmp_.path() / "keep.tmp", ws_ / "x" / "sub" / "keep.tmp");
    EXPECT_EQ(Content(ws_), before);
  }
}

TEST_F(WorkspaceTest, RestoreReplacesTrackedDirectoryWithSymlinksInside) {
  // A tracked directory holding a symlink to a directory outside the
  // workspace, an empty directory and a nested directory becomes a file: the
  // symlink is removed, never followed.
  TempDir outside;
  WriteFile(outside.path() / "secret", "outside");
  WriteFile(ws_ / "x", "x is a file");
  SnapshotOutcome s1 = Snap("file");
  fs::remove(ws_ / "x");
  fs::create_directories(ws_ / "x" / "empty");
  WriteFile(ws_ / "x" / "a" / "b" / "c", "deep");
  fs::create_symlink(outside.path(), ws_ / "x" / "out");
  fs::create_symlink("a/b", ws_ / "x" / "a" / "in");
  SnapshotOutcome s2 = Snap("dir");
  auto c2 = Content(ws_);
  Restore(s1.id);
  EXPECT_EQ(testing::ReadFile(ws_ / "x"), "x is a file");
  EXPECT_EQ(testing::ReadFile(outside.path() / "secret"), "outside");
  EXPECT_TRUE(Status().changes.empty());
  Restore(s2.id);
  EXPECT_EQ(Content(ws_), c2);
}

TEST_F(WorkspaceTest, RestoreToEmptyHistoryAndBack) {
  WriteFile(ws_ / "a", "a");
  SnapshotOutcome s1 = Snap("one");
  fs::remove(ws_ / "a");
  SnapshotOutcome empty = Snap("empty");
  EXPECT_EQ(empty.snapshot.root_terms[0], EmptyTreeId());
  EXPECT_TRUE(fs::is_empty(ws_));
  Restore(s1.id);
  EXPECT_EQ(testing::ReadFile(ws_ / "a"), "a");
  Restore(empty.id);
  EXPECT_TRUE(fs::is_empty(ws_));
  EXPECT_TRUE(fs::is_directory(ws_));  // the workspace directory itself stays
}

TEST_F(WorkspaceTest, RestoreUnknownSnapshot) {
  std::string before = RepoFingerprint();
  auto r = TryRestore(SnapshotId(Sha256Of("nothing")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(RepoFingerprint(), before);
}

// ---------------------------------------------------------------- references and history

TEST_F(WorkspaceTest, ResolveRefForms) {
  auto none = Resolve("@");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(Resolve("latest").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(Resolve("").error().code(), ErrorCode::kInvalidArgument);

  WriteFile(ws_ / "f", "1");
  SnapshotOutcome s1 = Snap("alpha release", {"v1"});
  WriteFile(ws_ / "f", "2");
  SnapshotOutcome s2 = Snap("beta release");
  WriteFile(ws_ / "f", "3");
  SnapshotOutcome s3 = Snap("gamma", {"v3"});
  {
    // A tag of hex digits only, as an older jvs could set (new ones are refused).
    Session s = Open();
    Transaction tx(*s.repo);
    tx.SetTag("beef", s3.id);
    ASSERT_TRUE(tx.Commit("set tag beef").ok());
  }

  EXPECT_EQ(ResolveOk("@"), s3.id);
  EXPECT_EQ(ResolveOk("HEAD"), s3.id);
  EXPECT_EQ(ResolveOk("latest"), s3.id);
  EXPECT_EQ(ResolveOk("v1"), s1.id);
  EXPECT_EQ(ResolveOk("v3"), s3.id);
  EXPECT_EQ(ResolveOk("beef"), s3.id);  // a tag wins over an id prefix
  EXPECT_EQ(ResolveOk(s2.id.hex()), s2.id);
  EXPECT_EQ(ResolveOk(s2.id.hex().substr(0, 12)), s2.id);
  std::string upper = s2.id.hex().substr(0, 12);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(ResolveOk(upper), s2.id);
  EXPECT_EQ(ResolveOk("@~1"), s2.id);
  EXPECT_EQ(ResolveOk("@~"), s2.id);
  EXPECT_EQ(ResolveOk("@~2"), s1.id);
  EXPECT_EQ(ResolveOk("@~1~1"), s1.id);
  EXPECT_EQ(ResolveOk("@~~"), s1.id);
  EXPECT_EQ(ResolveOk("v3~2"), s1.id);
  EXPECT_EQ(ResolveOk(s3.id.hex().substr(0, 8) + "~1"), s2.id);
  EXPECT_EQ(ResolveOk("@~0"), s3.id);
  EXPECT_EQ(Resolve("@~3").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(Resolve("@~x").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(Resolve("@~1234567").error().code(), ErrorCode::kInvalidArgument);
  // Note prefixes, as a last resort.
  EXPECT_EQ(ResolveOk("gam"), s3.id);
  EXPECT_EQ(ResolveOk("alpha"), s1.id);
  EXPECT_EQ(ResolveOk("beta"), s2.id);
  EXPECT_EQ(ResolveOk("alpha release"), s1.id);
  // A second note with the same prefix makes it ambiguous.
  WriteFile(ws_ / "f", "4");
  SnapshotOutcome s4 = Snap("alpha fix");
  auto two = Resolve("alpha");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().code(), ErrorCode::kAmbiguous);
  EXPECT_NE(two.error().message().find(s1.id.hex().substr(0, 16)), std::string::npos);
  EXPECT_NE(two.error().message().find(s4.id.hex().substr(0, 16)), std::string::npos);
  EXPECT_EQ(ResolveOk("alpha r"), s1.id);
  auto unknown = Resolve("no-such-ref");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(jvs::cli::FullHint(unknown.error()).empty());
  EXPECT_EQ(Resolve("0000000000").error().code(), ErrorCode::kNotFound);

  // @ and latest differ after a restore.
  Restore(s1.id);
  EXPECT_EQ(ResolveOk("@"), s1.id);
  EXPECT_EQ(ResolveOk("latest"), s4.id);
}

TEST_F(WorkspaceTest, ResolveAmbiguousIdPrefix) {
  WriteFile(ws_ / "f", "1");
  SnapshotOutcome s1 = Snap("one");
  // Two stored snapshots whose ids share the first 4 hex digits.
  Session s = Open();
  std::map<std::string, Snapshot> by_prefix;
  Snapshot a, b;
  bool found = false;
  for (int i = 0; i < 100000 && !found; ++i) {
    Snapshot x = s1.snapshot;
    x.note = "collision candidate " + std::to_string(i);
    std::string pre = x.ComputeId().hex().substr(0, 4);
    auto [it, inserted] = by_prefix.emplace(pre, x);
    if (!inserted) {
      a = it->second;
      b = x;
      found = true;
    }
  }
  ASSERT_TRUE(found);
  ASSERT_TRUE(s.repo->store().WriteSnapshot(a).ok());
  ASSERT_TRUE(s.repo->store().WriteSnapshot(b).ok());
  std::string ha = a.ComputeId().hex(), hb = b.ComputeId().hex();
  size_t common = 0;
  while (ha[common] == hb[common]) ++common;
  auto r = Resolve(ha.substr(0, 4));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kAmbiguous);
  EXPECT_NE(r.error().message().find(ha.substr(0, 16)), std::string::npos);
  EXPECT_NE(r.error().message().find(hb.substr(0, 16)), std::string::npos);
  EXPECT_EQ(ResolveOk(ha.substr(0, common + 1)), a.ComputeId());
  EXPECT_EQ(ResolveOk(hb.substr(0, common + 1)), b.ComputeId());
  // ShortId gives a prefix long enough to be unique.
  Session s2 = Open();
  std::string short_a = s2.repo->ShortId(a.ComputeId());
  EXPECT_GE(short_a.size(), std::max<size_t>(8, common + 1));
  EXPECT_EQ(ResolveOk(short_a), a.ComputeId());
}

TEST_F(WorkspaceTest, HistoryLinesAndAll) {
  WriteFile(ws_ / "f", "1");
  SnapshotOutcome s1 = Snap("one", {"first"});
  WriteFile(ws_ / "f", "2");
  SnapshotOutcome s2 = Snap("two");
  Restore(s1.id);
  WriteFile(ws_ / "f", "3");
  SnapshotOutcome s3 = Snap("three: a new line from one");

  EXPECT_EQ(HistoryIds(), (std::vector<SnapshotId>{s3.id, s1.id}));
  EXPECT_EQ(HistoryIds({.all = true}), (std::vector<SnapshotId>{s3.id, s2.id, s1.id}));
  EXPECT_EQ(HistoryIds({.all = true, .limit = 2}), (std::vector<SnapshotId>{s3.id, s2.id}));
  EXPECT_EQ(HistoryIds({.tag = std::string("first")}), (std::vector<SnapshotId>{s1.id}));
  EXPECT_EQ(HistoryIds({.all = true, .grep = std::string("t")}), (std::vector<SnapshotId>{s3.id, s2.id}));
  {
    Session s = Open();
    std::vector<SnapshotId> heads = s.repo->view().heads;
    EXPECT_EQ(std::set<SnapshotId>(heads.begin(), heads.end()), (std::set<SnapshotId>{s2.id, s3.id}));
    auto h = History(*s.repo, "main", {});
    ASSERT_TRUE(h.ok());
    EXPECT_EQ((*h)[1].tags, std::vector<std::string>{"first"});
    EXPECT_EQ((*h)[0].snapshot->note, "three: a new line from one");
    EXPECT_EQ(TagsOf(s.repo->view(), s1.id), std::vector<std::string>{"first"});
  }
  // A dirty restore adds the captured snapshot to --all.
  WriteFile(ws_ / "f", "dirty");
  RestoreOutcome r = Restore(s2.id);
  ASSERT_TRUE(r.captured.has_value());
  auto all = HistoryIds({.all = true});
  EXPECT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0], *r.captured);  // the newest
  EXPECT_EQ(HistoryIds(), (std::vector<SnapshotId>{s2.id, s1.id}));
  // An empty history.
  Session s = Open();
  auto h = History(*s.repo, "other-worktree", {});
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->empty());
}

TEST_F(WorkspaceTest, OperationLogIsHashLinked) {
  WriteFile(ws_ / "f", "1");
  SnapshotOutcome s1 = Snap("one");
  WriteFile(ws_ / "f", "2");
  SnapshotOutcome s2 = Snap("two");
  Session s = Open();
  EXPECT_EQ(s.repo->op_id(), s2.op);
  auto op2 = s.repo->op_store().ReadOperation(s2.op);
  ASSERT_TRUE(op2.ok());
  ASSERT_EQ(op2->parents.size(), 1u);
  EXPECT_EQ(op2->parents[0], s1.op);
  auto op1 = s.repo->op_store().ReadOperation(s1.op);
  ASSERT_TRUE(op1.ok());
  ASSERT_EQ(op1->parents.size(), 1u);
  auto root = s.repo->op_store().ReadOperation(op1->parents[0]);
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(root->parents.empty());
  EXPECT_EQ(root->metadata.description, "initialize repository");
  EXPECT_NE(op2->metadata.description.find("snapshot"), std::string::npos);
  EXPECT_EQ(op2->metadata.user, "tester");
  // Looking at an earlier operation is read-only.
  auto old = Repo::Open(TestEnv(), ws_, Next(), s1.op.hex().substr(0, 12));
  ASSERT_TRUE(old.ok()) << old.error().message();
  EXPECT_TRUE((*old)->read_only());
  EXPECT_EQ((*old)->view().worktrees.at("main").head, s1.id);
  auto pub = (*old)->Publish((*old)->view(), "nope");
  ASSERT_FALSE(pub.ok());
  EXPECT_EQ(pub.error().code(), ErrorCode::kRefused);
}

TEST_F(WorkspaceTest, UnsavedTreeStateAfterPublishingMakesNoCaptureSnapshot) {
  // Regression (found by the crash tests, snapshot.after_publish): a snapshot
  // published, then died (or failed to write) before saving its tree state.
  // The next command found the worktree "stale" and saved its files -- exactly
  // the new head -- as a spurious "dirty changes" snapshot, published an
  // operation for nothing and warned that another command changed the files.
  WriteFile(ws_ / "f", "1");
  SnapshotOutcome s1 = Snap("one");
  fs::path ts = root_ / ".jvs" / "worktrees" / "main" / "tree_state";
  std::string old_state = testing::ReadFile(ts);
  WriteFile(ws_ / "f", "2");
  WriteFile(ws_ / "g", "new");
  SnapshotOutcome s2 = Snap("two");
  WriteFile(ts, old_state);  // as if the tree state had not been saved
  Session s = Open();
  auto stale = s.ws->StaleFrom();
  ASSERT_TRUE(stale.ok());
  ASSERT_EQ(*stale, std::optional<SnapshotId>(s1.id));
  auto r = s.ws->UpdateStale(s1.id);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_TRUE(r->skipped);
  EXPECT_FALSE(r->captured.has_value());
  EXPECT_EQ(s.repo->op_id(), s2.op) << "no operation for nothing";
  EXPECT_EQ(HistoryIds(HistoryOptions{true}), (std::vector<SnapshotId>{s2.id, s1.id}));
  Session again = Open();
  auto now = again.ws->StaleFrom();
  ASSERT_TRUE(now.ok());
  EXPECT_FALSE(now->has_value()) << "the tree state is up to date again";
  EXPECT_EQ(testing::ReadFile(ws_ / "f"), "2");
  // A real local change is still saved when the worktree is stale.
  WriteFile(ts, old_state);
  WriteFile(ws_ / "f", "local");
  Session third = Open();
  auto r2 = third.ws->UpdateStale(s1.id);
  ASSERT_TRUE(r2.ok()) << r2.error().message();
  EXPECT_FALSE(r2->skipped);
  EXPECT_TRUE(r2->captured.has_value());
}

TEST_F(WorkspaceTest, LaterEditsAfterAnUnsavedTreeStateStayInPlace) {
  // Regression (crash tests: snapshot.after_publish, publish.after_new_head):
  // a snapshot published, then died or failed before saving its tree state;
  // the user kept working. The next command took the worktree for stale,
  // moved the new edits into a "dirty changes" snapshot and removed them from
  // the workspace. The snapshot_pending marker says the files are the head.
  WriteFile(ws_ / "f", "1");
  SnapshotOutcome s1 = Snap("one");
  WriteFile(ws_ / "f", "2");
  ASSERT_TRUE(fault::Arm("snapshot.after_publish:error").ok());
  SnapshotOutcome s2 = Snap("two");
  ASSERT_TRUE(fault::Arm("").ok());
  ASSERT_FALSE(s2.warnings.empty()) << "the unsaved tree state is reported";
  fs::path pending = root_ / ".jvs" / "worktrees" / "main" / "snapshot_pending";
  ASSERT_TRUE(fs::exists(pending));
  WriteFile(ws_ / "g", "a later edit");
  {
    Session s = Open();
    auto stale = s.ws->StaleFrom();
    ASSERT_TRUE(stale.ok());
    EXPECT_FALSE(stale->has_value()) << "the files are the head plus later edits, not stale";
  }
  SnapshotOutcome s3 = Snap("three");
  EXPECT_EQ(s3.snapshot.parents, (std::vector<SnapshotId>{s2.id}));
  EXPECT_EQ(testing::ReadFile(ws_ / "g"), "a later edit");
  EXPECT_EQ(HistoryIds(HistoryOptions{true}), (std::vector<SnapshotId>{s3.id, s2.id, s1.id}));
  EXPECT_FALSE(fs::exists(pending)) << "a saved tree state removes the marker";
  // Any other saved tree state (here: a restore's) removes a marker too.
  WriteFile(pending, s1.snapshot.root_terms[0].hex() + "\n");
  Restore(s1.id);
  EXPECT_FALSE(fs::exists(pending));
}

}  // namespace
}  // namespace jvs
