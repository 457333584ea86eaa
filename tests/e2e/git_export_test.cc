// jvs git export (docs/git.md), checked with the real git program: fsck,
// log, archive of every commit against the snapshot's files, refs,
// incremental runs, revsets, conflicts, large files.
#include "git_fixture.h"

namespace jvs::e2e {
namespace {

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
