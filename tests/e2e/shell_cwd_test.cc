// A shell whose current directory is inside the workspace keeps working after
// `jvs restore`: restore works in place, so the workspace directory and the
// subdirectory the shell sits in keep their inodes, and the shell sees the
// restored files without having to cd again.
#include <unistd.h>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::WriteFile;

std::string FindShell() {
  for (const char* p : {"/bin/bash", "/usr/bin/bash", "/bin/sh", "/usr/bin/sh"})
    if (::access(p, X_OK) == 0) return p;
  return "";
}

class ShellCwdTest : public RepoTest {};

TEST_F(ShellCwdTest, ShellInsideWorkspaceSurvivesRestore) {
  std::string shell = FindShell();
  if (shell.empty()) GTEST_SKIP() << "no shell found";
  Write("sub/a.txt", "a version 1\n");
  Write("sub/b.txt", "b\n");
  Write("sub/deeper/d.txt", "d\n");
  Write("top.txt", "top\n");
  std::string s1 = Snap("one");
  Write("sub/a.txt", "a version 2, longer\n");
  fs::remove(Ws() / "sub/b.txt");
  Write("sub/c.txt", "c\n");
  fs::remove_all(Ws() / "sub/deeper");
  Write("other/o.txt", "o\n");
  std::string s2 = Snap("two");

  const ino_t ws_ino = InodeOf(Ws());
  const ino_t sub_ino = InodeOf(Ws() / "sub");
  ASSERT_NE(ws_ino, 0u);
  ASSERT_NE(sub_ino, 0u);

  auto env = CleanEnv({{"JVS", std::string(JVS_BINARY)}});
  Child sh(Root(), {shell, "-c",
                    "cd main/sub || exit 9; echo ready; read line; "
                    "echo '--- ls'; ls -A; "
                    "echo '--- a'; cat a.txt; "
                    "echo '--- pwd'; pwd -P; "
                    "echo '--- status'; \"$JVS\" status; echo \"rc=$?\""},
           env);
  ASSERT_TRUE(sh.WaitForOutput("ready\n", std::chrono::seconds(10))) << sh.out();

  RunResult r = Run({"restore", s1});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(InodeOf(Ws()), ws_ino) << "the workspace directory was replaced";
  EXPECT_EQ(InodeOf(Ws() / "sub"), sub_ino) << "the shell's directory was replaced";

  RunResult out = sh.Finish("go\n", std::chrono::seconds(20));
  ASSERT_EQ(out.exit_code, 0) << out.Describe();
  const std::string expected_prefix = "ready\n--- ls\na.txt\nb.txt\ndeeper\n--- a\na version 1\n--- pwd\n" +
                                      fs::canonical(Ws() / "sub").string() + "\n--- status\n";
  EXPECT_EQ(out.out.substr(0, expected_prefix.size()), expected_prefix) << out.Describe();
  EXPECT_NE(out.out.find("No changes."), std::string::npos) << out.Describe();
  EXPECT_NE(out.out.find("rc=0"), std::string::npos) << out.Describe();

  // And back again, with the shell's directory still the same one.
  Child sh2(Ws() / "sub", {shell, "-c", "echo ready; read line; ls -A; cat a.txt"}, env);
  ASSERT_TRUE(sh2.WaitForOutput("ready\n", std::chrono::seconds(10))) << sh2.out();
  ASSERT_EQ(Run({"restore", s2}).exit_code, 0);
  RunResult out2 = sh2.Finish("go\n", std::chrono::seconds(20));
  EXPECT_EQ(out2.out, "ready\na.txt\nc.txt\na version 2, longer\n") << out2.Describe();
  EXPECT_EQ(InodeOf(Ws()), ws_ino);
  EXPECT_EQ(InodeOf(Ws() / "sub"), sub_ino);
}

}  // namespace
}  // namespace jvs::e2e
