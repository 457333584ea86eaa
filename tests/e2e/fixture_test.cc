// Format fixtures: every tests/fixtures/*.tar.gz is a small repository written
// by an earlier on-disk format (see tests/fixtures/make_fixture.py), frozen.
// The jvs under test must open each one, verify it, and restore every snapshot
// the fixture lists, byte for byte, in both worktrees. A format change that
// stops old repositories from opening fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

std::vector<fs::path> Fixtures() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(JVS_FIXTURE_DIR))
    if (e.path().string().size() > 7 && e.path().string().ends_with(".tar.gz")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Parses a manifest written by make_fixture.py: "TYPE EXEC SIZE CONTENT PATH".
Manifest ReadExpected(const fs::path& file) {
  Manifest m;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string type, exec, size, content;
    s >> type >> exec >> size >> content;
    std::string path;
    std::getline(s, path);
    if (!path.empty() && path[0] == ' ') path.erase(0, 1);
    ManifestEntry e;
    e.type = type[0];
    if (e.type == 'f') {
      e.exec = exec == "1";
      e.size = std::stoull(size);
      e.content = content;
    } else if (e.type == 'l') {
      e.content = content;
    }
    m[path] = e;
  }
  return m;
}

class FixtureTest : public ::testing::TestWithParam<fs::path> {};

TEST_P(FixtureTest, OpensVerifiesAndRestoresEverySnapshot) {
  testing::TempDir dir;
  auto untar = RunProcess(dir.path(), {"/bin/tar", "-xzf", GetParam().string()}, CleanEnv());
  ASSERT_EQ(untar.exit_code, 0) << untar.Describe();
  fs::path top = dir / "fixture";
  fs::path main = top / "repo" / "main";
  fs::path exp = top / "repo" / "worktrees" / "exp";

  ASSERT_OK(Jvs(main, {"verify", "--all"}));
  auto info = Jvs(main, {"info", "--json"});
  ASSERT_OK(info);
  auto worktrees = Jvs(main, {"worktree", "list", "--json"});
  ASSERT_OK(worktrees);
  EXPECT_TRUE(Contains(worktrees.out, "\"exp\"")) << worktrees.out;
  ASSERT_OK(Jvs(main, {"op", "log"}));
  ASSERT_OK(Jvs(main, {"status"}));
  auto tags = Jvs(main, {"tag", "list", "--json"});
  ASSERT_OK(tags);
  EXPECT_TRUE(Contains(tags.out, "\"v1\"") && Contains(tags.out, "\"t2\"")) << tags.out;

  auto history = Jvs(main, {"history", "--all", "--json"});
  ASSERT_OK(history);
  std::set<std::string> listed;
  for (const auto& e : history.Json()) listed.insert(e["snapshot_id"].get<std::string>());

  size_t checked = 0;
  for (const auto& e : fs::directory_iterator(top / "expected")) {
    std::string id = e.path().filename().string();
    SCOPED_TRACE("snapshot " + id);
    EXPECT_TRUE(listed.count(id)) << "history --all does not list it";
    Manifest want = ReadExpected(e.path());
    for (const fs::path& ws : {main, exp}) {
      ASSERT_OK(Jvs(ws, {"restore", id}));
      EXPECT_EQ(ManifestDiff(want, TakeManifest(ws)), "") << "in " << ws;
    }
    ++checked;
  }
  EXPECT_GE(checked, 4u);
  ASSERT_OK(Jvs(main, {"verify", "--all"}));
  ASSERT_OK(Jvs(main, {"undo"}));
}

INSTANTIATE_TEST_SUITE_P(Formats, FixtureTest, ::testing::ValuesIn(Fixtures()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string n = info.param.filename().string();
                           n = n.substr(0, n.find('.'));
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
}  // namespace jvs::e2e
