// jvs status (st): the worktree, its head snapshot and what changed since it.
#include "commands.h"
#include "jvs/base/change_id.h"

namespace jvs::cli {

void RegisterStatus(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("status", "The worktree, its head snapshot, and what changed since it");
  cmd->alias("st");
  auto z = std::make_shared<bool>(false);
  auto no_renames = std::make_shared<bool>(false);
  cmd->add_flag("-z", *z,
                "Only the changes, as 'X NAME' ended by NUL, names unquoted (for scripts; a rename is 'R NEW' then "
                "'OLD')");
  cmd->add_flag("--no-renames", *no_renames, "Show a moved file as removed and added");
  cmd->callback([&ctx, z, no_renames] {
    auto repo = ctx.OpenRepo();
    auto ws = ctx.OpenWorkspace(*repo);
    if (repo->read_only()) {
      // --at-op: the recorded state only; the working copy is not read.
      const auto& st = ws->state();
      if (ctx.g.json) {
        ctx.PrintJson({{"worktree_name", ws->name()},
                       {"op_id", repo->op_id().hex()},
                       {"head_snapshot_id", st.head ? json(st.head->hex()) : json(nullptr)},
                       {"latest_snapshot_id", st.latest ? json(st.latest->hex()) : json(nullptr)}});
      } else {
        ctx.Out("Worktree: " + QuoteName(ws->name()) + " (as of operation " + repo->op_id().hex().substr(0, 12) + ")\n");
        std::string head = "(no snapshot)";
        if (st.head) {
          auto s = Check(repo->ReadSnapshot(*st.head));
          head = ctx.Id(*repo, *st.head) + " " + ctx.ChangeId(Check(ChangeIndex::Build(*repo)), s->change_id);
        }
        ctx.Out("Head: " + head + "\n");
      }
      return;
    }
    auto r = Check(ws->Status());
    for (const auto& w : r.warnings) ctx.Warn(w);
    if (!*no_renames) {
      DiffSide working;
      working.working_copy = true;
      working.root = ws->path();
      r.changes = WithRenames(*repo, DiffSide{}, working, std::move(r.changes));
    }
    // The head's change is divergent when other visible snapshots have it too.
    std::optional<ChangeIndex> changes;
    std::vector<SnapshotId> same_change;
    if (r.head && !*z) {
      auto s = Check(repo->ReadSnapshot(*r.head));
      changes = Check(ChangeIndex::Build(*repo));
      same_change = changes->Snapshots(s->change_id);
      if (same_change.size() < 2) same_change.clear();
    }
    if (ctx.g.json) {
      json j = ChangesJson(r.changes);
      SetNameJson(j, "worktree_name", ws->name());
      SetNameJson(j, "path", ws->path().string());
      j["head_snapshot_id"] = r.head ? json(r.head->hex()) : json(nullptr);
      j["head_change_id"] = nullptr;
      if (r.head) {
        auto s = Check(repo->ReadSnapshot(*r.head));
        j["head_change_id"] = ChangeIdToReverseHex(s->change_id).value_or(s->change_id);
      }
      j["head_divergent"] = !same_change.empty();
      json divergent = json::array();
      for (const auto& id : same_change) divergent.push_back(id.hex());
      j["divergent_snapshot_ids"] = divergent;
      j["clean"] = r.changes.empty();
      json conflicts = json::array();
      for (const auto& c : r.conflicts) conflicts.push_back(ConflictJson(c));
      j["conflicts"] = conflicts;
      ctx.PrintJson(j);
      return;
    }
    if (*z) {
      // Scripts: every change as "X NAME" ended by NUL, the name raw (as git status -z).
      std::string out;
      for (const auto& c : r.changes) {
        char letter = c.renamed() ? 'R' : c.added() ? 'A' : c.removed() ? 'D' : 'M';
        const TreeEntry& e = c.new_entry ? *c.new_entry : *c.old_entry;
        out += std::string(1, letter) + " " + c.path.str() + (e.kind == EntryKind::kTree ? "/" : "");
        out += '\0';
        if (c.renamed()) out += c.old_path->str() + '\0';  // as git status --porcelain -z
      }
      ctx.Out(out);
      return;
    }
    std::string out = "Worktree: " + QuoteName(ws->name()) + " (" + QuoteName(ws->path().string()) + ")\n";
    if (r.head) {
      auto s = Check(repo->ReadSnapshot(*r.head));
      out += "Head: " + ctx.Id(*repo, *r.head) + " " + ctx.ChangeId(*changes, s->change_id) +
             (s->note.empty() ? "" : " \"" + NoteSummary(s->note) + "\"") + "\n";
      if (!same_change.empty()) {
        std::string ids;
        for (const auto& id : same_change) ids += (ids.empty() ? "" : ", ") + ctx.Id(*repo, id);
        out += "The head's change " + ctx.ChangeId(*changes, s->change_id) + " is divergent: " +
               std::to_string(same_change.size()) + " visible snapshots have it (" + ids + ")\n" +
               "  hint: abandon one of them (jvs abandon ID) or describe one as a new change\n";
      }
      auto latest = ws->state().latest;
      if (latest && *latest != *r.head)
        out += "Latest snapshot of this worktree is " + ctx.Id(*repo, *latest) + " ('jvs restore HEAD' returns to it)\n";
    } else {
      out += "Head: (no snapshot yet)\n";
    }
    if (!r.conflicts.empty()) {
      out += "The head has " + std::to_string(r.conflicts.size()) +
             " conflicted path(s) ('jvs resolve --list' shows what the files still hold):\n";
      for (const auto& c : r.conflicts) out += "  C " + QuoteName(c.path.str()) + "\n";
    }
    if (r.changes.empty()) {
      out += "No changes.\n";
    } else {
      out += "Changes:\n";
      for (const auto& c : r.changes) {
        if (c.renamed()) {
          out += "  R " + RenameText(c) + (c.similarity < 100 ? " (" + std::to_string(c.similarity) + "% similar)" : "") +
                 "\n";
          continue;
        }
        char letter = c.added() ? 'A' : c.removed() ? 'D' : 'M';
        const TreeEntry& e = c.new_entry ? *c.new_entry : *c.old_entry;
        out += std::string("  ") + letter + " " + QuoteName(c.path.str() + (e.kind == EntryKind::kTree ? "/" : "")) + "\n";
      }
    }
    ctx.Out(out);
  });
}

}  // namespace jvs::cli
