#include "context.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "commands.h"
#include "jvs/base/change_id.h"
#include "jvs/base/fault.h"
#include "remedy.h"
#include "jvs/base/thread_pool.h"
#include "jvs/base/timeutil.h"
#include "jvs/repo/history.h"
#include "jvs/repo/refs.h"
#include "quote.h"

namespace jvs::cli {

namespace {
std::optional<std::string> Getenv(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}
}  // namespace

int ExitCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return kExitUsage;
    case ErrorCode::kCorrupt: return kExitIntegrity;
    case ErrorCode::kLocked: return kExitLocked;
    case ErrorCode::kInterrupted: return kExitInterrupted;
    default: return kExitFailed;
  }
}

Status Context::Init() {
  std::error_code ec;
  cwd = fs::current_path(ec);
  if (ec) return Error(ErrorCode::kNotFound, "the current directory no longer exists", "cd to a valid directory");
  // JVS_USER is applied with the configuration (it overrides user.name).
  if (auto u2 = Getenv("USER")) {
    settings.user = *u2;
  } else if (struct passwd* pw = getpwuid(getuid())) {
    settings.user = pw->pw_name;
  }
  if (auto h = Getenv("JVS_HOST")) {
    settings.host = *h;
  } else {
    char buf[256] = {0};
    if (gethostname(buf, sizeof(buf) - 1) == 0 && buf[0]) settings.host = buf;
  }
  if (auto t = Getenv("JVS_TIMESTAMP")) {
    auto ns = ParseTimestamp(*t);
    if (!ns.ok()) return Error(ErrorCode::kInvalidArgument, "JVS_TIMESTAMP: " + ns.error().message(), FullHint(ns.error()));
    settings.pinned_time_ns = *ns;
  }
  if (auto s = Getenv("JVS_RANDOMNESS_SEED")) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(s->c_str(), &end, 10);
    if (!end || *end) return Error(ErrorCode::kInvalidArgument, "JVS_RANDOMNESS_SEED must be an integer");
    settings.random_seed = v;
  }
  if (auto l = Getenv("JVS_LOCK_TIMEOUT_MS")) {
    char* end = nullptr;
    long v = std::strtol(l->c_str(), &end, 10);
    if (!end || *end || v < 0) return Error(ErrorCode::kInvalidArgument, "JVS_LOCK_TIMEOUT_MS must be a number of milliseconds");
    settings.lock_wait = std::chrono::milliseconds(v);
  }
#ifdef JVS_FAULT_INJECTION
  if (auto f = Getenv("JVS_FAULT_POINT")) {
    Status armed = fault::Arm(*f);
    if (!armed.ok()) return armed;
  }
