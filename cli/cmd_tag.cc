// jvs tag set|delete|list: movable names for snapshots.
#include "commands.h"
#include "jvs/repo/history.h"
#include "jvs/repo/tags.h"
#include "jvs/base/suggest.h"

namespace jvs::cli {

void RegisterTag(CLI::App& app, Context& ctx) {
  auto* tag = app.add_subcommand("tag", "Tags: movable names for snapshots");
  tag->require_subcommand(1);
  struct Opts {
    std::string name, ref = "@", revision;
  };
  auto o = std::make_shared<Opts>();
  auto* set = tag->add_subcommand("set", "Point tag NAME at REF (default @), creating or moving it");
  set->add_option("NAME", o->name, "Tag name")->required();
  auto* ref_opt = set->add_option("REF", o->ref, "Snapshot (default @)");
  set->add_option("-r,--revision", o->revision,
                  "Snapshot, as REF: a reference or a revset naming exactly one snapshot")
      ->excludes(ref_opt);
  set->callback([&ctx, o] {
    if (!o->revision.empty()) o->ref = o->revision;
    Check(ValidateNewTagName(o->name));
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
      ctx.PrintJson({{"name", o->name}, {"snapshot_id", id.hex()}, {"changed", true}, {"op_id", r.op->hex()}});
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
      ctx.PrintJson({{"name", o->name}, {"snapshot_id", id.hex()}, {"deleted", true}, {"op_id", r.op->hex()}});
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
      for (const auto& [n, id] : repo->view().tags) {
        json j{{"snapshot_id", id.hex()}};
        SetNameJson(j, "name", n);
        arr.push_back(j);
      }
      ctx.PrintJson(arr);
      return;
    }
    std::string out;
    for (const auto& [n, id] : repo->view().tags) {
      auto s = repo->ReadSnapshot(id);
      out += QuoteName(n) + "  " + ctx.Id(*repo, id) + (s.ok() && !(*s)->note.empty() ? "  " + NoteSummary((*s)->note) : "") + "\n";
    }
    if (out.empty()) out = "No tags. Create one with 'jvs tag set NAME [REF]'.\n";
    ctx.Out(out);
  });
  for (auto* sub : tag->get_subcommands({})) sub->fallthrough();
  tag->fallthrough();
}

}  // namespace jvs::cli
