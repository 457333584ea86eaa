// op log, op restore, undo, redo
#include "commands.h"
#include "jvs/repo/operations.h"
#include "jvs/repo/worktrees.h"
#include "templates.h"

namespace jvs::cli {

namespace {

json OpJson(const OpLogEntry& e, const OperationId& current) {
  json parents = json::array();
  for (const auto& p : e.op.parents) parents.push_back(p.hex());
  const auto& m = e.op.metadata;
  return json{{"op_id", e.id.hex()},
              {"parents", parents},
              {"view_id", e.op.view.hex()},
              {"time", m.end_time},
              {"start_time", m.start_time},
              {"user", m.user},
              {"host", m.host},
              {"pid", m.pid},
              {"command", m.command},
              {"description", m.description},
              {"attributes", m.attributes},
              {"is_merge", e.op.parents.size() > 1},
              {"is_current", e.id == current}};
}

}  // namespace

// Applies a planned view update to the current worktree and reports it.
void ApplyUpdate(Context& ctx, Repo& repo, Workspace& ws, const ViewUpdate& plan, const std::string& verb) {
  auto r = Check(ws.Update(plan));
  for (const auto& w : r.warnings) ctx.Warn(w);
  // Worktrees the new view has but the disk lacks (an undone removal) come back.
  for (const auto& name : Check(MaterializeMissingWorktrees(repo, r.recreate_files_from)))
    ctx.Warn("recreated the directory of worktree " + name);
  // Where the worktree stands now (its files may come from a saved snapshot:
  // an undo of a restore brings back the dirty files on top of the old head).
  std::optional<SnapshotId> head;
  if (auto it = repo.view().worktrees.find(ws.name()); it != repo.view().worktrees.end()) head = it->second.head;
  if (ctx.g.json) {
    ctx.PrintJson({{"op_id", r.op.hex()},
                   {"description", r.description},
                   {"worktree_name", ws.name()},
                   {"head_snapshot_id", head ? json(head->hex()) : json(nullptr)},
                   {"captured_snapshot_id", r.captured ? json(r.captured->hex()) : json(nullptr)},
                   {"files_written", r.files_written},
                   {"files_removed", r.files_removed},
                   {"files_kept", r.files_kept}});
    return;
  }
  std::string out;
  if (r.captured)
    out += "Saved uncommitted changes as snapshot " + ctx.Id(repo, *r.captured) + "\n";
  const std::string& d = r.description;
  out += verb + ": " + EscapeText(d.substr(d.find(':') == std::string::npos ? 0 : d.find(':') + 2)) + "\n";
  out += "Worktree " + QuoteName(ws.name()) + " is at " + (!head ? std::string("(no snapshot)") : ctx.Id(repo, *head)) +
         (r.files_kept ? std::string("; its files were left as they are (changes since show in 'jvs status')\n")
                       : ": " + std::to_string(r.files_written) + " written, " + std::to_string(r.files_removed) +
                             " removed\n");
  ctx.Out(out);
}


void RegisterOp(CLI::App& app, Context& ctx) {
  auto* op = app.add_subcommand("op", "The operation log: who did what and when; go back to any point");
  op->require_subcommand(1);
  auto n = std::make_shared<int>(-1);
  auto jsonl = std::make_shared<bool>(false);
  auto* log = op->add_subcommand("log", "Operations, newest first");
  log->add_option("-n,--limit", *n, "Show at most N operations")->check(CLI::NonNegativeNumber);
  log->add_flag("--jsonl", *jsonl, "Export as JSON lines, one operation per line (the audit trail)");
  auto templ_arg = std::make_shared<std::string>();
  auto* templ_opt = log->add_option("-T,--template", *templ_arg,
                                    "How each operation is shown: a template, a [templates] name or a built-in "
                                    "(builtin_op_log; docs/templates.md)");
  log->callback([&ctx, n, jsonl, templ_arg, templ_opt] {
    std::unique_ptr<tpl::Schema> schema;
    std::optional<tpl::Template> templ;
    if (templ_opt->count()) {
      if (*jsonl)
        Fail(ErrorCode::kInvalidArgument, "-T and --jsonl cannot be used together",
             "--jsonl prints every field already; json(KEYWORD) puts one in a template");
      schema = MakeTemplateSchema(ctx, TemplateKind::kOperation);
      templ = CompileTemplateArg(ctx, *schema, *templ_arg);
    }
    auto repo = ctx.OpenRepo();
    std::optional<size_t> limit;
    if (*n >= 0) limit = static_cast<size_t>(*n);
    auto entries = Check(OperationLog(*repo, limit));
    if (*jsonl) {
      std::string out;
      for (const auto& e : entries) out += OpJson(e, repo->op_id()).dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
      std::fwrite(out.data(), 1, out.size(), stdout);
      return;
    }
    if (ctx.g.json) {
      json arr = json::array();
      for (const auto& e : entries) arr.push_back(OpJson(e, repo->op_id()));
      ctx.PrintJson(arr);
      return;
    }
    std::string out;
    const Style& st = ctx.style();
    for (const auto& e : entries) {
      if (templ) {
        out += (e.id == repo->op_id() ? st.Head("@") + " " : "  ") +
               EntryLines(Paint(st, templ->Evaluate(MakeOperationRow(e, repo->op_id()))), "  ");
        continue;
      }
      const auto& m = e.op.metadata;
      out += (e.id == repo->op_id() ? st.Head("@") + " " : "  ") + st.Id(e.id.hex(), 12, 12) + "  " +
             st.Time(ctx.Ago(m.end_time)) + "  " + EscapeText(m.user + "@" + m.host) +
             (e.op.parents.size() > 1 ? "  (merge)" : "") + "\n";
      out += "    " + EscapeText(m.description) + "\n";
      if (auto c = m.attributes.find("conflicts"); c != m.attributes.end())
        out += "    conflicts (the newer side won; the other snapshot stays visible): " + EscapeText(c->second) + "\n";
      if (!m.command.empty()) out += "    args: " + EscapeText(m.command) + "\n";
    }
    ctx.Out(out);
  });
  auto spec = std::make_shared<std::string>();
  auto* restore = op->add_subcommand("restore", "Make the repository look as it did after operation OP (a new operation)");
  restore->add_option("OP", *spec, "Operation id prefix, @ or @-")->required();
  for (auto* sub : op->get_subcommands({})) sub->fallthrough();
  op->fallthrough();

  // undo/redo/op restore also work from inside a worktree the current view no
  // longer has: the view changes and no working copy is touched here (the
  // worktree's files follow through stale detection on its next command).
  auto apply = [&ctx](Repo& repo, const ViewUpdate& plan, const std::string& verb) {
    std::string name = ctx.CurrentWorktree(repo);
    if (repo.view().worktrees.count(name)) {
      auto ws = ctx.OpenWorkspace(repo);
      ApplyUpdate(ctx, repo, *ws, plan, verb);
      return;
    }
    ViewOnlyOutcome r = Check(ApplyUpdateWithoutFiles(repo, plan));
    for (const auto& n : r.recreated) ctx.Warn("recreated the directory of worktree " + n);
    if (ctx.g.json) {
      ctx.PrintJson({{"op_id", r.op.hex()}, {"description", r.description}, {"worktree_name", name}});
      return;
    }
    ctx.Out(verb + ": " + EscapeText(r.description) + "\n");
  };
  auto whole = std::make_shared<bool>(false);
  auto* undo = app.add_subcommand(
      "undo", "Undo the latest operation of this worktree (repeat to keep stepping back); dirty files are saved first");
  undo->add_flag("--all-worktrees", *whole, "Undo the latest operation of the whole repository, whichever worktree ran it");
  undo->callback([&ctx, apply, whole] {
    auto repo = ctx.OpenRepo(false);
    apply(*repo, Check(PlanUndo(*repo, ctx.CurrentWorktree(*repo), *whole)), "Undid");
  });
  restore->callback([&ctx, spec, apply] {
    auto repo = ctx.OpenRepo(false);
    OperationId target = Check(ResolveOperation(*repo, *spec));
    apply(*repo, Check(PlanOpRestore(*repo, target)), "Restored operation");
  });
  auto whole_redo = std::make_shared<bool>(false);
  auto* redo = app.add_subcommand("redo", "Redo what the latest undo of this worktree took back");
  redo->add_flag("--all-worktrees", *whole_redo, "Redo what the latest repository-wide undo took back");
  redo->callback([&ctx, apply, whole_redo] {
    auto repo = ctx.OpenRepo(false);
    apply(*repo, Check(PlanRedo(*repo, ctx.CurrentWorktree(*repo), *whole_redo)), "Redid");
  });
}

}  // namespace jvs::cli
