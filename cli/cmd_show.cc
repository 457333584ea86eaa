// Reading history: jvs show (a snapshot's descriptor and what it changed),
// jvs cat (a file's exact bytes as a snapshot holds it) and jvs file list
// (the paths a snapshot holds).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "commands.h"
#include "jvs/base/change_id.h"
#include "jvs/base/hash.h"
#include "jvs/repo/history.h"
#include "templates.h"

namespace jvs::cli {

namespace {

// The entry at `path` in snapshot `id` as its files hold it (a conflicted
// snapshot materialized); kNotFound naming both when absent.
TreeEntry EntryAt(Context& ctx, Repo& repo, const SnapshotId& id, const RepoPath& path, const std::string& arg) {
  const TreeId root = Check(MaterializedTreeOf(repo, id));
  Store* store = &repo.store();
  TreeGetter get = [store](const TreeId& t) { return store->ReadTree(t); };
  auto entry = Check(LookupPath(get, root, path));
  if (!entry)
    Fail(ErrorCode::kNotFound, QuoteName(arg) + " is not in snapshot " + id.hex().substr(0, 12),
         "'jvs file list " + id.hex().substr(0, 12) + "' lists its paths");
  (void)ctx;
  return *entry;
}

// Copies blob `id` to stdout as it is read, checking its hash: a store damaged
// since is exit 3 after the bytes (they are already out).
void StreamBlob(Repo& repo, const BlobId& id, const std::string& what) {
  UniqueFd fd = Check(repo.store().OpenBlob(id));
  Sha256 h;
  std::vector<char> buf(1 << 20);
  std::fflush(stdout);
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      Fail(ErrorCode::kIo, "cannot read the content of " + what + ": " + std::strerror(errno), "");
    }
    if (n == 0) break;
    h.Update(buf.data(), static_cast<size_t>(n));
    if (std::fwrite(buf.data(), 1, static_cast<size_t>(n), stdout) != static_cast<size_t>(n)) {
      if (errno == EPIPE) return;  // the reader went away (| head)
      Fail(ErrorCode::kIo, std::string("cannot write to standard output: ") + std::strerror(errno), "");
    }
  }
  std::fflush(stdout);
  if (BlobId(h.Finish()) != id)
    Fail(ErrorCode::kCorrupt, "the stored content of " + what + " does not match its id " + id.hex().substr(0, 12),
         "run 'jvs verify --all' to find every damaged object");
}

}  // namespace

void RegisterShow(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string ref, templ;
    bool stat = false, no_renames = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("show", "A snapshot in full: its ids, parents, author, time, tags and whole note, "
                                         "then what it changed");
  cmd->add_option("REF", o->ref, "The snapshot (default: @, the worktree's head)");
  cmd->add_flag("--stat", o->stat, "Per-file line counts instead of the changes themselves");
  cmd->add_flag("--no-renames", o->no_renames, "Show a moved file as removed and added");
  auto* templ_opt = cmd->add_option("-T,--template", o->templ,
                                    "How the snapshot is shown above its changes: a template, a [templates] name or "
                                    "a built-in (builtin_show; docs/templates.md)");
  cmd->callback([&ctx, o, templ_opt] {
    std::unique_ptr<tpl::Schema> schema;
    std::optional<tpl::Template> templ;
    if (templ_opt->count()) {
      schema = MakeTemplateSchema(ctx, TemplateKind::kSnapshot);
      templ = CompileTemplateArg(ctx, *schema, o->templ);
    }
    auto repo = ctx.OpenRepo(true);
    auto ws = ctx.OpenWorkspace(*repo);
    const SnapshotId id = ctx.Resolve(*repo, ws->name(), o->ref.empty() ? "@" : o->ref);
    auto snap = Check(repo->ReadSnapshot(id));
    const TreeId from = Check(ParentsTreeOf(*repo, *snap));
    const TreeId to = Check(MaterializedTreeOf(*repo, id));
    auto changes = Check(DiffTrees(ws->StoreGetter(), from, to, {}));
    if (!o->no_renames) changes = WithRenames(*repo, DiffSide{}, DiffSide{}, std::move(changes));
    if (ctx.g.json) {
      json j = SnapshotJson(*repo, id, *snap);
      j["changes"] = ChangesJson(changes);
      ctx.PrintJson(j);
      return;
    }
    const ChangeIndex changes_index = Check(ChangeIndex::Build(*repo));
    if (templ) {
      // The template replaces the description; what it changed follows.
      const std::vector<std::string> tags = TagsOf(repo->view(), id);
      auto wit = repo->view().worktrees.find(ws->name());
      const bool head = wit != repo->view().worktrees.end() && wit->second.head == id;
      const std::vector<SnapshotId> visible = changes_index.Snapshots(snap->change_id);
      const bool hidden = std::find(visible.begin(), visible.end(), id) == visible.end();
      const bool divergent = !hidden && visible.size() > 1;
      SnapshotRow row{repo.get(), &changes_index, id, snap, tags, hidden, divergent, head, {}, {}};
      std::string out = EndLine(Paint(ctx.style(), templ->Evaluate(MakeSnapshotRow(ctx, row)))) + "\n";
      DiffSide side;
      out += changes.empty() ? "No changes from its parents.\n" : DiffText(*repo, side, side, changes, o->stat);
      ctx.Out(out);
      return;
    }
    std::string out = "Snapshot " + ctx.Id(*repo, id) + " " + ctx.ChangeId(changes_index, snap->change_id) + "\n";
    out += "  full id: " + id.hex() + "\n";
    out += "  change:  " + ChangeIdToReverseHex(snap->change_id).value_or(snap->change_id) + "\n";
    for (const auto& p : snap->parents) out += "  parent:  " + ctx.Id(*repo, p) + "\n";
    if (snap->parents.empty()) out += "  parent:  (none: a first snapshot)\n";
    out += "  author:  " + QuoteName(snap->author) + "\n";
    out += "  time:    " + snap->created_at + "\n";
    if (!snap->worktree.empty()) out += "  worktree: " + QuoteName(snap->worktree) + "\n";
    std::vector<std::string> tags = TagsOf(repo->view(), id);
    if (!tags.empty()) {
      out += "  tags:   ";
      for (const auto& t : tags) out += " " + QuoteName(t);
      out += "\n";
    }
    if (snap->conflicted()) out += "  conflicted: yes ('jvs resolve --list' once it is a head)\n";
    out += "\n";
    if (snap->note.empty()) {
      out += "    (no note)\n";
    } else {
      // The whole note, each line indented, control characters escaped.
      size_t start = 0;
      while (start <= snap->note.size()) {
        size_t end = snap->note.find('\n', start);
        if (end == std::string::npos) end = snap->note.size();
        out += "    " + EscapeText(snap->note.substr(start, end - start)) + "\n";
        start = end + 1;
      }
    }
    out += "\n";
    DiffSide side;
    out += changes.empty() ? "No changes from its parents.\n" : DiffText(*repo, side, side, changes, o->stat);
    ctx.Out(out);
  });
}

