// Shared state of one jvs invocation: global options, settings built from the
// environment, output helpers (text/JSON), and the mapping of library errors
// to messages, hints and exit codes.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "color.h"
#include "humanize.h"
#include "jvs/config/config.h"
#include "jvs/repo/change_ids.h"
#include "jvs/repo/repo.h"
#include "jvs/repo/workspace.h"
#include "progress.h"

namespace jvs::cli {

namespace fs = std::filesystem;
using nlohmann::json;

enum ExitCode { kExitOk = 0, kExitFailed = 1, kExitUsage = 2, kExitIntegrity = 3, kExitLocked = 4, kExitInterrupted = 130 };

struct GlobalOptions {
  std::string repo;  // -R
  bool json = false;
  bool no_color = false;
  std::string color = "auto";  // --color=auto|always|never
  bool no_progress = false;
  bool quiet = false;
  bool debug = false;
  std::string at_op;
};

// A command failed: carries the library error to main().
struct CommandError {
  Error error;
};

class Context {
 public:
  GlobalOptions g;
  Settings settings;
  std::vector<std::string> argv;
  std::vector<std::string> paths;  // arguments after "--"
  bool has_dashdash = false;
  bool paths_used = false;  // set by commands that accept "-- PATHS"

  // Builds settings from JVS_* variables; errors on malformed values.
  Status Init();
  // Loads the user and repository configuration files and the environment
  // overrides (see jvs/config.h) into `config`, and fills `settings` and the
  // ui options from them. Called once the command line is parsed.
  Status LoadConfig();
  // The user configuration file: $XDG_CONFIG_HOME/jvs/config.toml, else
  // ~/.config/jvs/config.toml (nullopt without HOME).
  std::optional<fs::path> UserConfigPath() const;
  // The configuration file of the repository found from -R or the current
  // directory (nullopt outside a repository).
  std::optional<fs::path> RepoConfigPath() const;

  // Fails when "-- PATHS" was given to a command that takes none.
  void RejectPaths() const;
  // Opens the repository (from -R or the current directory).
  std::unique_ptr<Repo> OpenRepo(bool allow_at_op = true);
  // The worktree the current directory is in (possibly one the current view
  // no longer has).
  std::string CurrentWorktree(Repo& repo);
  // Same, but fails clearly when the current view does not have that worktree.
  std::string ExistingWorktree(Repo& repo);
  std::unique_ptr<Workspace> OpenWorkspace(Repo& repo);
  // Converts a user path (relative to the current directory) to a path inside the workspace.
  RepoPath ToRepoPath(const Workspace& ws, const std::string& arg);
  SnapshotId Resolve(Repo& repo, const std::string& worktree, const std::string& ref);

  // Colour for text on stdout (decided on first use, once options are parsed).
  const Style& style();
  // A snapshot id for text output: Repo::ShortId, with the part that
  // identifies it highlighted when colour is on.
  std::string Id(Repo& repo, const SnapshotId& id);
  // A change id (stored hex) for text output in reverse hex: at least 8
  // letters, more when `index` needs them to tell it apart, the unique part
  // highlighted when colour is on.
  std::string ChangeId(const ChangeIndex& index, const std::string& change_hex);
  // "3 minutes ago" for an RFC 3339 time, against JVS_TIMESTAMP when set (so
  // that tests are reproducible), else the clock; the time itself if unreadable.
  std::string Ago(const std::string& rfc3339) const;
  // The terminal progress line, if any (created by OpenRepo on a terminal).
  TerminalProgress* progress() const { return progress_.get(); }

  // Output. Text goes to stdout unless --json; `Out` prints text mode only.
  void Out(const std::string& text) const;
  void Warn(const std::string& text) const;  // stderr, unless --quiet
  void Debug(const std::string& text) const;
  void PrintJson(const json& j) const;

  fs::path cwd;
  Config config;  // the effective configuration, after LoadConfig

 private:
  std::optional<Style> style_;
  std::unique_ptr<TerminalProgress> progress_;
};

// Throws CommandError (caught in main) when `r` is an error.
template <typename T>
T Check(Result<T> r) {
  if (!r.ok()) throw CommandError{std::move(r).error()};
  return std::move(r).value();
}
inline void Check(Status s) {
  if (!s.ok()) throw CommandError{std::move(s).error()};
}
[[noreturn]] inline void Fail(ErrorCode code, std::string message, std::string hint = {}) {
  throw CommandError{Error(code, std::move(message), std::move(hint))};
}

int ExitCodeFor(ErrorCode code);

// JSON of one snapshot with the keys of docs/cli.md.
json SnapshotJson(Repo& repo, const SnapshotId& id, const Snapshot& s);
std::string FirstLine(const std::string& s);

}  // namespace jvs::cli
