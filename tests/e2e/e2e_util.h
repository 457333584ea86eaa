// Helpers for end-to-end tests: run the real `jvs` binary (or any program)
// hermetically in a temporary directory, parse its JSON output, and describe a
// directory tree as a manifest that can be compared byte for byte.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "test_util.h"

// A jvs run that must succeed; on failure the message shows the command
// line, the exit code and both streams.
#define ASSERT_OK(r) ASSERT_EQ((r).exit_code, 0) << (r).Describe()
#define EXPECT_OK(r) EXPECT_EQ((r).exit_code, 0) << (r).Describe()

namespace jvs::e2e {

namespace fs = std::filesystem;
using nlohmann::json;
using jvs::testing::Contains;

// The outcome of one process run.
struct RunResult {
  int exit_code = -1;  // 128+signal when killed by a signal
  std::string out;     // stdout
  std::string err;     // stderr
  bool timed_out = false;
  std::vector<std::string> argv;

  // stdout parsed as JSON (a failed expectation and null when it is not JSON).
  json Json() const;
  // The command line, exit code and both streams, for failure messages.
  std::string Describe() const;
};

// Environment overrides: a value replaces (or adds) the variable; std::nullopt
// removes it from the clean environment.
using EnvOverrides = std::map<std::string, std::optional<std::string>>;

// HOME for every process the tests start: one private directory per test
// process, created on first use and removed at exit.
const fs::path& TestHome();

// The clean environment: PATH, HOME=TestHome(), LC_ALL=C, and the pinned
// JVS_USER=test, JVS_HOST=testhost, JVS_TIMESTAMP=2026-01-01T00:00:00Z,
// JVS_RANDOMNESS_SEED=42; then `overrides` applied.
std::map<std::string, std::string> CleanEnv(const EnvOverrides& overrides = {});

constexpr std::chrono::milliseconds kDefaultTimeout{60000};

// Runs `argv` (argv[0] is an absolute path; it is not looked up in PATH) in
// `cwd` with exactly `env`, feeding `stdin_data`. Kills the process after
// `timeout` (then timed_out is set). Never throws for a failing child.
RunResult RunProcess(const fs::path& cwd, const std::vector<std::string>& argv,
                     const std::map<std::string, std::string>& env, const std::string& stdin_data = "",
                     std::chrono::milliseconds timeout = kDefaultTimeout);

// Runs the jvs binary under test with the clean environment.
RunResult Jvs(const fs::path& cwd, std::vector<std::string> args, std::string stdin_data = "");
RunResult JvsEnv(const fs::path& cwd, std::vector<std::string> args, const EnvOverrides& overrides,
                 std::string stdin_data = "", std::chrono::milliseconds timeout = kDefaultTimeout);

// Parses JSON text; records a test failure (with the text) and returns null
// when it is not valid JSON.
json ParseJson(const std::string& text);

// A child process that keeps running while the test does other things, with
// pipes on its stdin, stdout and stderr.
class Child {
 public:
  Child(const fs::path& cwd, const std::vector<std::string>& argv,
        const std::map<std::string, std::string>& env);
  ~Child();  // kills the child if it still runs
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Reads stdout until it contains `marker` or `timeout` passes; false on timeout or EOF.
  bool WaitForOutput(const std::string& marker, std::chrono::milliseconds timeout);
  // Writes `data` to stdin, closes stdin and waits for the exit (kills after timeout).
  RunResult Finish(const std::string& data, std::chrono::milliseconds timeout = kDefaultTimeout);
  const std::string& out() const { return out_; }

 private:
  pid_t pid_ = -1;
  int in_ = -1, outfd_ = -1, errfd_ = -1;
  std::string out_, err_;
  std::vector<std::string> argv_;
};

// One entry of a manifest: what a path is, bit for bit.
struct ManifestEntry {
  char type = '?';        // 'f' file, 'd' directory, 'l' symlink
  bool exec = false;      // files: owner executable bit
  std::string content;    // files: SHA-256 hex of the content; symlinks: the target
  uint64_t size = 0;      // files: size in bytes

