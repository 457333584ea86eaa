// jvs git import (docs/git.md): a history made with the git program, the
// change ids of commits without a header, and a round trip through export.
#include "git_fixture.h"

namespace jvs::e2e {
namespace {

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

}  // namespace
}  // namespace jvs::e2e
