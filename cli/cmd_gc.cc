// gc plan, gc run: two-phase garbage collection (see include/jvs/integrity/gc.h).
#include "commands.h"
#include "jvs/integrity/gc.h"

namespace jvs::cli {

namespace {

json PlanJson(Repo& repo, const GcPlan& p) {
  json ids = json::array();
  for (const auto& id : p.protected_snapshots) ids.push_back(id.hex());
  return json{{"plan_id", p.plan_id},
              {"created_at", p.created_at},
              {"to_delete", p.objects.size()},
              {"protected", p.protected_reachable + p.protected_recent},
              {"reclaimable_bytes", p.reclaimable_bytes},
              {"to_delete_snapshots", p.count(GcObjectKind::kSnapshot)},
              {"to_delete_trees", p.count(GcObjectKind::kTree)},
              {"to_delete_blobs", p.count(GcObjectKind::kBlob)},
              {"protected_reachable", p.protected_reachable},
              {"protected_recent", p.protected_recent},
              {"operations_to_cut", p.cut_operations.size()},
              {"views_to_cut", p.cut_views.size()},
              {"operations_kept", p.retained_operations.size()},
              {"op_log_bytes", p.op_log_bytes},
              {"op_head", p.op_head.hex()},
              {"keep_days", p.keep_days ? json(*p.keep_days) : json(nullptr)},
              {"keep_last", p.keep_last ? json(*p.keep_last) : json(nullptr)},
              {"keep_daily", p.keep_daily ? json(*p.keep_daily) : json(nullptr)},
              {"grace_seconds", p.grace_seconds},
              {"plan_path", (repo.control_dir() / "gc" / p.plan_id).string()},
              // As the original JVS: kept snapshots by reason, and their ids.
              {"candidate_count", p.count(GcObjectKind::kSnapshot)},
              {"deletable_bytes_estimate", p.reclaimable_bytes},
              {"protected_by_pin", p.protected_by_pin},
              {"protected_by_lineage", p.protected_by_lineage},
              {"protected_by_retention", p.protected_by_retention},
              {"protected_set", ids}};
}

std::string Plural(uint64_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

void RegisterGc(CLI::App& app, Context& ctx) {
  auto* gc = app.add_subcommand("gc", "Garbage collection in two phases: plan what to delete, then run the plan");
  gc->require_subcommand(1);

  auto keep_days = std::make_shared<int64_t>(-1);
  auto keep_last = std::make_shared<int64_t>(-1);
  auto keep_daily = std::make_shared<int64_t>(-1);
  auto grace = std::make_shared<int64_t>(kGcDefaultGraceSeconds / 60);
  auto* plan = gc->add_subcommand(
      "plan",
      "List what gc would delete (nothing is deleted): objects no kept operation reaches, and operations "
      "outside the retention window. Default: keep the last " +
          std::to_string(kGcDefaultKeepLast) + " operations and those of the last " +
          std::to_string(kGcDefaultKeepDays) + " days");
  plan->add_option("--keep-days", *keep_days, "Keep operations that ended within D days (with --keep-last: both)")
      ->check(CLI::NonNegativeNumber);
  plan->add_option("--keep-last", *keep_last, "Keep the newest N operations (with --keep-days: both)")
      ->check(CLI::PositiveNumber);
  plan->add_option("--keep-daily", *keep_daily,
                   "Keep the newest operation of each of the N latest days that have some (with the others: all)")
      ->check(CLI::PositiveNumber);
  plan->add_option("--grace-minutes", *grace,
                   "Keep objects and operation files modified within M minutes (default " +
                       std::to_string(kGcDefaultGraceSeconds / 60) + ")")
      ->check(CLI::NonNegativeNumber);
  plan->callback([&ctx, keep_days, keep_last, keep_daily, grace] {
    auto repo = ctx.OpenRepo(false);
    GcOptions o;
    // The options, else gc.keep_days / gc.keep_last from the configuration
    // (or JVS_GC_KEEP_DAYS / JVS_GC_KEEP_LAST), else the defaults.
    if (*keep_days >= 0 || *keep_last >= 0 || *keep_daily >= 0) {
      if (*keep_days >= 0) o.keep_days = *keep_days;
      if (*keep_last >= 0) o.keep_last = *keep_last;
      if (*keep_daily >= 0) o.keep_daily = *keep_daily;
    } else {
      if (auto d = ctx.config.gc_keep_days()) o.keep_days = *d;
      if (auto n = ctx.config.gc_keep_last()) o.keep_last = *n;
    }
    o.grace_seconds = *grace * 60;
    GcPlan p = Check(MakeGcPlan(*repo, o));
    for (const auto& w : repo->TakeWarnings()) ctx.Warn(w);
    if (ctx.g.json) {
      ctx.PrintJson(PlanJson(*repo, p));
      return;
    }
    std::string out = "GC Plan: " + p.plan_id + " (nothing deleted yet)\n";
    if (p.objects.empty()) {
      out += "  no objects to delete\n";
    } else {
      out += "  delete " + Plural(p.objects.size(), "object") + ": " +
             Plural(p.count(GcObjectKind::kSnapshot), "snapshot") + ", " +
             Plural(p.count(GcObjectKind::kTree), "tree") + ", " + Plural(p.count(GcObjectKind::kBlob), "blob") +
             " (" + HumanBytes(p.reclaimable_bytes) + " on disk)\n";
    }
    out += "  cut " + Plural(p.cut_operations.size(), "operation") + " from the op log (keeping " +
           std::to_string(p.retained_operations.size()) + ")\n";
    out += "  keep " + Plural(p.protected_reachable, "reachable object");
    if (p.protected_recent) out += " and " + std::to_string(p.protected_recent) + " written in the last " +
                                   Plural(static_cast<uint64_t>(p.grace_seconds / 60), "minute");
    out += "\n";
    out += "  keep " + Plural(p.protected_snapshots.size(), "snapshot") + ": " +
           std::to_string(p.protected_by_pin) + " pinned, " + std::to_string(p.protected_by_lineage) +
           " in the current lineage, " + std::to_string(p.protected_by_retention) + " by retention\n";
    if (std::string pins = PinsText(ctx, *repo, "    "); !pins.empty()) out += "  pins:\n" + pins;
    if (p.objects.empty() && p.cut_operations.empty() && p.cut_views.empty()) {
      out += "Nothing to collect.\n";
    } else {
      out += "Review it in " + (repo->control_dir() / "gc" / p.plan_id).string() + ", then run:\n";
      out += "  jvs gc run --plan-id " + p.plan_id + "\n";
    }
    ctx.Out(out);
  });

  auto plan_id = std::make_shared<std::string>();
  auto* run = gc->add_subcommand("run", "Carry out a plan made by 'jvs gc plan' (refused if the repository "
                                        "changed so that something in it is needed again)");
  run->add_option("--plan-id", *plan_id, "The plan id printed by 'jvs gc plan'")->required();
  run->callback([&ctx, plan_id] {
    auto repo = ctx.OpenRepo(false);
    GcRunResult r = Check(RunGcPlan(*repo, *plan_id));
    for (const auto& w : repo->TakeWarnings()) ctx.Warn(w);
    if (ctx.g.json) {
      ctx.PrintJson({{"plan_id", r.plan_id},
                     {"op_id", r.op ? json(r.op->hex()) : json(nullptr)},
                     {"deleted", r.objects_deleted()},
                     {"deleted_snapshots", r.snapshots_deleted},
                     {"deleted_trees", r.trees_deleted},
                     {"deleted_blobs", r.blobs_deleted},
                     {"freed_bytes", r.bytes_freed},
                     {"operations_cut", r.operations_cut},
                     {"views_deleted", r.views_deleted}});
      return;
    }
    ctx.Out("Deleted " + Plural(r.objects_deleted(), "object") + " (" + Plural(r.snapshots_deleted, "snapshot") +
            ", " + Plural(r.trees_deleted, "tree") + ", " + Plural(r.blobs_deleted, "blob") + "), freed " +
            HumanBytes(r.bytes_freed) + "\n" + "Cut " + Plural(r.operations_cut, "operation") +
            " from the op log\n" + (r.op ? std::string() : "Nothing was deleted, so no operation was recorded\n"));
  });
  for (auto* sub : gc->get_subcommands({})) sub->fallthrough();
  gc->fallthrough();
}

}  // namespace jvs::cli