  bool operator==(const ManifestEntry&) const = default;
};
using Manifest = std::map<std::string, ManifestEntry>;

// Every path below `root` (relative, '/'-separated), including empty
// directories, without following symlinks. The control folder `.jvs` at the
// root is left out. Other file types (FIFOs, sockets) are recorded as 'o'.
Manifest TakeManifest(const fs::path& root);
// Human-readable differences between two manifests ("" when equal).
std::string ManifestDiff(const Manifest& expected, const Manifest& actual);

// Every path below `root` with its type and full content (symlink targets
// too): for checking that a directory was left exactly as it was.
std::map<std::string, std::string> DumpTree(const fs::path& root);

// SHA-256 of a file's content (lowercase hex).
std::string HashFile(const fs::path& p);

// Inode number of `p` (following symlinks).
ino_t InodeOf(const fs::path& p);

// True when running as root (permission bits do not stop root).
bool RunningAsRoot();

// Runs `args` in `cwd` twice, as text and with --json, and checks the error
// contract of CLI.md: exit code `exit_code` in both forms; in text form
// nothing on stdout and stderr "jvs: error: <what>" followed by a line
// "hint: <what to do>"; with --json also {"error": {"code": "E_...",
// "message", "hint"}} on stdout. `message_part`, when given, must appear in
// the message. Returns the text-form result.
// With HintCheck::kNotChecked the hint may be empty (for errors known to lack one;
// ErrorTest.EveryErrorHasAHint lists those).
enum class HintCheck { kRequired, kNotChecked };
RunResult ExpectError(const fs::path& cwd, const std::vector<std::string>& args, int exit_code,
                      const std::string& message_part = "", HintCheck hint = HintCheck::kRequired);

// A fresh repository made with `jvs init repo` in a temporary directory;
// the workspace is repo/main.
class RepoTest : public ::testing::Test {
 protected:
  void SetUp() override;

  fs::path Root() const { return tmp_.path() / "repo"; }
  fs::path Ws() const { return Root() / "main"; }
  fs::path Tmp() const { return tmp_.path(); }

  // jvs ARGS in the workspace.
  RunResult Run(std::vector<std::string> args, std::string stdin_data = "") const;
  // jvs --json ARGS in the workspace; expects exit 0 and returns the JSON.
  json RunJson(std::vector<std::string> args) const;
  // Takes a snapshot (note optional) and returns its full id.
  std::string Snap(const std::string& note = "", const std::vector<std::string>& tags = {}) const;
  void Write(const std::string& rel, const std::string& content) const;
  std::string Read(const std::string& rel) const;

  // Several worktrees. jvs --json ARGS in `dir`; expects exit 0 (else a test
  // failure and null).
  json In(const fs::path& dir, std::vector<std::string> args) const;
  // A snapshot in `dir`; returns its full id ("" on failure).
  std::string SnapIn(const fs::path& dir, const std::string& note) const;
  // Forks worktree `name` from main's head; returns its path.
  fs::path Fork(const std::string& name) const;
  static std::string ReadAt(const fs::path& p);
  static void WriteAt(const fs::path& p, const std::string& s);
  // Every visible snapshot (history --all), by id.
  std::map<std::string, json> Visible() const;
  // The head of the worktree at `dir` ("" when it has none).
  std::string Head(const fs::path& dir) const;

  jvs::testing::TempDir tmp_;
};


// ---- helpers for the operation-log tests ----

// Parses JSON output that is either one JSON array or JSON lines (one value a
// line); records a test failure and returns what it could parse otherwise.
std::vector<json> ParseJsonRecords(const std::string& text);

// The names in `dir`, sorted (empty when it cannot be listed).
std::vector<std::string> ListDirNames(const fs::path& dir);

// Holds an exclusive flock(2) on `path` (created if missing) while alive.
class FileLock {
 public:
  explicit FileLock(const fs::path& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool locked() const { return locked_; }
  void Release();

 private:
  int fd_ = -1;
  bool locked_ = false;
};

// A process running in the background with stdin from /dev/null and stdout
// and stderr going to files (no pipes to pump), so that many can run at once
// and any of them can be killed at any moment.
class BackgroundProcess {
 public:
  // `log_prefix` names the output files: <log_prefix>.out and <log_prefix>.err.
  BackgroundProcess(const fs::path& cwd, const std::vector<std::string>& argv,
                    const std::map<std::string, std::string>& env, const fs::path& log_prefix);
  ~BackgroundProcess();  // kills the process if it still runs
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Non-blocking: the exit code (128+signal when killed) once it has exited.
  std::optional<int> Poll();
  // Waits up to `timeout` (then kills) and returns the exit code.
  int Wait(std::chrono::milliseconds timeout = kDefaultTimeout);
  void Kill(int sig);
  bool running() const { return !exit_code_; }
  std::string Out() const;
  std::string Err() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  fs::path out_path_, err_path_;
};

// Waits until process `pid` has `file` open (e.g. it reached a lock and
// holds or waits for it); false after `limit`.
bool WaitUntilOpen(pid_t pid, const fs::path& file, std::chrono::milliseconds limit);

}  // namespace jvs::e2e
