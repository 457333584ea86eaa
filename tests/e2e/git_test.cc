// jvs git export / import (docs/git.md), checked with the real git program:
// fsck, log, archive of every commit against the snapshot's files, refs,
// incremental runs, an import of a history made with git, and a round trip.
#include <sys/stat.h>

#include <set>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

class GitTest : public RepoTest {
 protected:
  // git ARGS in `cwd`, hermetic (no system or user configuration), with a
  // pinned identity and clock.
  RunResult Git(const fs::path& cwd, std::vector<std::string> args) const {
    args.insert(args.begin(), "/usr/bin/git");
    auto env = CleanEnv({{"GIT_CONFIG_NOSYSTEM", "1"},
                         {"GIT_AUTHOR_NAME", "Ada"},
                         {"GIT_AUTHOR_EMAIL", "ada@example.com"},
                         {"GIT_COMMITTER_NAME", "Ada"},
                         {"GIT_COMMITTER_EMAIL", "ada@example.com"},
                         {"GIT_AUTHOR_DATE", "1700000000 +0000"},
                         {"GIT_COMMITTER_DATE", "1700000000 +0000"}});
    return RunProcess(cwd, args, env);
  }
  std::string GitOut(const fs::path& cwd, std::vector<std::string> args) const {
    RunResult r = Git(cwd, args);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return r.out;
  }
  // The files of commit `rev` of the Git repository `git_dir` (git archive,
  // unpacked), without the empty-directory markers.
  Manifest GitFiles(const fs::path& git_dir, const std::string& rev) {
    const fs::path dir = Tmp() / ("archive-" + std::to_string(++archives_));
    fs::create_directories(dir);
    const fs::path tar = Tmp() / ("archive-" + std::to_string(archives_) + ".tar");
    EXPECT_OK(Git(git_dir, {"archive", "--format=tar", "-o", tar.string(), rev}));
    RunResult x = RunProcess(dir, {"/usr/bin/tar", "-xf", tar.string()}, CleanEnv());
    EXPECT_OK(x);
    Manifest m = TakeManifest(dir);
    for (auto it = m.begin(); it != m.end();)
      it = it->first == ".jvskeep" || it->first.ends_with("/.jvskeep") ? m.erase(it) : std::next(it);
    return m;
  }
  // The files of jvs snapshot `ref`, forked into a new worktree.
  Manifest SnapshotFiles(const fs::path& ws, const std::string& ref) {
    const std::string name = "check" + std::to_string(++forks_);
    json j = In(ws, {"worktree", "fork", ref, name, "--path", (Tmp() / name).string()});
    return TakeManifest(Tmp() / name);
  }
  // Every commit reachable from any ref: id -> its raw text (git cat-file).
  std::map<std::string, std::string> Commits(const fs::path& git_dir) {
    std::map<std::string, std::string> out;
    std::string all = GitOut(git_dir, {"rev-list", "--all"});
    size_t pos = 0;
    while (pos < all.size()) {
      size_t nl = all.find('\n', pos);
      std::string id = all.substr(pos, nl - pos);
      out[id] = GitOut(git_dir, {"cat-file", "commit", id});
      pos = nl + 1;
    }
    return out;
  }
  static std::string Header(const std::string& raw, const std::string& key) {
    size_t end = raw.find("\n\n");
    size_t pos = 0;
    while (pos < end) {
      size_t nl = raw.find('\n', pos);
      if (raw.compare(pos, key.size() + 1, key + " ") == 0) return raw.substr(pos + key.size() + 1, nl - pos - key.size() - 1);
      pos = nl + 1;
    }
    return "";
  }
  static std::string Message(const std::string& raw) { return raw.substr(raw.find("\n\n") + 2); }

