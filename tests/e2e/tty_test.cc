// End-to-end tests on a real terminal (a tmux pane): the progress line shows
// during a long snapshot and is gone afterwards; colour is used on the
// terminal and not when the output goes to a pipe or NO_COLOR is set.
// Skipped, with the reason, when tmux is not installed.
#include <unistd.h>

#include <cstring>
#include <functional>
#include <random>
#include <thread>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using namespace std::chrono_literals;

std::string FindTmux() {
  for (const char* p : {"/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"})
    if (access(p, X_OK) == 0) return p;
  return "";
}

// One tmux server on a private socket with one 120x30 window running sh in
// `cwd`, with the hermetic test environment. Killed on destruction.
class TmuxPane {
 public:
  TmuxPane(std::string tmux, const fs::path& cwd, EnvOverrides env)
      : tmux_(std::move(tmux)), cwd_(cwd), env_(CleanEnv(env)) {
    static int counter = 0;
    socket_ = "jvs-tty-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
    started_ = Tmux({"new-session", "-d", "-x", "120", "-y", "30", "-s", "t", "sh"}).exit_code == 0;
  }
  ~TmuxPane() {
    Tmux({"kill-server"});
    // tmux leaves the socket file behind: remove it (tmux(1): $TMUX_TMPDIR or /tmp, then tmux-UID).
    auto dir = env_.count("TMUX_TMPDIR") ? env_.at("TMUX_TMPDIR") : std::string("/tmp");
    std::error_code ec;
    fs::remove(fs::path(dir) / ("tmux-" + std::to_string(getuid())) / socket_, ec);
  }
  bool started() const { return started_; }

