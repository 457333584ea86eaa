// End-to-end tests of the huge-page re-execution (cli/hugepages.h): commands
// whose working set grows with the workspace re-execute themselves once with
// glibc's malloc huge-page tunable where the system offers transparent huge
// pages on request, the others never do, JVS_HUGEPAGES=0 and a caller's own
// tunable are respected, and the results do not depend on any of it.
#include <gnu/libc-version.h>

#include <cstdio>
#include <fstream>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {


// The "malloc huge pages: ..." line of --debug output ("" when missing).
std::string NoteLine(const RunResult& r) {
  const std::string key = "malloc huge pages: ";
  size_t at = r.err.find(key);
  if (at == std::string::npos) return "";
  size_t end = r.err.find('\n', at);
  return r.err.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
}

// Whether this machine is one where the re-execution should happen, read
// independently of the code under test.
bool MachineWantsReexec(std::string* why) {
  int major = 0, minor = 0;
  std::sscanf(gnu_get_libc_version(), "%d.%d", &major, &minor);
  if (major < 2 || (major == 2 && minor < 35)) {
    *why = "glibc older than 2.35";
    return false;
  }
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  std::getline(in, line);
  if (!Contains(line, "[madvise]")) {
    *why = "transparent huge pages are not in madvise mode: '" + line + "'";
    return false;
  }
  return true;
}

class HugePagesTest : public RepoTest {};

TEST_F(HugePagesTest, HeavyCommandsReexecuteWhereTheSystemOffersHugePages) {
  Write("a.txt", "one\n");
  std::string why;
  bool wanted = MachineWantsReexec(&why);
  for (std::vector<std::string> args : {std::vector<std::string>{"--debug", "snapshot", "-m", "x"},
                                        std::vector<std::string>{"--debug", "status"}}) {
    RunResult r = Run(args);
    ASSERT_OK(r);
    std::string note = NoteLine(r);
    if (wanted) {
      EXPECT_EQ(note, "on (glibc.malloc.hugetlb=1)") << r.Describe();
    } else {
      EXPECT_EQ(note.rfind("off: ", 0), 0u) << why << "\n" << r.Describe();
    }
  }
}

TEST_F(HugePagesTest, LightCommandsAreNotReexecuted) {
  RunResult r = Run({"--debug", "info"});
  ASSERT_OK(r);
  EXPECT_EQ(NoteLine(r), "off: not requested by this command") << r.Describe();
}

TEST_F(HugePagesTest, TurnedOffByEnvironmentAndResultsAreTheSame) {
  Write("a.txt", "one\n");
  Write("d/b.bin", std::string(100000, 'b'));
  Snap("first");
  Write("a.txt", "two\n");
  RunResult off = JvsEnv(Ws(), {"--debug", "--json", "status"}, {{"JVS_HUGEPAGES", "0"}});
  ASSERT_OK(off);
  EXPECT_EQ(NoteLine(off), "off: JVS_HUGEPAGES=0") << off.Describe();
  RunResult on = Run({"--json", "status"});
  ASSERT_OK(on);
  EXPECT_EQ(off.Json(), on.Json());
}

TEST_F(HugePagesTest, CallersOwnTunableIsLeftAlone) {
  RunResult r = JvsEnv(Ws(), {"--debug", "status"}, {{"GLIBC_TUNABLES", "glibc.malloc.hugetlb=0"}});
  ASSERT_OK(r);
  EXPECT_EQ(NoteLine(r), "as set by the caller: GLIBC_TUNABLES=glibc.malloc.hugetlb=0") << r.Describe();
}

TEST_F(HugePagesTest, MalformedValueIsAUsageError) {
  for (std::string cmd : {"status", "info"}) {
    RunResult r = JvsEnv(Ws(), {cmd}, {{"JVS_HUGEPAGES", "yes"}});
    EXPECT_EQ(r.exit_code, 2) << r.Describe();
    EXPECT_TRUE(Contains(r.err, "JVS_HUGEPAGES must be 0 or 1, not 'yes'")) << r.Describe();
    EXPECT_TRUE(Contains(r.err, "JVS_HUGEPAGES=0")) << r.Describe();
  }
  ASSERT_OK(JvsEnv(Ws(), {"status"}, {{"JVS_HUGEPAGES", ""}}));
  ASSERT_OK(JvsEnv(Ws(), {"status"}, {{"JVS_HUGEPAGES", "1"}}));
}

}  // namespace
}  // namespace jvs::e2e