  // A workspace with a file, an executable, a symlink, an empty directory,
  // a nested directory; two snapshots on main (tag v1 on the first), one
  // on worktree exp. Returns note -> manifest at each snapshot.
  std::map<std::string, Manifest> MakeHistory() {
    std::map<std::string, Manifest> files;
    Write("a.txt", "alpha\n");
    Write("bin/run.sh", "#!/bin/sh\necho hi\n");
    fs::permissions(Ws() / "bin/run.sh", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
    fs::create_symlink("a.txt", Ws() / "link");
    fs::create_directories(Ws() / "empty");
    fs::create_directories(Ws() / "deep/er/still");
    Write("deep/er/file.bin", std::string("\0\1\2binary\xff", 10));
    Snap("first", {"v1"});
    files["first"] = TakeManifest(Ws());
    Write("a.txt", "alpha, changed\n");
    fs::remove(Ws() / "link");
    fs::create_symlink("bin/run.sh", Ws() / "link");
    Snap("second");
    files["second"] = TakeManifest(Ws());
    const fs::path exp = Fork("exp");
    WriteAt(exp / "exp.txt", "on exp\n");
    SnapIn(exp, "on exp");
    files["on exp"] = TakeManifest(exp);
    return files;
  }

  int archives_ = 0;
  int forks_ = 0;
};

TEST_F(GitTest, ExportIsFsckCleanAndEveryCommitHoldsItsSnapshotsFiles) {
  auto files = MakeHistory();
  const fs::path g = Tmp() / "out.git";
  json j = RunJson({"git", "export", "--to", g.string()});
  const auto visible = Visible();
  EXPECT_TRUE(j["created"].get<bool>());
  EXPECT_EQ(j["commits_written"].get<size_t>(), visible.size());

  RunResult fsck = Git(g, {"fsck", "--full", "--strict"});
  EXPECT_OK(fsck);
  EXPECT_EQ(fsck.err.find("error"), std::string::npos) << fsck.err;
  EXPECT_EQ(fsck.err.find("dangling"), std::string::npos) << fsck.err;

  // Every visible snapshot is one commit, with its note, change id and parents.
  const auto commits = Commits(g);
  ASSERT_EQ(commits.size(), visible.size());
  std::map<std::string, std::string> commit_of_change;
  for (const auto& [id, raw] : commits) commit_of_change[Header(raw, "change-id")] = id;
  for (const auto& [id, s] : visible) {
    const std::string change = s["change_id"].get<std::string>();
    ASSERT_TRUE(commit_of_change.count(change)) << "no commit for change " << change;
    const std::string& raw = commits.at(commit_of_change[change]);
    const std::string note = s["note"].get<std::string>();
    EXPECT_EQ(Message(raw), note.empty() ? "" : note + "\n");
    std::vector<std::string> parents;
    for (const auto& p : s["parents"]) parents.push_back(commit_of_change[visible.at(p.get<std::string>())["change_id"].get<std::string>()]);
    std::vector<std::string> git_parents;
    size_t pos = 0;
    while ((pos = raw.find("\nparent ", pos)) != std::string::npos) {
      git_parents.push_back(raw.substr(pos + 8, 40));
      pos += 8;
    }
    EXPECT_EQ(git_parents, parents) << note;
    if (files.count(note)) {
      Manifest expected = files[note];
      EXPECT_GE(expected.size(), 9u) << note;  // files, executable, symlink, directories, the empty one
      EXPECT_EQ(ManifestDiff(expected, GitFiles(g, commit_of_change[change])), "") << note;
    }
  }
  // git log --all lists every note.
  const std::string log = GitOut(g, {"log", "--all", "--format=%B"});
  for (const auto& note : {"first", "second", "on exp"}) EXPECT_TRUE(Contains(log, note)) << log;

  // Refs: the tag, each worktree's head.
  auto ref = [&](const std::string& name) { return GitOut(g, {"rev-parse", name}).substr(0, 40); };
  auto commit_of = [&](const std::string& note) {
    for (const auto& [id, raw] : commits)
      if (Message(raw) == note + "\n") return id;
    return std::string();
  };
  EXPECT_EQ(ref("refs/tags/v1"), commit_of("first"));
  EXPECT_EQ(ref("refs/heads/main"), commit_of("second"));
  EXPECT_EQ(ref("refs/heads/exp"), commit_of("on exp"));
  // The executable and the symlink keep their Git modes.
  const std::string tree = GitOut(g, {"ls-tree", "-r", commit_of("second")});
  EXPECT_TRUE(Contains(tree, "100755 blob")) << tree;
  EXPECT_TRUE(Contains(tree, "120000 blob")) << tree;
  EXPECT_TRUE(Contains(tree, "empty/.jvskeep")) << tree;
}

TEST_F(GitTest, SecondExportWritesOnlyTheNewSnapshotAndRedoesWhatIsGone) {
  MakeHistory();
  const fs::path g = Tmp() / "out.git";
  json first = RunJson({"git", "export", "--to", g.string()});
  const size_t all = first["commits_written"].get<size_t>();
  ASSERT_GT(all, 2u);
  json again = RunJson({"git", "export", "--to", g.string()});
  EXPECT_EQ(again["commits_written"].get<size_t>(), 0u);
  EXPECT_EQ(again["blobs_written"].get<size_t>(), 0u);
  EXPECT_TRUE(again["refs_updated"].empty()) << again.dump();

  Write("a.txt", "once more\n");
  Snap("fourth");
  json inc = RunJson({"git", "export", "--to", g.string()});
  EXPECT_EQ(inc["commits_written"].get<size_t>(), 1u);
  EXPECT_EQ(inc["blobs_written"].get<size_t>(), 1u);  // only the changed file
  EXPECT_EQ(GitOut(g, {"log", "-1", "--format=%s", "refs/heads/main"}), "fourth\n");
  EXPECT_OK(Git(g, {"fsck", "--full"}));

  // The mapping is checked: a Git repository made anew gets everything again.
  fs::remove_all(g);
  json redo = RunJson({"git", "export", "--to", g.string()});
  EXPECT_EQ(redo["commits_written"].get<size_t>(), all + 1);
  EXPECT_OK(Git(g, {"fsck", "--full"}));
}

TEST_F(GitTest, ExportOfARevsetTakesTheAncestorsAlong) {
  MakeHistory();
  const fs::path g = Tmp() / "part.git";
  json j = RunJson({"git", "export", "--to", g.string(), "-r", "v1"});
  EXPECT_EQ(Commits(g).size(), j["commits_written"].get<size_t>());
  const std::string log = GitOut(g, {"log", "--all", "--format=%B"});
  EXPECT_TRUE(Contains(log, "first"));
  EXPECT_FALSE(Contains(log, "second"));
  EXPECT_OK(Git(g, {"fsck", "--full"}));
}

TEST_F(GitTest, ExportRefusesADirectoryThatIsNotAGitRepository) {
  Snap("one");
  fs::create_directories(Tmp() / "stuff");
  WriteAt(Tmp() / "stuff/file", "x");
  ExpectError(Ws(), {"git", "export", "--to", (Tmp() / "stuff").string()}, 1, "not a Git repository");
}

// A history made with the git program: executables, symlinks, a file and a
// directory swapping names, a branch merged back, a lightweight and an
// annotated tag.
TEST_F(GitTest, ImportOfAHistoryMadeWithGitGivesIdenticalTrees) {
  const fs::path src = Tmp() / "src";
  fs::create_directories(src);
  ASSERT_OK(Git(src, {"init", "-q", "-b", "main"}));
  WriteAt(src / "a.txt", "alpha\n");
  WriteAt(src / "run.sh", "#!/bin/sh\necho hi\n");
  fs::permissions(src / "run.sh", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
  fs::create_symlink("a.txt", src / "link");
  fs::create_directories(src / "d/e");
  WriteAt(src / "d/e/x", "deep\n");
  ASSERT_OK(Git(src, {"add", "-A"}));
  ASSERT_OK(Git(src, {"commit", "-q", "-m", "one"}));
  ASSERT_OK(Git(src, {"tag", "v1"}));
  WriteAt(src / "p", "file p\n");
  fs::create_directories(src / "q");
  WriteAt(src / "q/inner", "in q\n");
  ASSERT_OK(Git(src, {"add", "-A"}));
  ASSERT_OK(Git(src, {"commit", "-q", "-m", "two"}));
  fs::remove(src / "p");
  fs::remove_all(src / "q");
  fs::create_directories(src / "p");
  WriteAt(src / "p/inner", "in p\n");
  WriteAt(src / "q", "file q\n");
  ASSERT_OK(Git(src, {"add", "-A"}));
  ASSERT_OK(Git(src, {"commit", "-q", "-m", "three: p and q swapped"}));
  ASSERT_OK(Git(src, {"checkout", "-q", "-b", "feature", "HEAD~1"}));
  WriteAt(src / "f.txt", "feature\n");
  ASSERT_OK(Git(src, {"add", "-A"}));
  ASSERT_OK(Git(src, {"commit", "-q", "-m", "feature work"}));
  ASSERT_OK(Git(src, {"checkout", "-q", "main"}));
  ASSERT_OK(Git(src, {"merge", "-q", "--no-ff", "feature", "-m", "merge feature"}));
  ASSERT_OK(Git(src, {"tag", "-a", "v2", "-m", "release 2"}));

  json j = RunJson({"git", "import", src.string()});
  EXPECT_EQ(j["commits"].get<size_t>(), 5u);
  EXPECT_EQ(j["snapshots_written"].get<size_t>(), 5u);
  ASSERT_TRUE(j["op_id"].is_string());
  // One operation: undo takes the import back, redo brings it again.
  json tags = RunJson({"tag", "list"});
  EXPECT_EQ(tags.size(), 4u) << tags.dump();  // v1, v2, main, feature
  ASSERT_OK(Run({"undo"}));
  EXPECT_TRUE(RunJson({"tag", "list"}).empty());
  ASSERT_OK(Run({"redo"}));
  EXPECT_EQ(RunJson({"tag", "list"}).size(), 4u);

  std::map<std::string, json> by_note;
  for (const auto& [id, s] : Visible()) by_note[s["note"].get<std::string>()] = s;
  const auto commits = Commits(src);
  ASSERT_EQ(commits.size(), 5u);
  std::set<std::string> change_ids;
  for (const auto& [id, raw] : commits) {
    std::string note = Message(raw);
    note.pop_back();
    ASSERT_TRUE(by_note.count(note)) << note;
    const json& s = by_note[note];
    EXPECT_GE(GitFiles(src, id).size(), 5u) << note;
    EXPECT_EQ(ManifestDiff(GitFiles(src, id), SnapshotFiles(Ws(), s["snapshot_id"].get<std::string>())), "") << note;
    std::vector<std::string> parents, git_parents;
    for (const auto& p : s["parents"])
      for (const auto& [n, t] : by_note)
        if (t["snapshot_id"] == p) parents.push_back(n);
    size_t pos = 0;
    while ((pos = raw.find("\nparent ", pos)) != std::string::npos) {
      std::string pn = Message(commits.at(raw.substr(pos + 8, 40)));
      pn.pop_back();
      git_parents.push_back(pn);
      pos += 8;
    }
    EXPECT_EQ(parents, git_parents) << note;
    EXPECT_EQ(s["change_id"].get<std::string>().size(), 32u);
    change_ids.insert(s["change_id"].get<std::string>());
    EXPECT_EQ(s["author"], "Ada <ada@example.com>");
    EXPECT_EQ(s["created_at"], "2023-11-14T22:13:20.000Z");
  }
  EXPECT_EQ(change_ids.size(), 5u);
  EXPECT_EQ(by_note["merge feature"]["parents"].size(), 2u);
  const json t = RunJson({"tag", "list"});
  std::map<std::string, std::string> tag_of;
  for (const auto& e : t) tag_of[e["name"].get<std::string>()] = e["snapshot_id"].get<std::string>();
  EXPECT_EQ(tag_of["v1"], by_note["one"]["snapshot_id"]);
  EXPECT_EQ(tag_of["v2"], by_note["merge feature"]["snapshot_id"]);
  EXPECT_EQ(tag_of["main"], by_note["merge feature"]["snapshot_id"]);
  EXPECT_EQ(tag_of["feature"], by_note["feature work"]["snapshot_id"]);

  // Incremental: nothing new, no operation; one new commit, one snapshot.
  json again = RunJson({"git", "import", src.string()});
  EXPECT_EQ(again["snapshots_written"].get<size_t>(), 0u);
  EXPECT_TRUE(again["op_id"].is_null());
  WriteAt(src / "a.txt", "alpha 2\n");
  ASSERT_OK(Git(src, {"commit", "-q", "-am", "four"}));
  json more = RunJson({"git", "import", src.string()});
  EXPECT_EQ(more["snapshots_written"].get<size_t>(), 1u);
  EXPECT_EQ(more["commits"].get<size_t>(), 6u);
}

TEST_F(GitTest, ChangeIdOfACommitWithoutHeaderIsJujutsusDerivation) {
  const fs::path src = Tmp() / "src";
  fs::create_directories(src);
  ASSERT_OK(Git(src, {"init", "-q", "-b", "main"}));
  WriteAt(src / "a", "a\n");
  ASSERT_OK(Git(src, {"add", "-A"}));
  ASSERT_OK(Git(src, {"commit", "-q", "-m", "only"}));
  const std::string commit = GitOut(src, {"rev-parse", "HEAD"}).substr(0, 40);
  RunJson({"git", "import", src.string()});
  std::string change;
  for (const auto& [id, s] : Visible())
    if (s["note"] == "only") change = s["change_id"].get<std::string>();
  // Bytes 4..19 of the commit id, last first, each byte's bits reversed,
  // written in reverse hex (0..f as z..k).
  std::string expected;
  for (int i = 19; i >= 4; --i) {
    unsigned b = std::stoul(commit.substr(2 * i, 2), nullptr, 16), r = 0;
    for (int k = 0; k < 8; ++k)
      if (b & (1u << k)) r |= 1u << (7 - k);
    expected += static_cast<char>('z' - (r >> 4));
    expected += static_cast<char>('z' - (r & 15));
  }
  EXPECT_EQ(change, expected);
}

TEST_F(GitTest, RoundTripKeepsTreesNotesParentsAndChangeIds) {
  MakeHistory();
  ASSERT_OK(Run({"merge", "exp@"}));
  const fs::path g = Tmp() / "rt.git";
  RunJson({"git", "export", "--to", g.string()});
  ASSERT_OK(Jvs(Tmp(), {"init", "other"}));
  const fs::path other = Tmp() / "other/main";
  In(other, {"git", "import", g.string()});
  const auto a = Visible();
  std::map<std::string, json> b;  // change id -> imported snapshot
  std::map<std::string, std::string> b_change;  // snapshot id -> change id
  for (const auto& s : In(other, {"history", "--all"}))
    if (s["engine"] == "git") {
      b[s["change_id"].get<std::string>()] = s;
      b_change[s["snapshot_id"].get<std::string>()] = s["change_id"].get<std::string>();
    }
  ASSERT_EQ(b.size(), a.size());
  size_t merges = 0;
  for (const auto& [id, s] : a) {
    const std::string change = s["change_id"].get<std::string>();
    ASSERT_TRUE(b.count(change)) << change;
    const json& t = b[change];
    EXPECT_EQ(t["payload_root_hash"], s["payload_root_hash"]) << s["note"];
    EXPECT_EQ(t["note"], s["note"]);
    EXPECT_EQ(t["author"], s["author"]);
    std::vector<std::string> pa, pb;
    for (const auto& p : s["parents"]) pa.push_back(a.at(p.get<std::string>())["change_id"].get<std::string>());
    for (const auto& p : t["parents"]) pb.push_back(b_change[p.get<std::string>()]);
    EXPECT_EQ(pa, pb) << s["note"];
    merges += pa.size() > 1;
  }
  EXPECT_EQ(merges, 1u);
}

// A conflicted snapshot exports the files its worktree shows: conflict
// markers in the text, as a plain commit Git accepts.
TEST_F(GitTest, ConflictedSnapshotExportsItsMaterializedFiles) {
  Write("text.txt", "base\n");
  Snap("base");
  const fs::path exp = Fork("exp");
  WriteAt(exp / "text.txt", "theirs\n");
  SnapIn(exp, "exp side");
  Write("text.txt", "ours\n");
  Snap("main side");
  json m = In(Ws(), {"merge", "exp@", "-m", "merged"});
  ASSERT_FALSE(m["conflicts"].empty()) << m.dump();
  bool conflicted = false;
  for (const auto& [id, s] : Visible()) conflicted = conflicted || s["conflicted"].get<bool>();
  ASSERT_TRUE(conflicted);
  const fs::path g = Tmp() / "c.git";
  json j = RunJson({"git", "export", "--to", g.string()});
  EXPECT_EQ(j["conflicted"].get<size_t>(), 1u);
  EXPECT_OK(Git(g, {"fsck", "--full", "--strict"}));
  const std::string text = GitOut(g, {"show", "refs/heads/main:text.txt"});
  EXPECT_TRUE(Contains(text, "<<<<<<<")) << text;
  EXPECT_TRUE(Contains(text, "theirs")) << text;
  EXPECT_EQ(ReadAt(Ws() / "text.txt"), text);  // what the worktree holds
}

// git.large_files = lfs: files above git.lfs_threshold become Git LFS
// pointers with their content under lfs/objects (import reads it back);
// skip: they are left out, and said.
TEST_F(GitTest, LargeFilesBecomeLfsPointersOrAreLeftOut) {
  const std::string big = std::string(5000, 'x') + "end";
  Write("small.txt", "small\n");
  Write("big.bin", big);
  Snap("with a big file");
  ASSERT_OK(Run({"config", "set", "git.large_files", "lfs"}));
  ASSERT_OK(Run({"config", "set", "git.lfs_threshold", "1000"}));
  const fs::path g = Tmp() / "lfs.git";
  json j = RunJson({"git", "export", "--to", g.string()});
  EXPECT_EQ(j["lfs_objects"].get<size_t>(), 1u) << j.dump();
  EXPECT_OK(Git(g, {"fsck", "--full", "--strict"}));
  const std::string h = HashFile(Ws() / "big.bin");
  EXPECT_EQ(GitOut(g, {"show", "refs/heads/main:big.bin"}),
            "version https://git-lfs.github.com/spec/v1\noid sha256:" + h + "\nsize 5003\n");
  EXPECT_EQ(HashFile(g / "lfs/objects" / h.substr(0, 2) / h.substr(2, 2) / h), h);
  EXPECT_EQ(GitOut(g, {"show", "refs/heads/main:small.txt"}), "small\n");
  json again = RunJson({"git", "export", "--to", g.string()});
  EXPECT_EQ(again["commits_written"].get<size_t>(), 0u);
  EXPECT_EQ(again["lfs_objects"].get<size_t>(), 0u);

  // Import resolves the pointer from lfs/objects.
  ASSERT_OK(Jvs(Tmp(), {"init", "other"}));
  const fs::path other = Tmp() / "other/main";
  json imp = In(other, {"git", "import", g.string()});
  EXPECT_EQ(imp["lfs_objects"].get<size_t>(), 1u) << imp.dump();
  EXPECT_EQ(Jvs(other, {"cat", "main", "big.bin"}).out, big);

  // skip: left out of the commit, listed; the other files stay.
  ASSERT_OK(Run({"config", "set", "git.large_files", "skip"}));
  const fs::path g2 = Tmp() / "skip.git";
  json sk = RunJson({"git", "export", "--to", g2.string()});
  ASSERT_EQ(sk["skipped"].size(), 1u) << sk.dump();
  EXPECT_TRUE(Contains(sk["skipped"][0].get<std::string>(), "big.bin"));
  EXPECT_NE(Git(g2, {"cat-file", "-e", "refs/heads/main:big.bin"}).exit_code, 0);
  EXPECT_EQ(GitOut(g2, {"show", "refs/heads/main:small.txt"}), "small\n");
  // Other settings, other commits: back to plain blobs, the snapshot is written again.
  ASSERT_OK(Run({"config", "set", "git.large_files", "include"}));
  json inc = RunJson({"git", "export", "--to", g.string()});
  EXPECT_EQ(inc["commits_written"].get<size_t>(), 1u);
  EXPECT_EQ(GitOut(g, {"show", "refs/heads/main:big.bin"}), big);
}

}  // namespace
}  // namespace jvs::e2e
