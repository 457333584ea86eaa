// Garbage collection, the plan: `gc plan` computes it (retention, marking)
// and writes it to `.jvs/gc/<plan id>` (JSON, docs/formats.md; the id is a
// hash of the content); LoadGcPlan reads and validates the file; before a run
// deletes anything, CheckPlanStillHolds recomputes retention and reachability
// under the exclusive repository lock and refuses a plan that would now cut a
// kept operation or delete a reachable object. Nothing here deletes.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "integrity/gc_internal.h"
#include "jvs/base/hash.h"
#include "jvs/base/timeutil.h"
#include "wc/tree_state.h"  // FilesystemNow

namespace jvs {

using nlohmann::json;
using namespace gc_internal;

std::string_view GcObjectKindName(GcObjectKind k) {
  switch (k) {
    case GcObjectKind::kSnapshot:
      return "snapshot";
    case GcObjectKind::kTree:
      return "tree";
    case GcObjectKind::kBlob:
      return "blob";
  }
  return "?";
}

uint64_t GcPlan::count(GcObjectKind k) const {
  return static_cast<uint64_t>(std::count_if(objects.begin(), objects.end(),
                                             [k](const GcCandidate& c) { return c.kind == k; }));
}

namespace gc_internal {

fs::path GcDir(Repo& repo) { return repo.control_dir() / "gc"; }

namespace {

json OptInt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

std::string EncodePlan(const GcPlan& p) {
  json j;
  j["format"] = 1;
  j["plan_id"] = p.plan_id;
  j["created_at"] = p.created_at;
  j["op_head"] = p.op_head.hex();
  j["keep_days"] = OptInt(p.keep_days);
  j["keep_last"] = OptInt(p.keep_last);
  if (p.keep_daily) j["keep_daily"] = *p.keep_daily;
  j["grace_seconds"] = p.grace_seconds;
  json ro = json::array(), co = json::array(), cv = json::array(), objs = json::array();
  for (const auto& id : p.retained_operations) ro.push_back(id.hex());
  for (const auto& id : p.cut_operations) co.push_back(id.hex());
  for (const auto& id : p.cut_views) cv.push_back(id.hex());
  for (const auto& c : p.objects)
    objs.push_back({{"kind", GcObjectKindName(c.kind)},
                    {"id", ToHex(c.id.data(), c.id.size())},
                    {"bytes", c.bytes},
                    {"reason", c.reason}});
  j["retained_operations"] = ro;
  j["cut_operations"] = co;
  j["cut_views"] = cv;
  j["objects"] = objs;
  j["reclaimable_bytes"] = p.reclaimable_bytes;
  j["op_log_bytes"] = p.op_log_bytes;
  j["protected"] = {{"reachable", p.protected_reachable}, {"recent", p.protected_recent}};
  return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<GcPlan> DecodePlan(std::string_view data) {
  auto bad = [](const std::string& why) {
    return Error(ErrorCode::kCorrupt, "the gc plan is malformed: " + why).WithRemedy(Remedy::kMakeGcPlan);
  };
  json j = json::parse(data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not JSON");
  GcPlan p;
  try {
    if (!j.contains("format") || !j["format"].is_number_integer() ||
        j["format"].get<int64_t>() != 1)
      return bad("unsupported format");
    p.plan_id = j.at("plan_id").get<std::string>();
    p.created_at = j.at("created_at").get<std::string>();
    JVS_ASSIGN_OR_RETURN(p.op_head, OperationId::FromHex(j.at("op_head").get<std::string>()));
    if (!j.at("keep_days").is_null()) p.keep_days = j.at("keep_days").get<int64_t>();
    if (!j.at("keep_last").is_null()) p.keep_last = j.at("keep_last").get<int64_t>();
    if (j.contains("keep_daily")) p.keep_daily = j.at("keep_daily").get<int64_t>();
    p.grace_seconds = j.at("grace_seconds").get<int64_t>();
    for (const auto& s : j.at("retained_operations")) {
      JVS_ASSIGN_OR_RETURN(OperationId id, OperationId::FromHex(s.get<std::string>()));
      p.retained_operations.push_back(id);
    }
    for (const auto& s : j.at("cut_operations")) {
      JVS_ASSIGN_OR_RETURN(OperationId id, OperationId::FromHex(s.get<std::string>()));
      p.cut_operations.push_back(id);
    }
    for (const auto& s : j.at("cut_views")) {
      JVS_ASSIGN_OR_RETURN(ViewId id, ViewId::FromHex(s.get<std::string>()));
      p.cut_views.push_back(id);
    }
    for (const auto& o : j.at("objects")) {
      GcCandidate c;
      std::string kind = o.at("kind").get<std::string>();
      if (kind == "snapshot")
        c.kind = GcObjectKind::kSnapshot;
      else if (kind == "tree")
        c.kind = GcObjectKind::kTree;
      else if (kind == "blob")
        c.kind = GcObjectKind::kBlob;
      else
        return bad("unknown object kind '" + kind + "'");
      std::string hex = o.at("id").get<std::string>();
      if (hex.size() != kIdHexLength || !IsLowerHex(hex)) return bad("invalid object id");
      JVS_ASSIGN_OR_RETURN(c.id, DigestFromHex(hex));
      c.bytes = o.at("bytes").get<uint64_t>();
      c.reason = o.at("reason").get<std::string>();
      p.objects.push_back(std::move(c));
    }
    p.reclaimable_bytes = j.at("reclaimable_bytes").get<uint64_t>();
    p.op_log_bytes = j.at("op_log_bytes").get<uint64_t>();
    p.protected_reachable = j.at("protected").at("reachable").get<uint64_t>();
    p.protected_recent = j.at("protected").at("recent").get<uint64_t>();
  } catch (const json::exception& e) {
    return bad(e.what());
  }
  return p;
}

namespace {

Status CheckOptions(const GcOptions& o) {
  if (o.keep_days && *o.keep_days < 0)
    return Error(ErrorCode::kInvalidArgument, "--keep-days must be 0 or more",
                 "e.g. --keep-days 14");
  if (o.keep_last && *o.keep_last < 1)
    return Error(ErrorCode::kInvalidArgument,
                 "--keep-last must be 1 or more (the current operation is always kept)",
                 "e.g. --keep-last 20");
  if (o.keep_daily && *o.keep_daily < 1)
    return Error(ErrorCode::kInvalidArgument, "--keep-daily must be 1 or more", "e.g. --keep-daily 7");
  if (o.grace_seconds < 0)
    return Error(ErrorCode::kInvalidArgument, "the grace period cannot be negative",
                 "e.g. --grace-minutes 60");
  return OkStatus();
}

Error UnknownPlan(std::string_view plan_id) {
  return Error(ErrorCode::kNotFound, "no gc plan '" + std::string(plan_id) + "'")
      .WithRemedy(Remedy::kPassGcPlanId);
}

}  // namespace

Result<CheckedPlan> CheckPlanStillHolds(Repo& repo, const GcPlan& plan) {
  Env* env = repo.env();
  // Progress: one "gc" phase while marking (items: objects marked), one while
  // deleting (totals: the plan's objects and bytes).
  std::optional<ProgressScope> marking;
  marking.emplace(repo.settings().progress, "gc");
  JVS_ASSIGN_OR_RETURN(int64_t fs_now, FilesystemNow(env, repo.control_dir() / "tmp"));
  const int64_t young_since = fs_now - plan.grace_seconds * kNanosPerSecond;
  CheckedPlan checked;
  JVS_ASSIGN_OR_RETURN(checked.ops, LoadOps(repo));
  const auto& ops = checked.ops;
  JVS_ASSIGN_OR_RETURN(auto reachable, ReachableOps(repo, ops));
  JVS_ASSIGN_OR_RETURN(std::set<OperationId> retained, Retain(repo, ops, reachable, plan.keep_days,
                                                              plan.keep_last, plan.keep_daily, repo.NowNanos()));
  std::set<OperationId> reachable_set(reachable.begin(), reachable.end());
  auto refuse = [&](const std::string& what) {
    return Error(ErrorCode::kRefused, "gc plan " + plan.plan_id + " is out of date: " + what,
                 "the repository changed since the plan was made")
        .WithRemedy(Remedy::kMakeGcPlan);
  };
  // The operations the plan cuts must still be outside the window.
  std::set<OperationId>& cut = checked.cut;
  for (const auto& id : plan.cut_operations) {
    auto it = ops.find(id);
    if (it == ops.end()) continue;  // already gone
    bool keep_now =
        reachable_set.count(id) ? retained.count(id) > 0 : it->second.mtime_ns >= young_since;
    if (keep_now) return refuse("operation " + id.hex().substr(0, 12) + " must be kept now");
    cut.insert(id);
  }
  std::set<OperationId>& kept = checked.kept;
  for (const auto& [id, f] : ops)
    if (!cut.count(id)) kept.insert(id);
  JVS_ASSIGN_OR_RETURN(Reachability r, Mark(repo, ops, kept, young_since, *marking));
  marking.reset();
  std::vector<std::string> needed;
  for (const auto& c : plan.objects) {
    if (!r.marker->Has(c.kind, c.id)) continue;
    if (needed.size() < 5)
      needed.push_back(std::string(GcObjectKindName(c.kind)) + " " +
                       ToHex(c.id.data(), c.id.size()).substr(0, 12));
    else if (needed.size() == 5)
      needed.push_back("...");
  }
  if (!needed.empty()) {
    std::string list;
    for (const auto& n : needed) list += (list.empty() ? "" : ", ") + n;
    return refuse("objects it would delete are reachable again (" + list + ")");
  }
  return checked;
}

}  // namespace gc_internal

Result<GcPlan> MakeGcPlan(Repo& repo, const GcOptions& options_in) {
  JVS_TRY(CheckOptions(options_in));
  if (repo.read_only())
    return Error(ErrorCode::kRefused, "gc works on the current operation", "drop --at-op");
  GcOptions options = options_in;
  if (!options.keep_days && !options.keep_last && !options.keep_daily) {
    options.keep_days = kGcDefaultKeepDays;
    options.keep_last = kGcDefaultKeepLast;
  }
  Env* env = repo.env();
  ProgressScope progress(repo.settings().progress, "gc");
  JVS_ASSIGN_OR_RETURN(int64_t fs_now, FilesystemNow(env, repo.control_dir() / "tmp"));
  const int64_t young_since = fs_now - options.grace_seconds * kNanosPerSecond;

  JVS_ASSIGN_OR_RETURN(auto ops, LoadOps(repo));
  JVS_ASSIGN_OR_RETURN(auto reachable, ReachableOps(repo, ops));
  JVS_ASSIGN_OR_RETURN(
      std::set<OperationId> retained,
      Retain(repo, ops, reachable, options.keep_days, options.keep_last, options.keep_daily, repo.NowNanos()));
  std::set<OperationId> reachable_set(reachable.begin(), reachable.end());
  std::set<OperationId> cut, kept;
  for (const auto& [id, f] : ops) {
    bool keep = reachable_set.count(id) ? retained.count(id) > 0 : f.mtime_ns >= young_since;
    (keep ? kept : cut).insert(id);
  }
  JVS_ASSIGN_OR_RETURN(Reachability r, Mark(repo, ops, kept, young_since, progress));

  GcPlan plan;
  plan.created_at = repo.Now();
  plan.op_head = repo.op_id();
  plan.keep_days = options.keep_days;
  plan.keep_last = options.keep_last;
  plan.keep_daily = options.keep_daily;
  plan.grace_seconds = options.grace_seconds;
  for (const auto& id : reachable)
    if (retained.count(id)) plan.retained_operations.push_back(id);
  plan.cut_operations.assign(cut.begin(), cut.end());
  for (const auto& id : cut) plan.op_log_bytes += ops.at(id).bytes;
  // Views: those no kept operation uses (and not young).
  std::set<ViewId> kept_views{repo.operation().view};
  for (const auto& id : kept) kept_views.insert(ops.at(id).op.view);
  JVS_ASSIGN_OR_RETURN(auto views, repo.op_store().ListViews());
  std::sort(views.begin(), views.end());
  for (const auto& v : views) {
    if (kept_views.count(v)) continue;
    auto st = repo.op_store().StatView(v);
    if (!st.ok() || st->mtime_ns >= young_since) continue;
    plan.cut_views.push_back(v);
    plan.op_log_bytes += st->disk_bytes;
  }
  // Reasons: what the cut operations still reference is old history; the
  // rest was never referenced by any operation that remains on disk.
  Marker history(repo.store(), progress, r.marker.get());
  for (const auto& id : cut) {
    auto v = repo.op_store().ReadView(ops.at(id).op.view);
    if (v.ok()) JVS_TRY(history.MarkView(*v, /*strict=*/false));
  }
  for (const auto& o : r.garbage) {
    GcCandidate c{o.kind, o.id, o.st.disk_bytes,
                  history.Has(o.kind, o.id) ? "cut_history" : "unreferenced"};
    plan.reclaimable_bytes += c.bytes;
    plan.objects.push_back(std::move(c));
  }
  plan.protected_reachable = r.protected_reachable;
  plan.protected_recent = r.protected_recent;
  plan.protected_snapshots = std::move(r.kept_snapshots);
  plan.protected_by_pin = r.by_pin;
  plan.protected_by_lineage = r.by_lineage;
  plan.protected_by_retention = r.by_retention;
  // The id names the content (without the id itself).
  plan.plan_id = ToHex(Sha256Of(EncodePlan(plan)).data(), 8);
  Status saved = env->MkdirAll(GcDir(repo));
  if (saved.ok()) saved = env->WriteFileAtomic(GcDir(repo) / plan.plan_id, EncodePlan(plan), /*sync=*/true);
  if (!saved.ok() && saved.error().code() == ErrorCode::kPermissionDenied)
    return Error(ErrorCode::kPermissionDenied,
                 "cannot save the gc plan in '" + GcDir(repo).string() + "': " + saved.error().message(),
                 "a gc plan is saved in the repository's control folder: plan and run gc as a user who "
                 "can write it (nothing was deleted)");
  JVS_TRY(saved);
  return plan;
}

Result<GcPlan> LoadGcPlan(Repo& repo, std::string_view plan_id) {
  std::string id(plan_id);
  for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (id.size() != 16 || !IsLowerHex(id)) return UnknownPlan(plan_id);
  auto data = repo.env()->ReadFile(GcDir(repo) / id, 1ull << 32);
  if (!data.ok()) {
    if (data.error().code() == ErrorCode::kNotFound) return UnknownPlan(plan_id);
    return data.error();
  }
  auto plan = DecodePlan(*data);
  if (!plan.ok()) return plan.error();
  if (plan->plan_id != id)
    return Error(ErrorCode::kCorrupt, "the gc plan file '" + id + "' names another plan")
        .WithRemedy(Remedy::kMakeGcPlan);
  return plan;
}

}  // namespace jvs
