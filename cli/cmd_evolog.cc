// jvs evolog: the versions of a change, newest first (Jujutsu's `jj evolog`),
// each with the operation that made it; -p adds the diff from the version it
// replaced. A version gc collected is named as such, never an error.
#include "commands.h"
#include "jvs/base/change_id.h"
#include "jvs/repo/evolog.h"
#include "jvs/repo/history.h"
#include "templates.h"

namespace jvs::cli {

namespace {

// The tree of version `id` as its files held it; none when gc collected it.
std::optional<TreeId> TreeOrCollected(Repo& repo, const SnapshotId& id) {
  auto t = MaterializedTreeOf(repo, id);
  if (!t.ok() && t.error().code() == ErrorCode::kNotFound) return std::nullopt;
  return Check(std::move(t));
}

// A full snapshot id that the store lacks but that the op log may still
// name (a version gc collected): resolution fails for it, evolog does not.
std::optional<SnapshotId> FullIdOf(const std::string& ref) {
  std::string lower = ref;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto id = SnapshotId::FromHex(lower);
  return id.ok() ? std::optional<SnapshotId>(*id) : std::nullopt;
}

}  // namespace

void RegisterEvolog(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string ref, templ;
    int n = -1;
    bool patch = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("evolog", "The versions of a change, newest first, with the operation that made "
                                           "each (rewrites by describe, rebase and others)");
  cmd->add_option("REF", o->ref, "A snapshot of the change (default: @, the worktree's head); hidden ones too");
  cmd->add_option("-n,--limit", o->n, "Show at most N versions")->check(CLI::NonNegativeNumber);
  cmd->add_flag("-p,--patch", o->patch, "Show what changed from the version each one replaced");
  auto* templ_opt = cmd->add_option("-T,--template", o->templ,
                                    "How each version is shown: a template, a [templates] name or a built-in "
                                    "(builtin_evolog; docs/templates.md)");
  cmd->callback([&ctx, o, templ_opt] {
    std::unique_ptr<tpl::Schema> schema;
    std::optional<tpl::Template> templ;
    if (templ_opt->count()) {
      schema = MakeTemplateSchema(ctx, TemplateKind::kEvolog);
      templ = CompileTemplateArg(ctx, *schema, o->templ);
    }
    auto repo = ctx.OpenRepo();
    const std::string wt = ctx.CurrentWorktree(*repo);
    const std::string ref = o->ref.empty() ? "@" : o->ref;
    SnapshotId start;
    if (auto full = FullIdOf(ref); full && !repo->store().HasSnapshot(*full)) {
      start = *full;  // Evolog says whether the op log knows it
    } else {
      start = ctx.Resolve(*repo, wt, ref);
    }
    EvologOptions eo;
    if (o->n >= 0) eo.limit = static_cast<size_t>(o->n);
    const std::vector<EvologEntry> entries = Check(Evolog(*repo, start, eo));

    // The diff of each version against each version it replaced (-p).
    struct Diff {
      SnapshotId from;
      bool collected = false;  // `from` or this version is gone: no diff
      std::vector<TreeChange> changes;
    };
    TreeGetter getter = [&repo](const TreeId& id) { return repo->store().ReadTree(id); };
    auto diffs_of = [&](const EvologEntry& e) {
      std::vector<Diff> out;
      if (!o->patch) return out;
      std::optional<TreeId> to = e.snapshot ? TreeOrCollected(*repo, e.id) : std::nullopt;
      for (const auto& p : e.predecessors) {
        Diff d{p, true, {}};
        std::optional<TreeId> from = repo->store().HasSnapshot(p) ? TreeOrCollected(*repo, p) : std::nullopt;
        if (to && from) {
          d.collected = false;
          d.changes = Check(DiffTrees(getter, *from, *to, {}));
        }
        out.push_back(std::move(d));
      }
      return out;
    };

    if (ctx.g.json) {
      json arr = json::array();
      for (const auto& e : entries) {
        json j{{"snapshot_id", e.id.hex()}, {"collected", !e.snapshot}, {"hidden", e.hidden}};
        if (e.snapshot) {
          j["change_id"] = ChangeIdToReverseHex(e.snapshot->change_id).value_or(e.snapshot->change_id);
          SetNameJson(j, "note", e.snapshot->note);
          j["created_at"] = e.snapshot->created_at;
          j["parents"] = json::array();
          for (const auto& p : e.snapshot->parents) j["parents"].push_back(p.hex());
          j["conflicted"] = e.snapshot->conflicted();
        } else {
          j["change_id"] = nullptr;
          j["note"] = nullptr;
          j["created_at"] = nullptr;
          j["parents"] = nullptr;
          j["conflicted"] = nullptr;
        }
        j["op_id"] = e.op ? json(e.op->hex()) : json(nullptr);
        j["op_description"] = e.op ? json(e.op_description) : json(nullptr);
        json preds = json::array();
        for (const auto& p : e.predecessors) preds.push_back(p.hex());
        j["predecessors"] = preds;
        if (o->patch) {
          json diffs = json::array();
          for (const auto& d : diffs_of(e)) {
            json dj = d.collected ? json::object() : ChangesJson(d.changes);
            dj["from_snapshot_id"] = d.from.hex();
            dj["collected"] = d.collected;
            diffs.push_back(dj);
          }
          j["diffs"] = diffs;
        }
        arr.push_back(j);
      }
      ctx.PrintJson(arr);
      return;
    }

    const Style& st = ctx.style();
    const ChangeIndex changes = Check(ChangeIndex::Build(*repo));
    auto ws_head = repo->view().worktrees.find(wt);
    std::optional<SnapshotId> head =
        ws_head != repo->view().worktrees.end() ? ws_head->second.head : std::nullopt;
    std::string out;
    for (const auto& e : entries) {
      std::string line = (head && *head == e.id) ? st.Head("@") + " " : e.hidden ? st.Dim("x") + " " : "o ";
      if (templ) {
        const bool divergent = e.snapshot && !e.hidden && changes.Snapshots(e.snapshot->change_id).size() > 1;
        SnapshotRow row{repo.get(), &changes, e.id, e.snapshot,
                        e.snapshot ? TagsOf(repo->view(), e.id) : std::vector<std::string>{},
                        e.hidden, divergent, head && *head == e.id, e.op, e.op_description};
        out += line + EntryLines(Paint(st, templ->Evaluate(MakeSnapshotRow(ctx, row))), "  ");
      } else {
        line += ctx.Id(*repo, e.id);
        if (!e.snapshot) {
          line += "  " + st.Dim("(collected by gc)");
        } else {
          line += " " + ctx.ChangeId(changes, e.snapshot->change_id);
          if (e.hidden) line += " " + st.Dim("hidden");
          line += "  " + st.Time(ctx.Ago(e.snapshot->created_at));
          if (e.snapshot->conflicted()) line += "  " + st.Tag("(conflict)");
          line += "  " + (e.snapshot->note.empty() ? st.Dim("(no note)") : NoteSummary(e.snapshot->note));
        }
        out += line + "\n";
        out += "  " + st.Dim(e.op ? "operation " + e.op->hex().substr(0, 12) + ": " + EscapeText(FirstLine(e.op_description))
                                  : std::string("operation: unknown (before the operation log's horizon)")) +
               "\n";
      }
      for (const auto& d : diffs_of(e)) {
        if (d.collected) {
          out += "  " + st.Dim("(no diff from " + d.from.hex().substr(0, 12) + ": collected by gc)") + "\n";
          continue;
        }
        out += DiffText(*repo, DiffSide{}, DiffSide{}, d.changes, false);
      }
    }
    ctx.Out(out);
  });
}

}  // namespace jvs::cli
