// jvs merge: bring other lines into this worktree; jvs resolve: list and
// resolve the conflicts its files hold. Conflicts never stop a merge: they are
// recorded in the merge snapshot and written into the files
// (docs/conflicts.md).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "commands.h"

namespace jvs::cli {

json PathValueJson(const PathValue& v) {
  if (!v) return json{{"kind", "absent"}};
  const char* kind = v->kind == EntryKind::kTree         ? "tree"
                     : v->kind == EntryKind::kSymlink    ? "symlink"
                     : v->kind == EntryKind::kExecutable ? "executable"
                                                         : "file";
  json j{{"kind", kind}, {"id", ToHex(v->id.data(), v->id.size())}};
  if (v->kind != EntryKind::kTree) j["size"] = v->size;
  return j;
}

json ConflictJson(const ConflictedPath& c) {
  const Merge<PathValue> v = c.value.Simplify();
  json sides = json::array(), bases = json::array();
  for (const auto& a : v.adds()) sides.push_back(PathValueJson(a));
  for (const auto& r : v.removes()) bases.push_back(PathValueJson(r));
  json j{{"sides", sides}, {"bases", bases}};
  SetNameJson(j, "path", c.path.str());
  return j;
}

namespace {

// A word for /bin/sh: single-quoted.
std::string ShellWord(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string Describe(const PathValue& v) {
  if (!v) return "absent";
  switch (v->kind) {
    case EntryKind::kTree: return "directory";
    case EntryKind::kSymlink: return "symlink";
    case EntryKind::kExecutable: return "executable file, " + std::to_string(v->size) + " bytes";
    default: return "file, " + std::to_string(v->size) + " bytes";
  }
}

std::string ConflictLine(const WorkingConflict& c) {
  std::string line = "  C " + QuoteName(c.conflict.path.str());
  const size_t sides = c.conflict.value.num_sides();
  if (c.text) return line + "  (text: conflict markers in the file, " + std::to_string(sides) + " sides)";
  line += "  (" + std::to_string(sides) + " sides:";
  const auto adds = c.conflict.value.adds();
  for (size_t i = 0; i < adds.size(); ++i) line += std::string(i ? ";" : "") + " " + Describe(adds[i]);
  line += ")";
  for (const auto& h : c.helper_files) line += "\n      beside it: " + QuoteName(h.str());
  return line;
}

void RegisterMergeCommand(CLI::App& app, Context& ctx) {
  struct Opts {
    std::vector<std::string> refs;
    std::string note;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("merge", "Merge other lines (REF...) into this worktree as a new snapshot; conflicts are "
                                          "recorded, never blocking");
  cmd->add_option("REF", o->refs, "Snapshots (or worktree lines, as NAME@... refs) to merge")->required();
  cmd->add_option("-m,--message", o->note, "Note of the merge snapshot (default: \"merge <ids>\")");
  cmd->callback([&ctx, o] {
    auto repo = ctx.OpenRepo(false);
    auto ws = ctx.OpenWorkspace(*repo);
    std::vector<SnapshotId> others;
    for (const auto& r : o->refs) others.push_back(ctx.Resolve(*repo, ws->name(), r));
    auto m = Check(ws->MergeWith(others, o->note));
    for (const auto& w : m.update.warnings) ctx.Warn(w);
    if (ctx.g.json) {
      json parents = json::array();
      for (const auto& p : m.parents) parents.push_back(p.hex());
      json conflicts = json::array();
      for (const auto& c : m.conflicts) conflicts.push_back(ConflictJson(c));
      json j{{"snapshot_id", m.merged.hex()},
             {"parents", parents},
             {"captured_snapshot_id", m.captured ? json(m.captured->hex()) : json(nullptr)},
             {"conflicts", conflicts},
             {"clean", m.conflicts.empty()},
             {"files_written", m.update.files_written},
             {"files_removed", m.update.files_removed},
             {"trees_read", m.stats.trees_read},
             {"content_merges", m.stats.content_merges},
             {"op_id", m.update.op.hex()}};
      SetNameJson(j, "worktree_name", ws->name());
      ctx.PrintJson(j);
      return;
    }
    std::string out;
    if (m.captured)
      out += "Saved uncommitted changes as snapshot " + ctx.Id(*repo, *m.captured) + "; they are part of the merge\n";
    std::string names;
    for (size_t i = 1; i < m.parents.size(); ++i) names += (i > 1 ? ", " : "") + ctx.Id(*repo, m.parents[i]);
    out += "Merged " + names + " into worktree " + QuoteName(ws->name()) + " as snapshot " + ctx.Id(*repo, m.merged) +
           ": " + std::to_string(m.update.files_written) + " written, " + std::to_string(m.update.files_removed) +
           " removed\n";
    if (m.conflicts.empty()) {
      out += "No conflicts.\n";
    } else {
      auto conflicts = Check(ws->Conflicts());
      out += std::to_string(conflicts.size()) + " conflicted path(s), recorded in the snapshot and written into the files:\n";
      for (const auto& c : conflicts) out += ConflictLine(c) + "\n";
      out += "Resolve by editing the files (or 'jvs resolve PATH --ours|--theirs|--take N|--tool CMD'), then "
             "'jvs snapshot'. 'jvs undo' takes the merge back.\n";
    }
    ctx.Out(out);
  });
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the merge tool: $base, $left, $right and $output in CMD name the files.
void RunTool(Context& ctx, Repo& repo, Workspace& ws, const WorkingConflict& c, const std::string& tool) {
  const Merge<PathValue>& v = c.conflict.value;
  if (v.num_sides() != 2)
    Fail(ErrorCode::kUnsupported, "--tool takes a conflict of two sides; " + QuoteName(c.conflict.path.str()) + " has " +
                                      std::to_string(v.num_sides()),
         "edit the file, or take one side with --take N");
  for (const auto& t : v.terms())
    if (t && !t->is_file())
      Fail(ErrorCode::kUnsupported, "--tool merges files; a side of " + QuoteName(c.conflict.path.str()) + " is a " +
                                        Describe(t),
           "take one side with --ours, --theirs or --take N");
  char tmpl[] = "/tmp/jvs-resolve-XXXXXX";
  if (!::mkdtemp(tmpl)) Fail(ErrorCode::kIo, "cannot create a temporary directory", "check /tmp");
  const fs::path dir(tmpl);
  auto write = [&](const std::string& name, const PathValue& t) {
    std::ofstream out(dir / name, std::ios::binary);
    if (t) out << Check(repo.store().ReadBlob(BlobId(t->id)));
  };
  write("base", v.remove(0));
  write("left", v.add(0));
  write("right", v.add(1));
  write("output", v.add(0));
  std::string cmd = tool;
  auto subst = [&cmd](const std::string& var, const fs::path& p) {
    for (size_t at = cmd.find(var); at != std::string::npos; at = cmd.find(var, at + 1))
      cmd.replace(at, var.size(), ShellWord(p.string()));
  };
  subst("$output", dir / "output");
  subst("$base", dir / "base");
  subst("$left", dir / "left");
  subst("$right", dir / "right");
  ctx.Debug("merge tool: " + cmd);
  const int rc = std::system(cmd.c_str());
  if (rc != 0 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    Fail(ErrorCode::kRefused, "the merge tool failed (exit status " + std::to_string(WIFEXITED(rc) ? WEXITSTATUS(rc) : rc) +
                                 "); " + QuoteName(c.conflict.path.str()) + " is unchanged",
         "fix the tool command, or edit the file by hand");
  }
  const std::string merged = ReadAll(dir / "output");
  std::error_code ec;
  fs::remove_all(dir, ec);
  const BlobId blob = Check(repo.store().WriteBlob(merged));
  TreeValue value = v.add(0) ? *v.add(0) : *v.add(1);
  value.id = blob.bytes();
  value.size = merged.size();
  Check(ws.ResolveConflict(c.conflict.path, value));
}

void RegisterResolveCommand(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string path;
    bool list = false, ours = false, theirs = false;
    int take = 0;
    std::string tool;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("resolve", "List the conflicts in this worktree's files, or resolve one by taking a side "
                                            "or running a merge tool");
  cmd->add_option("PATH", o->path, "The conflicted path to resolve (without it: list the conflicts)");
  cmd->add_flag("-l,--list", o->list, "List the conflicted paths (the default without PATH)");
  cmd->add_flag("--ours", o->ours, "Take side 1: this worktree's line");
  cmd->add_flag("--theirs", o->theirs, "Take side 2: the line merged in");
  cmd->add_option("--take", o->take, "Take side N (1-based)")->check(CLI::PositiveNumber);
  cmd->add_option("--tool", o->tool,
                  "Run CMD to merge (two sides): $base, $left, $right and $output in CMD name files; the "
                  "tool writes the result into $output");
  cmd->callback([&ctx, o] {
    auto repo = ctx.OpenRepo(false);
    auto ws = ctx.OpenWorkspace(*repo);
    const int choices = (o->ours ? 1 : 0) + (o->theirs ? 1 : 0) + (o->take ? 1 : 0) + (o->tool.empty() ? 0 : 1);
    if (o->path.empty()) {
      if (choices)
        Fail(ErrorCode::kInvalidArgument, "--ours, --theirs, --take and --tool need the PATH to resolve",
             "list the conflicts with 'jvs resolve --list'");
      auto conflicts = Check(ws->Conflicts());
      if (ctx.g.json) {
        json arr = json::array();
        for (const auto& c : conflicts) {
          json j = ConflictJson(c.conflict);
          j["text"] = c.text;
          json helpers = json::array();
          for (const auto& h : c.helper_files) helpers.push_back(h.str());
          j["helper_files"] = helpers;
          arr.push_back(j);
        }
        ctx.PrintJson(json{{"conflicts", arr}, {"clean", conflicts.empty()}});
        return;
      }
      if (conflicts.empty()) {
        ctx.Out("No conflicts in worktree " + QuoteName(ws->name()) + ".\n");
        return;
      }
      std::string out;
      for (const auto& c : conflicts) out += ConflictLine(c) + "\n";
      ctx.Out(out);
      return;
    }
    if (o->list) Fail(ErrorCode::kInvalidArgument, "--list takes no PATH", "run 'jvs resolve --list'");
    if (choices != 1)
      Fail(ErrorCode::kInvalidArgument, "say how to resolve " + QuoteName(o->path) + ": one of --ours, --theirs, --take N, --tool CMD",
           "or edit the file and run 'jvs snapshot'");
    const RepoPath path = ctx.ToRepoPath(*ws, o->path);
    auto conflicts = Check(ws->Conflicts());
    const WorkingConflict* found = nullptr;
    for (const auto& c : conflicts)
      if (c.conflict.path == path) found = &c;
    if (!found)
      Fail(ErrorCode::kNotFound, QuoteName(path.str()) + " is not conflicted in worktree " + QuoteName(ws->name()),
           "'jvs resolve --list' lists the conflicts");
    const size_t sides = found->conflict.value.num_sides();
    std::string how;
    if (!o->tool.empty()) {
      RunTool(ctx, *repo, *ws, *found, o->tool);
      how = "the merge tool's result";
    } else {
      const size_t side = o->ours ? 1 : o->theirs ? 2 : static_cast<size_t>(o->take);
      if (side > sides)
        Fail(ErrorCode::kInvalidArgument, QuoteName(path.str()) + " has " + std::to_string(sides) + " sides, not " +
                                              std::to_string(side),
             "choose a side from 1 to " + std::to_string(sides));
      Check(ws->ResolveConflict(path, found->conflict.value.add(side - 1)));
      how = "side " + std::to_string(side) + " (" + Describe(found->conflict.value.add(side - 1)) + ")";
    }
    if (ctx.g.json) {
      json j{{"resolved", true}, {"how", how}};
      SetNameJson(j, "path", path.str());
      ctx.PrintJson(j);
      return;
    }
    ctx.Out("Resolved " + QuoteName(path.str()) + " with " + how + "; 'jvs snapshot' records it\n");
  });
}

}  // namespace

void RegisterMerge(CLI::App& app, Context& ctx) {
  RegisterMergeCommand(app, ctx);
  RegisterResolveCommand(app, ctx);
}

}  // namespace jvs::cli
