// jvs diff: changes between snapshots, or between a snapshot and the working copy.
#include <algorithm>

#include "commands.h"
#include "jvs/merge/renames.h"
#include "jvs/merge/text_diff.h"

namespace jvs::cli {

namespace {

constexpr uint64_t kMaxTextDiffBytes = 32u << 20;

using Side = DiffSide;

std::optional<std::string> ReadContent(Repo& repo, const Side& side, const RepoPath& path, const TreeEntry& e) {
  if (e.kind == EntryKind::kTree) return std::string();
  if (e.size > kMaxTextDiffBytes) return std::nullopt;
  if (side.working_copy) {
    Env* env = repo.env();
    fs::path p = path.ToFsPath(side.root);
    if (e.kind == EntryKind::kSymlink) {
      auto t = env->Readlink(p);
      return t.ok() ? std::optional<std::string>(*t) : std::nullopt;
    }
    auto d = env->ReadFile(p, kMaxTextDiffBytes);
    return d.ok() ? std::optional<std::string>(*d) : std::nullopt;
  }
  auto d = repo.store().ReadBlob(BlobId(e.id), kMaxTextDiffBytes);
  return d.ok() ? std::optional<std::string>(*d) : std::nullopt;
}

// True when one side is a directory and the other a file or symlink.
bool TreeTypeChange(const TreeChange& c) {
  return c.old_entry && c.new_entry && (c.old_entry->kind == EntryKind::kTree) != (c.new_entry->kind == EntryKind::kTree);
}

// The path as stored, with "/" after a directory (-z prints it raw). A path
// that changed between directory and file is named as the file: its content
// is what the line counts and hunks are about (the directory's entries are
// listed on their own).
std::string RawPath(const TreeChange& c) {
  const TreeEntry& e = c.new_entry ? *c.new_entry : *c.old_entry;
  return c.path.str() + (e.kind == EntryKind::kTree && !TreeTypeChange(c) ? "/" : "");
}

// The path for text output: quoted when it has special bytes (quote.h).
std::string DisplayPath(const TreeChange& c) { return QuoteName(RawPath(c)); }

// Permission bits as octal digits ("0600", "2775").
std::string ModeText(uint32_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04o", mode);
  return buf;
}

char StatusLetter(const TreeChange& c) { return c.renamed() ? 'R' : c.added() ? 'A' : c.removed() ? 'D' : 'M'; }

}  // namespace

std::vector<TreeChange> WithRenames(Repo& repo, const DiffSide& from, const DiffSide& to,
                                    std::vector<TreeChange> changes) {
  return DetectRenames(std::move(changes), [&](const RepoPath& p, const TreeEntry& e, bool new_side) {
    return ReadContent(repo, new_side ? to : from, p, e);
  });
}

std::string RenameText(const TreeChange& c) {
  return QuoteName(c.old_path->str()) + " -> " + QuoteName(c.path.str());
}

std::string DiffText(Repo& repo, const DiffSide& from_side, const DiffSide& to_side,
                     const std::vector<TreeChange>& changes, bool stat) {
  std::string out;
  size_t ins = 0, del = 0;
  size_t width = 0;
  auto stat_name = [](const TreeChange& c) {
    return c.renamed() ? QuoteName(c.old_path->str()) + " => " + QuoteName(c.path.str()) : DisplayPath(c);
  };
  for (const auto& c : changes) width = std::max(width, stat_name(c).size());
  for (const auto& c : changes) {
    std::optional<std::string> a, b;
    const TreeEntry& any = c.new_entry ? *c.new_entry : *c.old_entry;
    const RepoPath& old_path = c.old_path ? *c.old_path : c.path;
    if (c.old_entry) a = ReadContent(repo, from_side, old_path, *c.old_entry);
    else a = std::string();
    if (c.new_entry) b = ReadContent(repo, to_side, c.path, *c.new_entry);
    else b = std::string();
    bool binary = !a || !b || LooksBinary(*a) || LooksBinary(*b);
    uint64_t old_size = c.old_entry ? c.old_entry->size : 0, new_size = c.new_entry ? c.new_entry->size : 0;
    if (stat) {
      std::string name = stat_name(c);
      name.resize(width, ' ');
      if (binary) {
        out += " " + name + " | Bin " + std::to_string(old_size) + " -> " + std::to_string(new_size) + " bytes\n";
      } else {
        auto n = CountLineChanges(*a, *b);
        ins += n.added;
        del += n.removed;
        out += " " + name + " | " + std::to_string(n.added + n.removed) + " " + std::string(std::min<size_t>(n.added, 40), '+') +
               std::string(std::min<size_t>(n.removed, 40), '-') + "\n";
      }
      continue;
    }
    std::string ap = c.old_entry ? QuoteName("a/" + old_path.str()) : "/dev/null";
    std::string bp = c.new_entry ? QuoteName("b/" + c.path.str()) : "/dev/null";
    out += "diff --jvs " + QuoteName("a/" + old_path.str()) + " " + QuoteName("b/" + c.path.str()) + "\n";
    if (c.renamed())
      out += "similarity index " + std::to_string(c.similarity) + "%\nrename from " + QuoteName(old_path.str()) +
             "\nrename to " + QuoteName(c.path.str()) + "\n";
    const bool mode_changed = c.old_entry && c.new_entry && c.old_entry->kind != EntryKind::kSymlink &&
                              (c.old_entry->kind == EntryKind::kTree) == (c.new_entry->kind == EntryKind::kTree) &&
                              c.old_entry->EffectiveMode() != c.new_entry->EffectiveMode();
    const std::string mode_line = mode_changed ? "mode changed: " + ModeText(c.old_entry->EffectiveMode()) + " -> " +
                                                     ModeText(c.new_entry->EffectiveMode()) + "\n"
                                               : std::string();
    if (any.kind == EntryKind::kTree && !TreeTypeChange(c)) {
      if (mode_changed) out += mode_line;
      else out += c.new_entry ? "new empty directory\n" : "deleted empty directory\n";
      continue;
    }
    if (c.old_entry && c.new_entry && c.old_entry->kind != c.new_entry->kind)
      out += "type changed: " + std::string(EntryKindName(c.old_entry->kind)) + " -> " +
             std::string(EntryKindName(c.new_entry->kind)) + "\n";
    out += mode_line;
    if (!c.old_entry) out += "new " + std::string(EntryKindName(any.kind)) + "\n";
    if (!c.new_entry) out += "deleted " + std::string(EntryKindName(any.kind)) + "\n";
    if (c.old_entry && c.new_entry && c.old_entry->id == c.new_entry->id) continue;
    // Between a directory and a file, the hunks show the file's content
    // as removed or added (the directory side reads as empty).
    if (binary) {
      out += "Binary files " + ap + " and " + bp + " differ (" + HumanBytes(old_size) + " -> " + HumanBytes(new_size) + ")\n";
      continue;
    }
    std::string hunks = UnifiedDiff(*a, *b);
    if (hunks.empty()) continue;
    out += "--- " + ap + "\n+++ " + bp + "\n" + hunks;
  }
  if (stat)
    out += " " + std::to_string(changes.size()) + " file" + (changes.size() == 1 ? "" : "s") + " changed, " +
           std::to_string(ins) + " insertion" + (ins == 1 ? "" : "s") + "(+), " + std::to_string(del) +
           " deletion" + (del == 1 ? "" : "s") + "(-)\n";
  return out;
}

void RegisterDiff(CLI::App& app, Context& ctx) {
  struct Opts {
    std::vector<std::string> refs;
    std::string revision, from, to;
    bool no_renames = false;
    bool stat = false, name_only = false, name_status = false, z = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("diff", "Changes between snapshots, or between a snapshot and the working copy");
  auto* refs_opt =
      cmd->add_option("FROM TO", o->refs, "FROM (default @) and TO (default: the working copy)")->expected(0, 2);
  cmd->add_option("--from", o->from, "Compare from this snapshot (default @), as FROM")->excludes(refs_opt);
  cmd->add_option("--to", o->to, "Compare to this snapshot (default: the working copy), as TO")->excludes(refs_opt);
  cmd->add_option("-r,--revision", o->revision,
                  "REV against the merge of its parents (a merge snapshot shows only what it changed itself)");
  cmd->add_flag("--stat", o->stat, "Per-file line counts");
  cmd->add_flag("--no-renames", o->no_renames,
                "Show a moved file as removed and added (default: a rename when the content is the same or, for "
                "text, at least 50% similar)");
  cmd->add_flag("--name-only", o->name_only, "Only the changed paths");
  cmd->add_flag("--name-status", o->name_status, "The changed paths, each after A, D or M");
  cmd->add_flag("-z", o->z, "With --name-only or --name-status: end each path with NUL, unquoted (for scripts)");
  cmd->callback([&ctx, o] {
    ctx.paths_used = true;
    if (o->stat && o->name_only) Fail(ErrorCode::kInvalidArgument, "--stat and --name-only cannot be combined", "choose one of them");
    if (o->name_status && (o->stat || o->name_only))
      Fail(ErrorCode::kInvalidArgument, "--name-status cannot be combined with --stat or --name-only", "choose one of them");
    if (o->z && !o->name_only && !o->name_status)
      Fail(ErrorCode::kInvalidArgument, "-z only works with --name-only or --name-status",
           "for example: jvs diff --name-only -z");
    if (!o->revision.empty() && (!o->refs.empty() || !o->from.empty() || !o->to.empty()))
      Fail(ErrorCode::kInvalidArgument, "-r REV cannot be combined with FROM or TO",
           "'jvs diff -r REV' compares REV with its parents; 'jvs diff FROM TO' compares two snapshots");
    auto repo = ctx.OpenRepo();
    auto ws = ctx.OpenWorkspace(*repo);
    std::string wt = ws->name();
    std::vector<RepoPath> paths;
    for (const auto& p : ctx.paths) paths.push_back(ctx.ToRepoPath(*ws, p));
    std::optional<SnapshotId> from_id, to_id;
    TreeId from_tree = EmptyTreeId(), to_tree;
    if (!o->revision.empty()) {
      // REV against the merge of its parents (its first parent when it has one).
      to_id = ctx.Resolve(*repo, wt, o->revision);
      auto snap = Check(repo->ReadSnapshot(*to_id));
      if (!snap->parents.empty()) from_id = snap->parents[0];
      from_tree = Check(ParentsTreeOf(*repo, *snap));
    } else if (!o->from.empty()) {
      from_id = ctx.Resolve(*repo, wt, o->from);
    } else if (!o->refs.empty()) {
      from_id = ctx.Resolve(*repo, wt, o->refs[0]);
    } else if (ws->state().head) {
      from_id = ws->state().head;
    }
    // A conflicted snapshot is compared as its files hold it (markers, side files).
    if (from_id && o->revision.empty()) from_tree = Check(MaterializedTreeOf(*repo, *from_id));
    Side from_side, to_side;
    TreeGetter getter = ws->StoreGetter();
    if (!o->revision.empty()) {
      to_tree = Check(MaterializedTreeOf(*repo, *to_id));
    } else if (o->refs.size() == 2 || !o->to.empty()) {
      to_id = ctx.Resolve(*repo, wt, o->to.empty() ? o->refs[1] : o->to);
      to_tree = Check(MaterializedTreeOf(*repo, *to_id));
    } else {
      if (repo->read_only())
        Fail(ErrorCode::kInvalidArgument, "with --at-op, diff compares two snapshots",
             "give FROM and TO: jvs --at-op OP diff FROM TO");
      auto wc = Check(ws->ScanWorkingCopy());
      for (const auto& w : wc.warnings) ctx.Warn(w);
      to_tree = wc.root;
      getter = wc.getter;
      to_side.working_copy = true;
      to_side.root = ws->path();
    }
    auto changes = Check(DiffTrees(getter, from_tree, to_tree, paths));
    if (!o->no_renames) changes = WithRenames(*repo, from_side, to_side, std::move(changes));
    if (ctx.g.json) {
      json j = ChangesJson(changes);
      j["from_snapshot_id"] = from_id ? json(from_id->hex()) : json(nullptr);
      j["to_snapshot_id"] = to_id ? json(to_id->hex()) : json(nullptr);
      ctx.PrintJson(j);
      return;
    }
    std::string out;
    if (o->name_only || o->name_status) {
      // -z: raw names ended by NUL (git's -z: "M\0path\0" with --name-status).
      for (const auto& c : changes) {
        if (o->name_status) out += std::string(1, StatusLetter(c)) + (o->z ? std::string(1, '\0') : std::string("\t"));
        // A rename: "R\told\tnew" (-z: "R\0old\0new\0"), as git writes it.
        if (o->name_status && c.renamed())
          out += o->z ? c.old_path->str() + std::string(1, '\0') : QuoteName(c.old_path->str()) + "\t";
        out += o->z ? RawPath(c) + std::string(1, '\0') : DisplayPath(c) + "\n";
      }
      ctx.Out(out);
      return;
    }
    out = DiffText(*repo, from_side, to_side, changes, o->stat);
    ctx.Out(out);
  });
}

}  // namespace jvs::cli