void RegisterCat(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string ref, path;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("cat", "Print a file exactly as a snapshot holds it (bytes to standard output)");
  cmd->add_option("REF", o->ref, "The snapshot")->required();
  cmd->add_option("PATH", o->path, "The file, relative to the current directory")->required();
  cmd->callback([&ctx, o] {
    auto repo = ctx.OpenRepo(true);
    auto ws = ctx.OpenWorkspace(*repo);
    const SnapshotId id = ctx.Resolve(*repo, ws->name(), o->ref);
    const RepoPath path = ctx.ToRepoPath(*ws, o->path);
    const TreeEntry e = EntryAt(ctx, *repo, id, path, o->path);
    const std::string what = QuoteName(path.is_root() ? "." : path.str()) + " in snapshot " + id.hex().substr(0, 12);
    if (e.kind == EntryKind::kTree)
      Fail(ErrorCode::kInvalidArgument, what + " is a folder",
           "'jvs file list " + id.hex().substr(0, 12) + " -- " + o->path + "' lists what it holds");
    if (ctx.g.json) {
      json j{{"snapshot_id", id.hex()}, {"type", std::string(EntryKindName(e.kind))}, {"size", e.size}};
      SetNameJson(j, "path", path.str());
      if (e.kind == EntryKind::kSymlink) {
        SetNameJson(j, "target", Check(repo->store().ReadBlob(BlobId(e.id), 1 << 20)));
      } else {
        j["hash"] = BlobId(e.id).hex();
      }
      ctx.PrintJson(j);
      return;
    }
    if (e.kind == EntryKind::kSymlink) {
      // A symlink's content is its target (as git cat-file prints it).
      const std::string target = Check(repo->store().ReadBlob(BlobId(e.id), 1 << 20));
      std::fwrite(target.data(), 1, target.size(), stdout);
      return;
    }
    StreamBlob(*repo, BlobId(e.id), what);
  });
}

void RegisterFile(CLI::App& app, Context& ctx) {
  auto* file = app.add_subcommand("file", "Files as a snapshot holds them");
  file->require_subcommand(1);
  struct Opts {
    std::string ref;
    bool z = false;
  };
  auto o = std::make_shared<Opts>();
  auto* list = file->add_subcommand("list", "The paths of the files a snapshot holds (default: @), sorted; "
                                             "-- PATHS: only below those");
  list->alias("ls");
  list->add_option("REF", o->ref, "The snapshot (default: @, the worktree's head)");
  list->add_flag("-z", o->z, "End each path with NUL instead of a newline, unquoted");
  list->callback([&ctx, o] {
    ctx.paths_used = true;
    auto repo = ctx.OpenRepo(true);
    auto ws = ctx.OpenWorkspace(*repo);
    const SnapshotId id = ctx.Resolve(*repo, ws->name(), o->ref.empty() ? "@" : o->ref);
    std::vector<RepoPath> paths;
    for (const auto& p : ctx.paths) paths.push_back(ctx.ToRepoPath(*ws, p));
    const TreeId root = Check(MaterializedTreeOf(*repo, id));
    // Every file as an addition from the empty tree: one walk, sorted by path.
    auto entries = Check(DiffTrees(ws->StoreGetter(), EmptyTreeId(), root, paths));
    if (ctx.g.json) {
      json arr = json::array();
      for (const auto& c : entries) {
        if (!c.new_entry) continue;
        json j{{"type", std::string(EntryKindName(c.new_entry->kind))}, {"size", c.new_entry->size}};
        SetNameJson(j, "path", c.path.str());
        arr.push_back(j);
      }
      ctx.PrintJson(json{{"snapshot_id", id.hex()}, {"files", arr}});
      return;
    }
    std::string out;
    for (const auto& c : entries) {
      if (!c.new_entry) continue;
      out += o->z ? c.path.str() + std::string(1, '\0') : QuoteName(c.path.str()) + "\n";
    }
    ctx.Out(out);
  });
}

}  // namespace jvs::cli
