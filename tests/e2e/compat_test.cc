// End-to-end tests of issue 22: scripts written for the original JVS command
// line run unchanged wherever the concept is the same. Each test calls jvs
// as such a script would and reads what it reads: exit codes, the lines it
// greps for, the JSON keys it parses.
#include <unistd.h>

#include <cstdlib>
#include <set>

#include "integrity_util.h"

namespace jvs::e2e {
namespace {

class CompatTest : public RepoTest {
 protected:
  // The lines of `text`.
  static std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) nl = text.size();
      out.push_back(text.substr(start, nl - start));
      start = nl + 1;
    }
    return out;
  }
};

// ---- 4: probing for a command with --help

TEST_F(CompatTest, HelpOfAnUnknownCommandIsAUsageError) {
  RunResult r = Run({"snapshto", "--help"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_TRUE(Has(r.err, "jvs: error: unknown command 'snapshto'")) << r.Describe();
  EXPECT_TRUE(Has(r.err, "did you mean 'snapshot'")) << r.Describe();
  EXPECT_FALSE(Has(r.out, "Usage:")) << r.Describe();
  // Wherever --help stands, and for subcommands too.
  EXPECT_EQ(Run({"-h", "nosuchcommand"}).exit_code, 2);
  RunResult sub = Run({"worktree", "frok", "--help"});
  EXPECT_EQ(sub.exit_code, 2) << sub.Describe();
  EXPECT_TRUE(Has(sub.err, "did you mean 'fork'")) << sub.Describe();
  // With --json the error is also JSON on stdout.
  RunResult j = Run({"--json", "nosuchcommand", "--help"});
  EXPECT_EQ(j.exit_code, 2);
  EXPECT_EQ(j.Json()["error"]["code"], "E_INVALID_ARGUMENT") << j.Describe();
  // A command that exists still prints its help and exits 0.
  RunResult ok = Run({"snapshot", "--help"});
  EXPECT_EQ(ok.exit_code, 0) << ok.Describe();
  EXPECT_TRUE(Has(ok.out, "Usage:")) << ok.Describe();
  EXPECT_EQ(Run({"worktree", "fork", "--help"}).exit_code, 0);
  EXPECT_EQ(Run({"snapshot", "note words", "--help"}).exit_code, 0);
}

}  // namespace
}  // namespace jvs::e2e
