// snapshot, history, status, tag
#include <cstdlib>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "commands.h"
#include "graph.h"
#include "jvs/base/suggest.h"
#include "jvs/repo/history.h"
#include "jvs/repo/tags.h"

namespace jvs::cli {

namespace {

json ChangeJson(const TreeChange& c) {
  const TreeEntry* e = c.new_entry ? &*c.new_entry : &*c.old_entry;
  auto hex = [](const std::optional<TreeEntry>& x) -> json {
    return x ? json(ToHex(x->id.data(), x->id.size())) : json(nullptr);
  };
  std::string mode = e->kind == EntryKind::kExecutable ? "100755"
                     : e->kind == EntryKind::kSymlink  ? "120000"
                     : e->kind == EntryKind::kTree     ? "040000"
                                                       : "100644";
  return json{{"path", c.path.str()},
              {"type", std::string(EntryKindName(e->kind))},
              {"mode", mode},
              {"size", c.new_entry ? json(c.new_entry->size) : json(nullptr)},
              {"old_size", c.old_entry ? json(c.old_entry->size) : json(nullptr)},
              {"old_hash", hex(c.old_entry)},
              {"new_hash", hex(c.new_entry)}};
}

}  // namespace

json ChangesJson(const std::vector<TreeChange>& changes) {
  json added = json::array(), removed = json::array(), modified = json::array();
  for (const auto& c : changes) {
    if (c.added()) added.push_back(ChangeJson(c));
    else if (c.removed()) removed.push_back(ChangeJson(c));
    else modified.push_back(ChangeJson(c));
  }
  json j;
  j["added"] = added;
  j["removed"] = removed;
  j["modified"] = modified;
  j["total_added"] = added.size();
  j["total_removed"] = removed.size();
  j["total_modified"] = modified.size();
  return j;
}

void RegisterSnapshot(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string note_pos, note_opt;
    std::vector<std::string> tags;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("snapshot", "Record the worktree as a new snapshot");
  cmd->add_option("NOTE", o->note_pos, "A note for the snapshot ('-' reads it from stdin)");
  cmd->add_option("-m,--message", o->note_opt, "The note (same as NOTE)");
  cmd->add_option("--tag", o->tags, "Tag the new snapshot (repeatable)");
  cmd->footer("Examples:\n  jvs snapshot \"before training\" --tag baseline\n  echo \"long note\" | jvs snapshot -");
  cmd->callback([&ctx, o] {
    if (!o->note_pos.empty() && !o->note_opt.empty())
      Fail(ErrorCode::kInvalidArgument, "give the note either as NOTE or with -m, not both",
           "for example: jvs snapshot -m \"my note\"");
    std::string note = o->note_opt.empty() ? o->note_pos : o->note_opt;
    if (note == "-") {
      note.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      while (!note.empty() && (note.back() == '\n' || note.back() == '\r')) note.pop_back();
    }
    auto repo = ctx.OpenRepo(false);
    auto ws = ctx.OpenWorkspace(*repo);
    SnapshotOptions so{note, o->tags};
    auto r = Check(ws->TakeSnapshot(so));
    for (const auto& w : r.warnings) ctx.Warn(w);
    ctx.Debug("scanned " + std::to_string(r.scan.files) + " files in " + std::to_string(r.scan.dirs) +
              " dirs; read " + std::to_string(r.scan.hashed_files) + " files (" + HumanBytes(r.scan.hashed_bytes) +
              "), stored " + HumanBytes(r.scan.stored_bytes) + "; engine " + std::string(repo->engine().name()) +
              ", fallbacks " + std::to_string(repo->engine().counters().fallbacks.load()) +
              (repo->engine().hashes_source_under_lease()
                   ? ", hashed in place under a read lease " +
                         std::to_string(repo->engine().counters().hashed_in_place.load())
                   : std::string()));
    ctx.Debug(fmt::format("timings: walk {:.1f} ms, read {:.1f} ms, trees {:.1f} ms, publish {:.1f} ms",
                          r.scan.walk_ns / 1e6, r.scan.read_ns / 1e6, r.scan.build_ns / 1e6, r.scan.publish_ns / 1e6));
    if (ctx.g.json) {
      json j = SnapshotJson(*repo, r.id, r.snapshot);
      j["operation_id"] = r.op.hex();
      j["files"] = r.scan.files;
      j["bytes"] = r.scan.total_bytes;
      j["hashed_files"] = r.scan.hashed_files;
      j["hashed_bytes"] = r.scan.hashed_bytes;
      j["warnings"] = r.warnings;
      ctx.PrintJson(j);
      return;
    }
    std::string line = "Created snapshot " + ctx.Id(*repo, r.id);
    if (!r.snapshot.note.empty()) line += " \"" + FirstLine(r.snapshot.note) + "\"";
    if (!o->tags.empty()) {
      line += " [";
      for (size_t i = 0; i < o->tags.size(); ++i) line += (i ? ", " : "") + o->tags[i];
      line += "]";
    }
    ctx.Out(line + "\n");
    if (!ctx.g.quiet)
      ctx.Out("  " + std::to_string(r.scan.files) + " files, " + HumanBytes(r.scan.total_bytes) + "; " +
              std::to_string(r.scan.hashed_files) + " new or changed (" + HumanBytes(r.scan.hashed_bytes) + " read)\n");
  });
}

void RegisterHistory(CLI::App& app, Context& ctx) {
  struct Opts {
    int n = -1;
    std::string tag, grep, revset;
    bool all = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("history", "Snapshots, newest first (the current line; every line with --all)");
  cmd->alias("log");
  cmd->add_option("-n,--limit", o->n, "Show at most N snapshots")->check(CLI::NonNegativeNumber);
  cmd->add_option("--tag", o->tag, "Only snapshots with this tag");
  cmd->add_option("--grep", o->grep, "Only snapshots whose note contains TEXT");
  cmd->add_flag("--all", o->all, "Every line of history, not only the worktree's");
  cmd->add_option("-r,--revisions", o->revset, "A revset (not supported yet)");
  cmd->callback([&ctx, o] {
    if (!o->revset.empty())
      Fail(ErrorCode::kUnsupported, "revsets are not supported yet", "use --all, --tag, --grep and -n");
    auto repo = ctx.OpenRepo();
    std::string wt = o->all ? ctx.CurrentWorktree(*repo) : ctx.ExistingWorktree(*repo);
    HistoryOptions ho;
    ho.all = o->all;
    if (o->n >= 0) ho.limit = static_cast<size_t>(o->n);
    if (!o->tag.empty()) ho.tag = o->tag;
    if (!o->grep.empty()) ho.grep = o->grep;
    if (ho.tag && !repo->view().tags.count(*ho.tag)) {
      // Nothing can match a tag that does not exist: say so (stderr; the output stays empty).
      std::vector<std::string> names;
      for (const auto& [name, id] : repo->view().tags) names.push_back(name);
      std::string dym = DidYouMean(ClosestNames(*ho.tag, names));
      ctx.Warn("there is no tag '" + *ho.tag + "'" + (dym.empty() ? "" : "; " + dym));
    }
    auto entries = Check(History(*repo, wt, ho));
    auto wit = repo->view().worktrees.find(wt);
    std::optional<SnapshotId> head = wit != repo->view().worktrees.end() ? wit->second.head : std::nullopt;
    if (ctx.g.json) {
      json arr = json::array();
      for (const auto& e : entries) {
        json j = SnapshotJson(*repo, e.id, *e.snapshot);
        j["is_head"] = head && *head == e.id;
        arr.push_back(j);
      }
      ctx.PrintJson(arr);
      return;
    }
    if (entries.empty()) {
      ctx.Out(head ? "No snapshots match.\n" : "No snapshots yet. Create one with 'jvs snapshot'.\n");
      return;
    }
    const Style& st = ctx.style();
    auto describe = [&](const HistoryEntry& e) {
      std::string line = ctx.Id(*repo, e.id) + "  " + st.Time(ctx.Ago(e.snapshot->created_at));
      if (o->all) line += "  " + st.Worktree(e.snapshot->worktree);
      if (!e.tags.empty()) {
        line += "  (";
        for (size_t i = 0; i < e.tags.size(); ++i) line += (i ? ", " : "") + st.Tag(e.tags[i]);
        line += ")";
      }
      if (!e.snapshot->note.empty()) line += "  " + FirstLine(e.snapshot->note);
      return line;
    };
    std::string out;
    if (!o->all) {
      // One line of history: no graph needed, '@' marks the head.
      for (const auto& e : entries) out += ((head && *head == e.id) ? st.Head("@") + " " : "  ") + describe(e) + "\n";
      ctx.Out(out);
      return;
    }
    // Every line: drawn as a graph, children above their parents.
    std::vector<GraphNode> nodes;
    for (const auto& e : entries) {
      GraphNode n{e.id.hex(), {}, (head && *head == e.id) ? '@' : 'o'};
      for (const auto& p : e.snapshot->parents) n.parents.push_back(p.hex());
      nodes.push_back(std::move(n));
    }
    const GraphGlyphs& glyphs = GlyphsForLocale(std::getenv("LC_ALL"), std::getenv("LC_CTYPE"), std::getenv("LANG"));
    for (const auto& row : LayoutGraph(nodes, glyphs)) {
      if (row.node < 0) {
        out += st.Graph(row.prefix) + "\n";
        continue;
      }
      // The node's glyph stands out; the edges are drawn faintly.
      char glyph = nodes[static_cast<size_t>(row.node)].glyph;
      size_t at = row.prefix.find(glyph);
      std::string prefix = row.prefix;
      if (at != std::string::npos)
        prefix = st.Graph(row.prefix.substr(0, at)) + (glyph == '@' ? st.Head("@") : std::string(1, glyph)) +
                 st.Graph(row.prefix.substr(at + 1));
      out += prefix + describe(entries[static_cast<size_t>(row.node)]) + "\n";
    }
    ctx.Out(out);
  });
}

void RegisterStatus(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("status", "The worktree, its head snapshot, and what changed since it");
  cmd->alias("st");
  cmd->callback([&ctx] {
    auto repo = ctx.OpenRepo();
    auto ws = ctx.OpenWorkspace(*repo);
    if (repo->read_only()) {
      // --at-op: the recorded state only; the working copy is not read.
      const auto& st = ws->state();
      if (ctx.g.json) {
        ctx.PrintJson({{"worktree", ws->name()},
                       {"operation_id", repo->op_id().hex()},
                       {"head_snapshot_id", st.head ? json(st.head->hex()) : json(nullptr)},
                       {"latest_snapshot_id", st.latest ? json(st.latest->hex()) : json(nullptr)}});
      } else {
        ctx.Out("Worktree: " + ws->name() + " (as of operation " + repo->op_id().hex().substr(0, 12) + ")\n");
        ctx.Out("Head: " + (st.head ? ctx.Id(*repo, *st.head) : std::string("(no snapshot)")) + "\n");
      }
      return;
    }
    auto r = Check(ws->Status());
    for (const auto& w : r.warnings) ctx.Warn(w);
    if (ctx.g.json) {
      json j = ChangesJson(r.changes);
      j["worktree"] = ws->name();
      j["path"] = ws->path().string();
      j["head_snapshot_id"] = r.head ? json(r.head->hex()) : json(nullptr);
      j["clean"] = r.changes.empty();
      ctx.PrintJson(j);
      return;
    }
    std::string out = "Worktree: " + ws->name() + " (" + ws->path().string() + ")\n";
    if (r.head) {
      auto s = Check(repo->ReadSnapshot(*r.head));
      out += "Head: " + ctx.Id(*repo, *r.head) + (s->note.empty() ? "" : " \"" + FirstLine(s->note) + "\"") + "\n";
      auto latest = ws->state().latest;
      if (latest && *latest != *r.head)
        out += "Latest snapshot of this worktree is " + ctx.Id(*repo, *latest) + " ('jvs restore HEAD' returns to it)\n";
    } else {
      out += "Head: (no snapshot yet)\n";
    }
    if (r.changes.empty()) {
      out += "No changes.\n";
    } else {
      out += "Changes:\n";
      for (const auto& c : r.changes) {
        char letter = c.added() ? 'A' : c.removed() ? 'D' : 'M';
        const TreeEntry& e = c.new_entry ? *c.new_entry : *c.old_entry;
        out += std::string("  ") + letter + " " + c.path.str() + (e.kind == EntryKind::kTree ? "/" : "") + "\n";
      }
    }
    ctx.Out(out);
  });
}

void RegisterTag(CLI::App& app, Context& ctx) {
  auto* tag = app.add_subcommand("tag", "Tags: movable names for snapshots");
  tag->require_subcommand(1);
  struct Opts {
    std::string name, ref = "@";
  };
  auto o = std::make_shared<Opts>();
  auto* set = tag->add_subcommand("set", "Point tag NAME at REF (default @), creating or moving it");
  set->add_option("NAME", o->name, "Tag name")->required();
  set->add_option("REF", o->ref, "Snapshot (default @)");
  set->callback([&ctx, o] {
    Check(ValidateTagName(o->name));
    auto repo = ctx.OpenRepo(false);
    std::string wt = ctx.ExistingWorktree(*repo);
    SnapshotId id = ctx.Resolve(*repo, wt, o->ref);
    TagOutcome r = Check(SetTag(*repo, o->name, id));
    if (!r.changed) {
      if (ctx.g.json) ctx.PrintJson({{"name", o->name}, {"snapshot_id", id.hex()}, {"changed", false}});
      else ctx.Out("Tag " + o->name + " already points at " + ctx.Id(*repo, id) + "\n");
      return;
    }
    const bool moved = r.moved;
    if (ctx.g.json) {
      ctx.PrintJson({{"name", o->name}, {"snapshot_id", id.hex()}, {"changed", true}, {"operation_id", r.op->hex()}});
      return;
    }
    ctx.Out(std::string(moved ? "Moved" : "Created") + " tag " + o->name + " -> " + ctx.Id(*repo, id) + "\n");
  });
  auto* del = tag->add_subcommand("delete", "Delete tag NAME (the snapshot stays)");
  del->alias("rm");
  del->add_option("NAME", o->name, "Tag name")->required();
  del->callback([&ctx, o] {
    auto repo = ctx.OpenRepo(false);
    TagOutcome r = Check(DeleteTag(*repo, o->name));
    const SnapshotId id = r.id;
    if (ctx.g.json) {
      ctx.PrintJson({{"name", o->name}, {"snapshot_id", id.hex()}, {"deleted", true}, {"operation_id", r.op->hex()}});
      return;
    }
    ctx.Out("Deleted tag " + o->name + " (was " + ctx.Id(*repo, id) + ")\n");
  });
  auto* list = tag->add_subcommand("list", "List tags");
  list->alias("ls");
  list->callback([&ctx] {
    auto repo = ctx.OpenRepo();
    if (ctx.g.json) {
      json arr = json::array();
      for (const auto& [n, id] : repo->view().tags) arr.push_back({{"name", n}, {"snapshot_id", id.hex()}});
      ctx.PrintJson(arr);
      return;
    }
    std::string out;
    for (const auto& [n, id] : repo->view().tags) {
      auto s = repo->ReadSnapshot(id);
      out += n + "  " + ctx.Id(*repo, id) + (s.ok() && !(*s)->note.empty() ? "  " + FirstLine((*s)->note) : "") + "\n";
    }
    if (out.empty()) out = "No tags. Create one with 'jvs tag set NAME [REF]'.\n";
    ctx.Out(out);
  });
  for (auto* sub : tag->get_subcommands({})) sub->fallthrough();
  tag->fallthrough();
}

}  // namespace jvs::cli