#endif
  if (auto p = Getenv("PATH")) settings.program_path = *p;
  if (auto t = Getenv("JVS_THREADS")) {
    char* end = nullptr;
    long v = std::strtol(t->c_str(), &end, 10);
    if (!end || *end || !ThreadPool::SetSharedSize(v > 0 ? static_cast<size_t>(v) : 0))
      return Error(ErrorCode::kInvalidArgument, "JVS_THREADS must be a number of threads from 1 to 256",
                   "unset JVS_THREADS to size the pool by the number of cores");
  }
  std::string cmd;
  for (const auto& a : argv) {
    if (!cmd.empty()) cmd += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$`*?") == std::string::npos;
    if (plain) {
      cmd += a;
    } else {
      cmd += '\'';
      for (char c : a) cmd += (c == '\'') ? std::string("'\\''") : std::string(1, c);
      cmd += '\'';
    }
  }
  settings.command = cmd;
  return OkStatus();
}

std::optional<fs::path> Context::UserConfigPath() const {
  if (auto x = Getenv("XDG_CONFIG_HOME"); x && fs::path(*x).is_absolute()) return fs::path(*x) / "jvs" / "config.toml";
  if (auto h = Getenv("HOME")) return fs::path(*h) / ".config" / "jvs" / "config.toml";
  return std::nullopt;
}

std::optional<fs::path> Context::RepoConfigPath() const {
  fs::path start = g.repo.empty() ? cwd : fs::path(g.repo);
  auto root = Repo::FindRoot(Env::Default(), start);
  if (!root.ok()) return std::nullopt;
  return *root / kControlDirName / "config.toml";
}

Status Context::LoadConfig() {
  ConfigSources src;
  src.user_file = UserConfigPath();
  src.repo_file = RepoConfigPath();
  for (const auto& k : ConfigKeys())
    if (!k.env_var.empty())
      if (auto v = Getenv(std::string(k.env_var).c_str())) src.env[std::string(k.env_var)] = *v;
  auto loaded = Config::Load(Env::Default(), src);
  if (!loaded.ok()) return loaded.error();
  config = std::move(*loaded);
  for (const auto& w : config.warnings()) Warn(w);
  if (auto name = config.user_name()) settings.user = *name;
  if (auto email = config.user_email()) settings.email = *email;
  if (auto engine = config.Get("core.engine")) {
    settings.engine = std::get<std::string>(engine->value);
    settings.engine_origin = engine->origin == ConfigOrigin::kEnv
                                 ? std::string()
                                 : "core.engine = " + *settings.engine + " in " + engine->source;
  }
  settings.ignore_patterns = config.ignore_patterns();
  settings.conflict_style = ConflictStyleFromName(config.conflict_style()).value_or(ConflictStyle::kDiff);
  // ui.color is the default of --color (JVS_COLOR, then the files).
  std::string color = config.ui_color();
  if (g.color == "auto" && (color == "always" || color == "never")) g.color = color;
  if (!config.ui_progress()) g.no_progress = true;
  return OkStatus();
}

void Context::RejectPaths() const {
  if (has_dashdash && !paths_used)
    Fail(ErrorCode::kInvalidArgument, "this command takes no paths after '--'",
         "diff, restore, history, file list, squash and split accept '-- PATHS'");
}

std::unique_ptr<Repo> Context::OpenRepo(bool allow_at_op) {
  RejectPaths();
  fs::path start = g.repo.empty() ? cwd : fs::path(g.repo);
  if (!g.repo.empty() && !fs::exists(start))
    Fail(ErrorCode::kNotFound, "--repo path '" + g.repo + "' does not exist",
         "give the path of a repository or of one of its worktrees");
  // Long work shows progress on a terminal (never with --json or --quiet).
  if (!progress_ && !g.json && !g.quiet && !g.no_progress) progress_ = MakeTerminalProgress();
  settings.progress = progress_.get();
  std::optional<std::string> at;
  if (!g.at_op.empty()) {
    if (!allow_at_op)
      Fail(ErrorCode::kInvalidArgument, "--at-op only works with read-only commands",
           "drop --at-op; to go back to an earlier operation, use 'jvs op restore'");
    at = g.at_op;
  }
  auto repo = Check(Repo::Open(Env::Default(), start, settings, at));
  repo->set_command_worktree(CurrentWorktree(*repo));  // recorded by every operation it publishes
  for (const auto& w : repo->TakeWarnings()) Warn(w);  // e.g. a merge of concurrent operations
  return repo;
}

std::string Context::CurrentWorktree(Repo& repo) {
  if (!g.repo.empty()) {
    std::error_code ec;
    fs::path r = fs::canonical(g.repo, ec);
    if (!ec && r != fs::canonical(repo.root(), ec)) return repo.WorktreeForPath(r);
    // -R at the repository root: use the worktree of the current directory if
    // it is inside this repository, else main.
    fs::path c = fs::weakly_canonical(cwd, ec);
    fs::path root = fs::canonical(repo.root(), ec);
    auto [a, b] = std::mismatch(root.begin(), root.end(), c.begin(), c.end());
    (void)b;
    if (a == root.end()) return repo.WorktreeForPath(cwd);
    return kMainWorktree;
  }
  return repo.WorktreeForPath(cwd);
}

std::string Context::ExistingWorktree(Repo& repo) {
  std::string name = CurrentWorktree(repo);
  if (!repo.view().worktrees.count(name) && repo.env()->Exists(repo.WorktreeControlDir(name) / "fork_pending"))
    (void)Check(Workspace::Open(repo, name));  // says it is the leftover of an interrupted fork
  if (!repo.view().worktrees.count(name))
    Fail(ErrorCode::kNotFound, "worktree '" + name + "' does not exist in the current operation",
         "it was removed, or an undo/op restore went back to before it existed; 'jvs op log' shows what "
         "happened, and 'jvs undo' or 'jvs op restore OP' brings it back");
  return name;
}

std::unique_ptr<Workspace> Context::OpenWorkspace(Repo& repo) {
  std::string name = CurrentWorktree(repo);
  if (name == kMainWorktree && g.repo.empty()) {
    // Main is the fallback of WorktreeForPath: make sure the directory is
    // really main's (or the repository's root), not a worktree whose record
    // in .jvs/worktrees was lost; acting on main from there would be wrong.
    std::error_code ec;
    fs::path here = fs::weakly_canonical(cwd, ec);
    auto inside = [&here, &ec](const fs::path& dir) {
      fs::path d = fs::weakly_canonical(dir, ec);
      auto [a, b] = std::mismatch(d.begin(), d.end(), here.begin(), here.end());
      (void)b;
      return a == d.end();
    };
    auto main_path = repo.WorktreePath(kMainWorktree);
    if (here != fs::weakly_canonical(repo.root(), ec) && main_path.ok() && !inside(*main_path))
      Fail(ErrorCode::kNotFound,
           "'" + cwd.string() + "' is inside repository '" + repo.root().string() + "' but in none of its worktrees",
           "if this is a worktree, its record in .jvs/worktrees is missing: 'jvs doctor' checks the records and "
           "'jvs doctor --repair' restores them; 'jvs worktree list' shows where each worktree is");
  }
  auto ws = Check(Workspace::Open(repo, name));
  if (repo.read_only()) return ws;
  // Another command moved this worktree's head (undo or op restore from
  // elsewhere): bring the files along first, saving local changes.
  if (auto old_head = Check(ws->StaleFrom())) {
    auto r = Check(ws->UpdateStale(*old_head));
    if (r.skipped) return ws;  // another command brought it up to date meanwhile
    std::string msg = "worktree " + ws->name() + " was changed by another command; its files were updated to " +
                      (r.target.is_zero() ? std::string("(no snapshot)") : repo.ShortId(r.target));
    if (r.captured) msg += "; local changes saved as snapshot " + repo.ShortId(*r.captured);
    Warn(msg);
  }
  return ws;
}

RepoPath Context::ToRepoPath(const Workspace& ws, const std::string& arg) {
  if (arg.empty()) Fail(ErrorCode::kInvalidArgument, "empty path", "give a path inside the worktree");
  // Lexical only: a symlink inside the workspace is a stored entry, never
  // followed. Symlinks above the workspace (e.g. /tmp -> /private/tmp) are
  // handled by trying both the given and the canonical workspace root.
  fs::path p = (fs::path(arg).is_absolute() ? fs::path(arg) : cwd / arg).lexically_normal();
  std::error_code ec;
  std::string s;
  bool inside = false;
  for (const fs::path& root : {ws.path().lexically_normal(), fs::weakly_canonical(ws.path(), ec)}) {
    fs::path rel = p.lexically_relative(root);
    s = rel.generic_string();
    if (!rel.empty() && s != ".." && s.rfind("../", 0) != 0) {
      inside = true;
      break;
    }
  }
  if (!inside)
    Fail(ErrorCode::kInvalidArgument, "path '" + arg + "' is outside the workspace '" + ws.path().string() + "'",
         "give paths inside the worktree, relative to the current directory");
  while (!s.empty() && s.back() == '/') s.pop_back();
  if (s == "." || s.empty()) return RepoPath();
  if (s == kControlDirName || s.rfind(std::string(kControlDirName) + "/", 0) == 0)
    Fail(ErrorCode::kInvalidArgument, "path '" + arg + "' is inside the control folder",
         "give a path inside the workspace");
  auto r = RepoPath::Parse(s);
  if (!r.ok()) Fail(ErrorCode::kInvalidArgument, r.error().message(), "give a path inside the worktree");
  return *r;
}

SnapshotId Context::Resolve(Repo& repo, const std::string& worktree, const std::string& ref) {
  auto plain = ResolveRef(repo, worktree, ref);
  if (plain.ok()) return *plain;
  // A revset expression (docs/revsets.md) works wherever one snapshot is
  // meant, when it names exactly one. Only text with revset syntax is taken
  // for one, so a mistyped reference keeps its own message.
  const bool revset_syntax = ref.find_first_of("()|&") != std::string::npos ||
                             ref.find("::") != std::string::npos || ref.find("..") != std::string::npos ||
                             (ref.size() > 1 && (ref.back() == '-' || ref.back() == '+'));
  if (!revset_syntax) return Check(std::move(plain));
  const std::vector<SnapshotId> ids = EvaluateRevsetOrFail(*this, repo, worktree, ref);
  if (ids.size() == 1) return ids.front();
  if (ids.empty())
    Fail(ErrorCode::kNotFound, "the revset '" + ref + "' names no snapshot",
         "'jvs history -r REVSET' shows what a revset names");
  std::string list;
  for (size_t i = 0; i < ids.size() && i < 5; ++i) list += (i ? ", " : "") + repo.ShortId(ids[i]);
  if (ids.size() > 5) list += ", ...";
  Fail(ErrorCode::kAmbiguous,
       "the revset '" + ref + "' names " + std::to_string(ids.size()) + " snapshots where one is needed: " + list,
       "narrow it down, for example with latest(...) or heads(...)");
}

void Context::Out(const std::string& text) const {
  if (g.json) return;
  std::fwrite(text.data(), 1, text.size(), stdout);
}

const Style& Context::style() {
  if (!style_) {
    ColorWhen when = ColorWhen::kAuto;
    (void)ParseColorWhen(g.color, &when);  // validated by the option parser
    style_ = Style(!g.json && ColorEnabled(when, g.no_color, std::getenv("NO_COLOR"), std::getenv("TERM"),
                                           ::isatty(STDOUT_FILENO) != 0));
  }
  return *style_;
}

std::string Context::Id(Repo& repo, const SnapshotId& id) {
  if (!style().enabled()) return repo.ShortId(id);
  // The shortest prefix that identifies `id` (what Repo::ShortId widens to 8),
  // but at least the 4 digits a reference needs.
  std::string hex = id.hex();
  size_t unique = 1;
  if (auto matches = repo.store().SnapshotsInFanout(std::string_view(hex).substr(0, 2)); matches.ok()) {
    for (const auto& m : **matches) {
      if (m == id) continue;
      std::string other = m.hex();
      size_t common = 0;
      while (common < hex.size() && hex[common] == other[common]) ++common;
      unique = std::max(unique, common + 1);
    }
  }
  size_t shown = repo.ShortId(id).size();
  return style().Id(hex, std::max<size_t>(unique, 4), shown);
}

std::string Context::ChangeId(const ChangeIndex& index, const std::string& change_hex) {
  const std::string rev = ChangeIdToReverseHex(change_hex).value_or(change_hex);
  const size_t unique = index.UniquePrefixLength(change_hex);
  const size_t shown = std::max<size_t>(unique, 8);
  if (!style().enabled()) return rev.substr(0, shown);
  return style().Change(rev, unique, shown);
}

std::string Context::Ago(const std::string& rfc3339) const {
  auto then = ParseTimestamp(rfc3339);
  if (!then.ok()) return rfc3339;
  int64_t now = settings.pinned_time_ns
                    ? *settings.pinned_time_ns
                    : std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return RelativeTime(*then, now);
}

void Context::Warn(const std::string& text) const {
  if (g.quiet) return;
  if (progress_) progress_->Clear();
  std::fprintf(stderr, "jvs: warning: %s\n", EscapeText(text).c_str());
}

void Context::Debug(const std::string& text) const {
  if (g.debug && progress_) progress_->Clear();
  if (g.debug) std::fprintf(stderr, "jvs: debug: %s\n", EscapeText(text).c_str());
}

void Context::PrintJson(const json& j) const {
  std::string s = j.dump(2, ' ', false, json::error_handler_t::replace);
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fputc('\n', stdout);
}

json SnapshotJson(Repo& repo, const SnapshotId& id, const Snapshot& s) {
  json parents = json::array();
  for (const auto& p : s.parents) parents.push_back(p.hex());
  std::vector<std::string> tags;
  for (const auto& t : TagsOf(repo.view(), id)) tags.push_back(t);
  json j{{"snapshot_id", id.hex()},
              {"short_id", repo.ShortId(id)},
              {"parent_id", s.parents.empty() ? json(nullptr) : json(s.parents[0].hex())},
              {"parents", parents},
              {"change_id", ChangeIdToReverseHex(s.change_id).value_or(s.change_id)},
              {"worktree_name", s.worktree},
              {"created_at", s.created_at},
              {"author", s.author},
              {"note", s.note},
              {"tags", tags},
              {"engine", s.engine},
              {"payload_root_hash", s.conflicted() ? json(nullptr) : json(s.root_terms[0].hex())},
              {"descriptor_checksum", id.hex()},
              {"conflicted", s.conflicted()}};
  if (s.conflicted()) {
    // The root's terms (add0, remove0, add1, ...): a conflicted snapshot has no single payload root.
    json terms = json::array();
    for (const auto& t : s.root_terms) terms.push_back(t.hex());
    j["root_trees"] = terms;
  }
  SetNameJson(j, "worktree_name", s.worktree);
  SetNameJson(j, "note", s.note);
  SetNamesJson(j, "tags", tags);
  return j;
}

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace jvs::cli
