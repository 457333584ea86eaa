// jvs history (log): snapshots, newest first, as a list or a graph.
#include <cstdlib>

#include "commands.h"
#include "graph.h"
#include "jvs/base/suggest.h"
#include "jvs/repo/history.h"
#include "jvs/repo/revset_eval.h"
#include "templates.h"

namespace jvs::cli {

std::vector<SnapshotId> EvaluateRevsetOrFail(Context& ctx, Repo& repo, const std::string& worktree,
                                             const std::string& text) {
  RevsetOptions ro;
  ro.worktree = worktree;
  ro.aliases = ctx.config.Table("revset-aliases");
  RevsetFailure failure;
  auto ids = EvaluateRevset(repo, ro, text, &failure);
  if (!ids.ok() && failure.located && !ctx.g.json) {
    // The expression with a caret under the offending part (text output only).
    revset::RevsetError drawn = *failure.located;
    drawn.hint.clear();
    Error e = ids.error();
    Error shown(e.code(), e.message() + "\n" + revset::RenderRevsetError(text, drawn),
                e.hint().empty() ? "the revset language is described in docs/revsets.md" : e.hint());
    for (const auto& r : e.remedies()) shown = shown.WithRemedy(r.what, r.arg);
    throw CommandError{shown};
  }
  return Check(std::move(ids));
}

void RegisterHistory(CLI::App& app, Context& ctx) {
  struct Opts {
    int n = -1;
    std::string tag, grep, revset, templ;
    bool all = false, hidden = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("history", "Snapshots, newest first (the current line; every line with --all)");
  cmd->alias("log");
  cmd->add_option("-n,--limit", o->n, "Show at most N snapshots")->check(CLI::NonNegativeNumber);
  cmd->add_option("--tag", o->tag, "Only snapshots with this tag");
  cmd->add_option("--grep", o->grep, "Only snapshots whose note contains TEXT");
  cmd->add_flag("--all", o->all, "Every line of history, not only the worktree's");
  cmd->add_flag("--hidden", o->hidden,
                "Also snapshots that were rewritten or abandoned (marked hidden; 'jvs evolog REF' shows a change's "
                "versions)");
  auto* rev_opt = cmd->add_option("-r,--revisions", o->revset,
                                  "Exactly the snapshots of this revset, newest first (docs/revsets.md); "
                                  "combines with -n, --tag and --grep");
  auto* templ_opt = cmd->add_option("-T,--template", o->templ,
                                    "How each snapshot is shown: a template, a [templates] name or a built-in "
                                    "(builtin_history, builtin_history_graph; docs/templates.md)");
  cmd->callback([&ctx, o, rev_opt, templ_opt] {
    ctx.paths_used = true;
    // revsets.history: what history lists when neither -r nor --all says.
    std::optional<std::string> configured;
    if (rev_opt->count() == 0 && !o->all && !o->hidden) configured = ctx.config.String("revsets.history");
    if (configured) o->revset = *configured;
    const bool revset = rev_opt->count() > 0 || configured.has_value();
    std::unique_ptr<templates::Schema> schema;
    std::optional<templates::Template> templ;
    if (templ_opt->count()) {
      schema = MakeTemplateSchema(ctx, TemplateKind::kSnapshot);
      templ = CompileTemplateArg(ctx, *schema, o->templ);
    }
    if (revset && o->all)
      Fail(ErrorCode::kInvalidArgument, "-r and --all cannot be used together",
           "-r lists exactly its revset; every visible snapshot is -r 'all()'");
    if (revset && o->hidden)
      Fail(ErrorCode::kInvalidArgument, "-r and --hidden cannot be used together",
           "add the hidden snapshots to the revset: -r 'all() | hidden()'");
    auto repo = ctx.OpenRepo();
    std::string wt = (o->all || revset) ? ctx.CurrentWorktree(*repo) : ctx.ExistingWorktree(*repo);
    HistoryOptions ho;
    if (!ctx.paths.empty()) {
      // Paths after '--' are relative to the current directory, in this worktree.
      auto ws = ctx.OpenWorkspace(*repo);
      PathMatch m;
      for (const auto& p : ctx.paths) m.prefixes.push_back(ctx.ToRepoPath(*ws, p));
      ho.paths = std::move(m);
    }
    if (revset) {
      ho.revisions = EvaluateRevsetOrFail(ctx, *repo, wt, o->revset);
    }
    const bool graph = o->all || revset;
    ho.all = o->all;
    ho.hidden = o->hidden;
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
    const ChangeIndex changes = Check(ChangeIndex::Build(*repo));
    // A visible snapshot whose change has other visible snapshots too.
    auto divergent = [&changes](const HistoryEntry& e) {
      return !e.hidden && changes.Snapshots(e.snapshot->change_id).size() > 1;
    };
    if (ctx.g.json) {
      json arr = json::array();
      for (const auto& e : entries) {
        json j = SnapshotJson(*repo, e.id, *e.snapshot);
        j["is_head"] = head && *head == e.id;
        j["hidden"] = e.hidden;
        j["divergent"] = divergent(e);
        arr.push_back(j);
      }
      ctx.PrintJson(arr);
      return;
    }
    if (entries.empty()) {
      if (ho.paths)
        ctx.Out("No snapshot changed " + (ctx.paths.size() == 1 ? "'" + ctx.paths[0] + "'" : std::string("these paths")) +
                (o->all || revset ? "" : " on this line (--all: every line)") + ".\n");
      else
        ctx.Out(head ? "No snapshots match.\n" : "No snapshots yet. Create one with 'jvs snapshot'.\n");
      return;
    }
    const Style& st = ctx.style();
    // -T: the template's text; lines after the first start under the first.
    auto render = [&](const HistoryEntry& e, const std::string& indent) {
      SnapshotRow row{repo.get(), &changes, e.id, e.snapshot, e.tags, e.hidden, divergent(e), head && *head == e.id, {}, {}};
      return EntryLines(Paint(st, templ->Evaluate(MakeSnapshotRow(ctx, row))), indent);
    };
    auto describe = [&](const HistoryEntry& e) {
      std::string line = ctx.Id(*repo, e.id) + " " + ctx.ChangeId(changes, e.snapshot->change_id);
      if (divergent(e)) line += " " + st.Error("divergent");
      if (e.hidden) line += " " + st.Dim("hidden");
      line += "  " + st.Time(ctx.Ago(e.snapshot->created_at));
      if (graph) line += "  " + st.Worktree(QuoteName(e.snapshot->worktree));
      if (!e.tags.empty()) {
        line += "  (";
        for (size_t i = 0; i < e.tags.size(); ++i) line += (i ? ", " : "") + st.Tag(QuoteName(e.tags[i]));
        line += ")";
      }
      if (e.snapshot->conflicted()) line += "  " + st.Tag("(conflict)");
      if (!e.snapshot->note.empty()) line += "  " + NoteSummary(e.snapshot->note);
      return line;
    };
    std::string out;
    if (!graph) {
      // One line of history: no graph needed, '@' marks the head, 'x' a hidden snapshot.
      for (const auto& e : entries)
        out += ((head && *head == e.id) ? st.Head("@") + " " : e.hidden ? st.Dim("x") + " " : "  ") +
               (templ ? render(e, "  ") : describe(e) + "\n");
      ctx.Out(out);
      return;
    }
    // Every line: drawn as a graph, children above their parents.
    std::vector<GraphNode> nodes;
    for (const auto& e : entries) {
      GraphNode n{e.id.hex(), {}, (head && *head == e.id) ? '@' : e.hidden ? 'x' : 'o'};
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
      const HistoryEntry& e = entries[static_cast<size_t>(row.node)];
      out += prefix + (templ ? render(e, IndentLike(row.prefix)) : describe(e) + "\n");
    }
    ctx.Out(out);
  });
}

}  // namespace jvs::cli