  RunResult Tmux(std::vector<std::string> args) const {
    std::vector<std::string> argv{tmux_, "-L", socket_, "-f", "/dev/null"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(cwd_, argv, env_, "", 10s);
  }
  // Types `line` and Enter.
  void Type(const std::string& line) const {
    Tmux({"send-keys", "-t", "t", "-l", line});
    Tmux({"send-keys", "-t", "t", "Enter"});
  }
  // The visible screen; with escapes, as SGR codes (capture-pane -e).
  std::string Screen(bool escapes = false) const {
    std::vector<std::string> args{"capture-pane", "-p", "-t", "t"};
    if (escapes) args.push_back("-e");
    return Tmux(args).out;
  }
  // Polls the screen until `done` holds (true) or `timeout` passes (false);
  // `each` sees every screen captured on the way.
  bool WaitFor(const std::function<bool(const std::string&)>& done,
               std::chrono::milliseconds timeout,
               const std::function<void(const std::string&)>& each = {}) const {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      std::string s = Screen();
      if (each) each(s);
      if (done(s)) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  // Clears the screen and the scrollback, so that old output cannot match.
  void ClearScreen() const {
    Type("printf '\\033[H\\033[2J'");
    std::this_thread::sleep_for(100ms);
    Tmux({"clear-history", "-t", "t"});
  }

 private:
  std::string tmux_;
  fs::path cwd_;
  std::map<std::string, std::string> env_;
  std::string socket_;
  bool started_ = false;
};

// `count` files of `size` bytes of distinct pseudo-random content in `dir`.
void WriteFiles(const fs::path& dir, const std::string& prefix, int count, size_t size,
                uint64_t seed) {
  fs::create_directories(dir);
  std::mt19937_64 rng(seed);
  std::string buf(size, '\0');
  for (int i = 0; i < count; ++i) {
    for (size_t k = 0; k + 8 <= size; k += 8) {
      uint64_t v = rng();
      std::memcpy(&buf[k], &v, 8);
    }
    testing::WriteFile(dir / (prefix + std::to_string(i)), buf);
  }
}

class TtyTest : public RepoTest {
 protected:
  void SetUp() override {
    tmux_ = FindTmux();
    if (tmux_.empty())
      GTEST_SKIP() << "tmux is not installed: the terminal tests need it (apt-get install tmux)";
    RepoTest::SetUp();
  }
  std::string tmux_;
};

bool ShowsProgress(const std::string& screen) {
  return (Contains(screen, "Hashing") || Contains(screen, "Scanning")) &&
         (Contains(screen, " files") || Contains(screen, " entries"));
}

TEST_F(TtyTest, ProgressDuringALongSnapshotAndGoneAfter) {
  TmuxPane pane(tmux_, Ws(), {});
  ASSERT_TRUE(pane.started()) << pane.Tmux({"ls"}).Describe();
  const std::string jvs = JVS_BINARY;
  // A genuinely long snapshot: many MiB of new content to read, hash and
  // store. On a fast machine it may finish before the line is due (250 ms):
  // then more is added and the next snapshot reads only the new files.
  bool seen = false;
  std::string progress_screen, final_screen;
  double last_seconds = 0;
  for (int round = 0; round < 4 && !seen; ++round) {
    WriteFiles(Ws() / ("big" + std::to_string(round)), "f", 192 << round, 1 << 20,
               1000 + static_cast<uint64_t>(round));
    pane.ClearScreen();
    std::string done = "SNAPSHOT-DONE-" + std::to_string(round);
    auto t0 = std::chrono::steady_clock::now();
    // The marker is printed as $((N)) so that the typed command does not match it.
    pane.Type("'" + jvs + "' snapshot round" + std::to_string(round) + "; echo SNAPSHOT-DONE-$((" +
              std::to_string(round) + "))");
    bool finished = pane.WaitFor([&](const std::string& s) { return Contains(s, done); }, 300s,
                                 [&](const std::string& s) {
                                   if (!seen && ShowsProgress(s)) {
                                     seen = true;
                                     progress_screen = s;
                                   }
                                 });
    last_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(finished) << pane.Screen();
    final_screen = pane.Screen();
    ASSERT_TRUE(Contains(final_screen, "Created snapshot")) << final_screen;
    if (!seen) {
      EXPECT_LT(last_seconds, 1.0) << "a snapshot of " << last_seconds << " s showed no progress:\n"
                                   << final_screen;
    }
  }
  ASSERT_TRUE(seen) << "no progress line in any round (last round took " << last_seconds << " s)\n"
                    << final_screen;
  // The line: phase, counts with totals, bytes, rate.
  EXPECT_TRUE(Contains(progress_screen, "/")) << progress_screen;
  // Gone afterwards: the final screen has no trace of it.
  EXPECT_FALSE(ShowsProgress(final_screen)) << final_screen;
  EXPECT_FALSE(Contains(final_screen, "ETA")) << final_screen;
  EXPECT_FALSE(Contains(final_screen, "MiB/s")) << final_screen;

  // --no-progress and --quiet: nothing, however long it takes.
  WriteFiles(Ws() / "more", "g", 192, 1 << 20, 77);
  pane.ClearScreen();
  bool leaked = false;
  pane.Type("'" + jvs + "' --no-progress snapshot; echo QUIET-DONE-$((1))");
  ASSERT_TRUE(pane.WaitFor([](const std::string& s) { return Contains(s, "QUIET-DONE-1"); }, 300s,
                           [&](const std::string& s) { leaked = leaked || ShowsProgress(s); }));
  EXPECT_FALSE(leaked) << "--no-progress draws nothing";
}

TEST_F(TtyTest, ColourOnTheTerminalOnly) {
  Write("a.txt", "a\n");
  std::string id = Snap("first", {"v1"});
  TmuxPane pane(tmux_, Ws(), {{"LC_ALL", "C.UTF-8"}});
  ASSERT_TRUE(pane.started()) << pane.Tmux({"ls"}).Describe();
  const std::string jvs = "'" + std::string(JVS_BINARY) + "'";
  // The output of each command, with escapes, between two markers.
  auto output_of = [&](const std::string& command, int n) {
    pane.ClearScreen();
    std::string begin = "BEGIN-" + std::to_string(n), end = "END-" + std::to_string(n);
    pane.Type("echo BEGIN-$((" + std::to_string(n) + ")); " + command + "; echo END-$((" +
              std::to_string(n) + "))");
    EXPECT_TRUE(pane.WaitFor([&](const std::string& s) { return Contains(s, end + "\n"); }, 60s))
        << pane.Screen();
    std::string s = pane.Screen(/*escapes=*/true);
    size_t b = s.find(begin + "\n");
    size_t e = s.find(end + "\n", b == std::string::npos ? 0 : b);
    if (b == std::string::npos || e == std::string::npos) return s;
    return s.substr(b + begin.size() + 1, e - b - begin.size() - 1);
  };
  std::string tty = output_of(jvs + " history --all", 1);
  EXPECT_TRUE(Contains(tty, id.substr(0, 8).substr(4))) << tty;
  EXPECT_TRUE(Contains(tty, "\x1b[")) << "colour on a terminal:\n" << tty;
  std::string piped = output_of(jvs + " history --all | cat", 2);
  EXPECT_TRUE(Contains(piped, id.substr(0, 8))) << piped;
  EXPECT_FALSE(Contains(piped, "\x1b[")) << "no colour on a pipe:\n" << piped;
  std::string no_color = output_of("NO_COLOR=1 " + jvs + " history --all", 3);
  EXPECT_TRUE(Contains(no_color, id.substr(0, 8))) << no_color;
  EXPECT_FALSE(Contains(no_color, "\x1b[")) << "NO_COLOR:\n" << no_color;
  std::string flag = output_of(jvs + " --no-color op log", 4);
  EXPECT_FALSE(Contains(flag, "\x1b[")) << "--no-color:\n" << flag;
  std::string dumb = output_of("TERM=dumb " + jvs + " history", 5);
  EXPECT_FALSE(Contains(dumb, "\x1b[")) << "TERM=dumb:\n" << dumb;
}

}  // namespace
}  // namespace jvs::e2e
