// Two-phase garbage collection: plan (mark, list candidates, write the plan)
// and run (re-mark under the exclusive repository lock, cut the op log,
// delete). The design and its crash-safety argument are in gc.h and
// docs/architecture.md.
#include "jvs/integrity/gc.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <optional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "jvs/base/fault.h"
#include "jvs/base/hash.h"
#include "jvs/repo/operations.h"
#include "jvs/repo/transaction.h"
#include "jvs/base/timeutil.h"
#include "wc/tree_state.h"

namespace jvs {

using nlohmann::json;

std::string_view GcObjectKindName(GcObjectKind k) {
  switch (k) {
    case GcObjectKind::kSnapshot: return "snapshot";
    case GcObjectKind::kTree: return "tree";
    case GcObjectKind::kBlob: return "blob";
  }
  return "?";
}

uint64_t GcPlan::count(GcObjectKind k) const {
  return static_cast<uint64_t>(
      std::count_if(objects.begin(), objects.end(), [k](const GcCandidate& c) { return c.kind == k; }));
}

namespace {

constexpr GcObjectKind kKinds[] = {GcObjectKind::kSnapshot, GcObjectKind::kTree, GcObjectKind::kBlob};
constexpr int64_t kNanosPerSecond = 1000000000;
constexpr int64_t kNanosPerDay = 86400 * kNanosPerSecond;

const char* KindDir(GcObjectKind k) {
  switch (k) {
    case GcObjectKind::kSnapshot: return "snapshots";
    case GcObjectKind::kTree: return "trees";
    case GcObjectKind::kBlob: return "blobs";
  }
  return "?";
}

struct DigestHash {
  size_t operator()(const Digest& d) const {
    size_t h;
    std::memcpy(&h, d.data(), sizeof(h));
    return h;
  }
};
using DigestSet = std::unordered_set<Digest, DigestHash>;

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

int64_t MtimeNs(const struct stat& st) { return int64_t{st.st_mtim.tv_sec} * kNanosPerSecond + st.st_mtim.tv_nsec; }
uint64_t DiskBytes(const struct stat& st) { return static_cast<uint64_t>(st.st_blocks) * 512; }

fs::path ObjectFile(const fs::path& store_dir, GcObjectKind k, const Digest& id) {
  std::string hex = ToHex(id.data(), id.size());
  return store_dir / KindDir(k) / hex.substr(0, 2) / hex.substr(2);
}

// Every object file of one kind in the store.
Result<std::vector<Digest>> ListObjects(Env* env, const fs::path& store_dir, GcObjectKind k) {
  fs::path dir = store_dir / KindDir(k);
  std::vector<Digest> out;
  auto dfd = env->Open(dir, O_RDONLY | O_DIRECTORY);
  if (!dfd.ok()) {
    if (dfd.error().code() == ErrorCode::kNotFound) return out;
    return dfd.error();
  }
  JVS_ASSIGN_OR_RETURN(auto fans, env->ReadDir(dfd->get()));
  for (const auto& f : fans) {
    if (f.name.size() != 2 || !IsLowerHex(f.name)) continue;
    auto sub = env->Open(dir / f.name, O_RDONLY | O_DIRECTORY);
    if (!sub.ok()) {
      if (sub.error().code() == ErrorCode::kNotFound) continue;
      return sub.error();
    }
    JVS_ASSIGN_OR_RETURN(auto entries, env->ReadDir(sub->get()));
    for (const auto& e : entries) {
      if (e.name.size() != kIdHexLength - 2 || !IsLowerHex(e.name)) continue;  // temp files
      auto d = DigestFromHex(f.name + e.name);
      if (d.ok()) out.push_back(*d);
    }
  }
  return out;
}

// Marks objects: snapshots with all their ancestors, trees with everything
// below them, blobs. With `strict`, a missing or damaged object is an error
// (it is reachable, so the repository is damaged and gc must not go on);
// otherwise it is skipped. `skip` (optional): objects another marker already
// has are not walked again.
class Marker {
 public:
  Marker(Store& store, const ProgressScope& progress, const Marker* skip = nullptr)
      : store_(store), progress_(progress), skip_(skip) {}

  DigestSet snapshots, trees, blobs;

  bool Has(GcObjectKind k, const Digest& d) const {
    const DigestSet& s = k == GcObjectKind::kSnapshot ? snapshots : k == GcObjectKind::kTree ? trees : blobs;
    return s.count(d) > 0;
  }

  Status MarkView(const View& v, bool strict) {
    for (const auto& h : v.heads) JVS_TRY(MarkSnapshot(h, strict));
    for (const auto& [n, wt] : v.worktrees) {
      if (wt.head) JVS_TRY(MarkSnapshot(*wt.head, strict));
      if (wt.latest) JVS_TRY(MarkSnapshot(*wt.latest, strict));
    }
    for (const auto& [n, id] : v.tags) JVS_TRY(MarkSnapshot(id, strict));
    for (const auto& p : v.pins) JVS_TRY(MarkSnapshot(p, strict));
    return OkStatus();
  }

  Status MarkSnapshot(const SnapshotId& root, bool strict) {
    std::vector<SnapshotId> stack{root};
    while (!stack.empty()) {
      SnapshotId id = stack.back();
      stack.pop_back();
      if (skip_ && skip_->snapshots.count(id.bytes())) continue;
      if (!snapshots.insert(id.bytes()).second) continue;
      progress_.Add(1);
      auto snap = store_.ReadSnapshot(id);
      if (!snap.ok()) {
        if (!strict) continue;
        return Error(snap.error().code(),
                     "cannot collect garbage: " + snap.error().message(),
                     "the repository is damaged; run 'jvs doctor' (and 'jvs verify --all') first");
      }
      JVS_TRY(MarkTree((*snap)->tree, strict));
      for (const auto& p : (*snap)->parents) stack.push_back(p);
    }
    return OkStatus();
  }

  Status MarkTree(const TreeId& root, bool strict) {
    std::vector<TreeId> stack{root};
    while (!stack.empty()) {
      TreeId id = stack.back();
      stack.pop_back();
      if (skip_ && skip_->trees.count(id.bytes())) continue;
      if (!trees.insert(id.bytes()).second) continue;
      progress_.Add(1);
      auto tree = store_.ReadTree(id);
      if (!tree.ok()) {
        if (!strict) continue;
        return Error(tree.error().code(), "cannot collect garbage: " + tree.error().message(),
                     "the repository is damaged; run 'jvs doctor' (and 'jvs verify --all') first");
      }
      for (const auto& e : (*tree)->entries) {
        if (e.kind == EntryKind::kTree) {
          stack.push_back(TreeId(e.id));
        } else if (!(skip_ && skip_->blobs.count(e.id)) && blobs.insert(e.id).second) {
          progress_.Add(1);
        }
      }
    }
    return OkStatus();
  }

 private:
  Store& store_;
  const ProgressScope& progress_;
  const Marker* skip_;
};

struct OpFile {
  Operation op;
  int64_t mtime_ns = 0;
  uint64_t bytes = 0;
};

// What the op log looks like and which operations stay.
struct OpAnalysis {
  std::map<OperationId, OpFile> ops;        // every operation file on disk
  std::vector<OperationId> reachable;       // from the head, newest first (op log order)
  std::set<OperationId> retained;           // reachable and kept
  std::set<OperationId> young_orphans;      // not reachable, younger than the grace period
  std::set<OperationId> cut;                // to delete
  std::set<OperationId> horizon;            // the new horizon file
};

Result<std::map<OperationId, OpFile>> LoadOps(Repo& repo) {
  std::map<OperationId, OpFile> out;
  JVS_ASSIGN_OR_RETURN(auto ids, repo.op_store().ListOperations());
  for (const auto& id : ids) {
    auto st = repo.env()->Stat(repo.op_store().OperationPath(id));
    if (!st.ok()) {
      if (st.error().code() == ErrorCode::kNotFound) continue;
      return st.error();
    }
    auto op = repo.op_store().ReadOperation(id);
    if (!op.ok())
      return Error(op.error().code(), "cannot collect garbage: " + op.error().message(),
                   "the op log is damaged; run 'jvs doctor' (and 'jvs verify --all') first");
    out.emplace(id, OpFile{std::move(op).value(), MtimeNs(*st), DiskBytes(*st)});
  }
  return out;
}

// The operations reachable from the head (stopping at the horizon), newest
// first as `jvs op log` lists them.
Result<std::vector<OperationId>> ReachableOps(Repo& repo, const std::map<OperationId, OpFile>& ops) {
  std::vector<OperationId> order;
  std::unordered_set<OperationId, IdHash> seen{repo.op_id()};
  std::deque<OperationId> queue{repo.op_id()};
  while (!queue.empty()) {
    OperationId id = queue.front();
    queue.pop_front();
    auto it = ops.find(id);
    if (it == ops.end())
      return Error(ErrorCode::kCorrupt,
                   "cannot collect garbage: operation " + id.hex().substr(0, 12) + " of the op log is missing",
                   "run 'jvs doctor' to inspect the repository");
    order.push_back(id);
    for (const auto& p : repo.op_store().LiveParents(it->second.op))
      if (seen.insert(p).second) queue.push_back(p);
  }
  std::vector<size_t> idx(order.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    return ops.at(order[a]).op.metadata.end_time > ops.at(order[b]).op.metadata.end_time;
  });
  std::vector<OperationId> sorted;
  for (size_t i : idx) sorted.push_back(order[i]);
  return sorted;
}

// Which reachable operations the retention window keeps: the head, the
// newest keep_last, those that ended within keep_days, and every operation
// between the head and one of those (so the kept log stays connected).
std::set<OperationId> Retain(Repo& repo, const std::map<OperationId, OpFile>& ops,
                             const std::vector<OperationId>& reachable, std::optional<int64_t> keep_days,
                             std::optional<int64_t> keep_last, int64_t now_ns) {
  std::set<OperationId> chosen{repo.op_id()};
  for (size_t i = 0; i < reachable.size(); ++i) {
    const auto& id = reachable[i];
    bool keep = false;
    if (keep_last && static_cast<int64_t>(i) < *keep_last) keep = true;
    if (keep_days) {
      auto end = ParseTimestamp(ops.at(id).op.metadata.end_time);
      // An unreadable time is kept: never cut what cannot be judged.
      if (!end.ok() || *end >= now_ns - *keep_days * kNanosPerDay) keep = true;
    }
    if (keep) chosen.insert(id);
  }
  // retained(X) = chosen(X) or some live parent of X is retained: evaluate
  // parents before children (iterative post-order from the head).
  std::set<OperationId> reachable_set(reachable.begin(), reachable.end());
  std::set<OperationId> retained, done;
  std::vector<std::pair<OperationId, bool>> stack{{repo.op_id(), false}};
  while (!stack.empty()) {
    auto [id, expanded] = stack.back();
    stack.pop_back();
    if (done.count(id)) continue;
    auto parents = repo.op_store().LiveParents(ops.at(id).op);
    if (!expanded) {
      stack.push_back({id, true});
      for (const auto& p : parents)
        if (reachable_set.count(p) && !done.count(p)) stack.push_back({p, false});
      continue;
    }
    done.insert(id);
    bool keep = chosen.count(id) > 0;
    for (const auto& p : parents)
      if (retained.count(p)) keep = true;
    if (keep) retained.insert(id);
  }
  return retained;
}

// The horizon after cutting `cut`: every parent named by an operation that
// stays, when that parent is cut now or was cut before.
std::set<OperationId> NewHorizon(const OpStore& ops_store, const std::map<OperationId, OpFile>& ops,
                                 const std::set<OperationId>& cut) {
  std::set<OperationId> out;
  for (const auto& [id, f] : ops) {
    if (cut.count(id)) continue;  // (a cut operation that is still on disk names nothing)
    for (const auto& p : f.op.parents)
      if (cut.count(p) || ops_store.IsCut(p)) out.insert(p);
  }
  return out;
}

// Marks the roots that do not come from operations: every worktree's tree
// state (blob ids of unchanged files are reused by the next snapshot).
Status MarkTreeStates(Repo& repo, Marker& marker) {
  Env* env = repo.env();
  fs::path dir = repo.control_dir() / "worktrees";
  auto dfd = env->Open(dir, O_RDONLY | O_DIRECTORY);
  if (!dfd.ok()) {
    if (dfd.error().code() == ErrorCode::kNotFound) return OkStatus();
    return dfd.error();
  }
  JVS_ASSIGN_OR_RETURN(auto entries, env->ReadDir(dfd->get()));
  for (const auto& e : entries) {
    fs::path p = dir / e.name / "tree_state";
    if (!env->Exists(p)) continue;
    auto state = TreeState::Load(env, p);
    if (!state.ok())
      return Error(state.error().code(),
                   "cannot collect garbage: the tree state of worktree '" + e.name + "' is unreadable: " +
                       state.error().message(),
                   "delete '" + p.string() + "' (a cache; the next snapshot re-reads every file), then plan again");
    for (const auto& [path, fstate] : state->entries) marker.blobs.insert(fstate.id);
    if (!state->tree.is_zero()) JVS_TRY(marker.MarkTree(state->tree, /*strict=*/false));
  }
  return OkStatus();
}

struct StoredObject {
  GcObjectKind kind;
  Digest id;
  struct stat st;
};

// The result of marking: what is reachable, what is only young, what is garbage.
struct Reachability {
  std::vector<StoredObject> garbage;  // snapshots, then trees, then blobs
  uint64_t protected_reachable = 0, protected_recent = 0;
  std::unique_ptr<Marker> marker;
};

// Marks from the views of `kept_ops` (strict), the tree states, and every
// object younger than `young_since_ns` (with its closure); lists the rest.
Result<Reachability> Mark(Repo& repo, const std::map<OperationId, OpFile>& ops,
                          const std::set<OperationId>& kept_ops, int64_t young_since_ns,
                          const ProgressScope& progress) {
  Reachability r;
  r.marker = std::make_unique<Marker>(repo.store(), progress);
  Marker& m = *r.marker;
  JVS_TRY(m.MarkView(repo.view(), /*strict=*/true));
  std::set<ViewId> views_done{repo.operation().view};
  for (const auto& id : kept_ops) {
    const Operation& op = ops.at(id).op;
    if (!views_done.insert(op.view).second) continue;
    auto v = repo.op_store().ReadView(op.view);
    if (!v.ok())
      return Error(v.error().code(), "cannot collect garbage: " + v.error().message(),
                   "the op log is damaged; run 'jvs doctor' (and 'jvs verify --all') first");
    JVS_TRY(m.MarkView(*v, /*strict=*/true));
  }
  JVS_TRY(MarkTreeStates(repo, m));
  size_t reachable_marked = 0;
  // Young objects: roots with everything they reference (a command may be
  // about to publish them). Snapshots first: their closure covers trees and blobs.
  std::vector<StoredObject> unmarked;
  const fs::path store_dir = repo.store().dir();
  for (GcObjectKind k : kKinds) {
    JVS_ASSIGN_OR_RETURN(auto ids, ListObjects(repo.env(), store_dir, k));
    for (const auto& d : ids) {
      if (m.Has(k, d)) {
        ++reachable_marked;
        continue;
      }
      auto st = repo.env()->Lstat(ObjectFile(store_dir, k, d));
      if (!st.ok()) {
        if (st.error().code() == ErrorCode::kNotFound) continue;
        return st.error();
      }
      if (MtimeNs(*st) >= young_since_ns) {
        if (k == GcObjectKind::kSnapshot) JVS_TRY(m.MarkSnapshot(SnapshotId(d), /*strict=*/false));
        else if (k == GcObjectKind::kTree) JVS_TRY(m.MarkTree(TreeId(d), /*strict=*/false));
        else m.blobs.insert(d);
        ++r.protected_recent;
        continue;
      }
      unmarked.push_back({k, d, *st});
    }
  }
  for (auto& o : unmarked) {
    if (m.Has(o.kind, o.id)) {
      ++r.protected_recent;  // referenced only by a young object
      continue;
    }
    r.garbage.push_back(o);
  }
  r.protected_reachable = reachable_marked;
  return r;
}

// "12.0 KiB", "3.4 MiB": the size in the description of the gc operation.
std::string FormatBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0) std::snprintf(buf, sizeof(buf), "%llu B", static_cast<unsigned long long>(bytes));
  else std::snprintf(buf, sizeof(buf), "%.1f %s", v, units[u]);
  return buf;
}

fs::path GcDir(Repo& repo) { return repo.control_dir() / "gc"; }

json OptInt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

std::string EncodePlan(const GcPlan& p) {
  json j;
  j["format"] = 1;
  j["plan_id"] = p.plan_id;
  j["created_at"] = p.created_at;
  j["op_head"] = p.op_head.hex();
  j["keep_days"] = OptInt(p.keep_days);
  j["keep_last"] = OptInt(p.keep_last);
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
    return Error(ErrorCode::kCorrupt, "the gc plan is malformed: " + why, "make a new plan with 'jvs gc plan'");
  };
  json j = json::parse(data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not JSON");
  GcPlan p;
  try {
    if (!j.contains("format") || !j["format"].is_number_integer() || j["format"].get<int64_t>() != 1)
      return bad("unsupported format");
    p.plan_id = j.at("plan_id").get<std::string>();
    p.created_at = j.at("created_at").get<std::string>();
    JVS_ASSIGN_OR_RETURN(p.op_head, OperationId::FromHex(j.at("op_head").get<std::string>()));
    if (!j.at("keep_days").is_null()) p.keep_days = j.at("keep_days").get<int64_t>();
    if (!j.at("keep_last").is_null()) p.keep_last = j.at("keep_last").get<int64_t>();
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
      if (kind == "snapshot") c.kind = GcObjectKind::kSnapshot;
      else if (kind == "tree") c.kind = GcObjectKind::kTree;
      else if (kind == "blob") c.kind = GcObjectKind::kBlob;
      else return bad("unknown object kind '" + kind + "'");
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

Status CheckOptions(const GcOptions& o) {
  if (o.keep_days && *o.keep_days < 0)
    return Error(ErrorCode::kInvalidArgument, "--keep-days must be 0 or more", "e.g. --keep-days 14");
  if (o.keep_last && *o.keep_last < 1)
    return Error(ErrorCode::kInvalidArgument, "--keep-last must be 1 or more (the current operation is always kept)",
                 "e.g. --keep-last 20");
  if (o.grace_seconds < 0)
    return Error(ErrorCode::kInvalidArgument, "the grace period cannot be negative", "e.g. --grace-minutes 60");
  return OkStatus();
}

Error UnknownPlan(std::string_view plan_id) {
  return Error(ErrorCode::kNotFound, "no gc plan '" + std::string(plan_id) + "'",
               "make one with 'jvs gc plan' and pass the plan id it prints (a plan is used up by 'jvs gc run')");
}

}  // namespace

Result<GcPlan> MakeGcPlan(Repo& repo, const GcOptions& options_in) {
  JVS_TRY(CheckOptions(options_in));
  if (repo.read_only())
    return Error(ErrorCode::kRefused, "gc works on the current operation", "drop --at-op");
  GcOptions options = options_in;
  if (!options.keep_days && !options.keep_last) {
    options.keep_days = kGcDefaultKeepDays;
    options.keep_last = kGcDefaultKeepLast;
  }
  Env* env = repo.env();
  ProgressScope progress(repo.settings().progress, "gc");
  JVS_ASSIGN_OR_RETURN(int64_t fs_now, FilesystemNow(env, repo.control_dir() / "tmp"));
  const int64_t young_since = fs_now - options.grace_seconds * kNanosPerSecond;

  JVS_ASSIGN_OR_RETURN(auto ops, LoadOps(repo));
  JVS_ASSIGN_OR_RETURN(auto reachable, ReachableOps(repo, ops));
  std::set<OperationId> retained =
      Retain(repo, ops, reachable, options.keep_days, options.keep_last, repo.NowNanos());
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
    auto st = env->Stat(repo.op_store().ViewPath(v));
    if (!st.ok() || MtimeNs(*st) >= young_since) continue;
    plan.cut_views.push_back(v);
    plan.op_log_bytes += DiskBytes(*st);
  }
  // Reasons: what the cut operations still reference is old history; the
  // rest was never referenced by any operation that remains on disk.
  Marker history(repo.store(), progress, r.marker.get());
  for (const auto& id : cut) {
    auto v = repo.op_store().ReadView(ops.at(id).op.view);
    if (v.ok()) JVS_TRY(history.MarkView(*v, /*strict=*/false));
  }
  for (const auto& o : r.garbage) {
    GcCandidate c{o.kind, o.id, DiskBytes(o.st), history.Has(o.kind, o.id) ? "cut_history" : "unreferenced"};
    plan.reclaimable_bytes += c.bytes;
    plan.objects.push_back(std::move(c));
  }
  plan.protected_reachable = r.protected_reachable;
  plan.protected_recent = r.protected_recent;
  // The id names the content (without the id itself).
  plan.plan_id = ToHex(Sha256Of(EncodePlan(plan)).data(), 8);
  JVS_TRY(env->MkdirAll(GcDir(repo)));
  JVS_TRY(env->WriteFileAtomic(GcDir(repo) / plan.plan_id, EncodePlan(plan), /*sync=*/true));
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
  if (plan->plan_id != id) return Error(ErrorCode::kCorrupt, "the gc plan file '" + id + "' names another plan",
                                        "make a new plan with 'jvs gc plan'");
  return plan;
}

Result<GcRunResult> RunGcPlan(Repo& repo, std::string_view plan_id_in) {
  if (repo.read_only())
    return Error(ErrorCode::kRefused, "gc works on the current operation", "drop --at-op");
  Env* env = repo.env();
  // One gc run at a time (two would each wait for the other's shared lock).
  JVS_TRY(env->MkdirAll(GcDir(repo)));
  auto run_lock = env->LockFile(GcDir(repo) / "run.lock", repo.settings().lock_wait);
  if (!run_lock.ok()) {
    if (run_lock.error().code() == ErrorCode::kLocked)
      return Error(ErrorCode::kLocked, "another 'jvs gc run' is running", "wait for it to finish");
    return run_lock.error();
  }
  JVS_ASSIGN_OR_RETURN(GcPlan plan, LoadGcPlan(repo, plan_id_in));
  // From here on no other command runs: each holds the shared lock for its
  // whole life, so nothing can reference an object between the check and
  // the deletion.
  JVS_TRY(repo.LockRepositoryExclusive());
  JVS_FAULT("gc.locked");
  JVS_TRY(repo.op_store().LoadHorizon());  // another gc may have run since we opened
  JVS_TRY(repo.Reload());

  // Progress: one "gc" phase while marking (items: objects marked), one while
  // deleting (totals: the plan's objects and bytes).
  std::optional<ProgressScope> marking;
  marking.emplace(repo.settings().progress, "gc");
  JVS_ASSIGN_OR_RETURN(int64_t fs_now, FilesystemNow(env, repo.control_dir() / "tmp"));
  const int64_t young_since = fs_now - plan.grace_seconds * kNanosPerSecond;
  JVS_ASSIGN_OR_RETURN(auto ops, LoadOps(repo));
  JVS_ASSIGN_OR_RETURN(auto reachable, ReachableOps(repo, ops));
  std::set<OperationId> retained = Retain(repo, ops, reachable, plan.keep_days, plan.keep_last, repo.NowNanos());
  std::set<OperationId> reachable_set(reachable.begin(), reachable.end());
  auto refuse = [&](const std::string& what) {
    return Error(ErrorCode::kRefused, "gc plan " + plan.plan_id + " is out of date: " + what,
                 "the repository changed since the plan was made; run 'jvs gc plan' again");
  };
  // The operations the plan cuts must still be outside the window.
  std::set<OperationId> cut;
  for (const auto& id : plan.cut_operations) {
    auto it = ops.find(id);
    if (it == ops.end()) continue;  // already gone
    bool keep_now = reachable_set.count(id) ? retained.count(id) > 0 : it->second.mtime_ns >= young_since;
    if (keep_now) return refuse("operation " + id.hex().substr(0, 12) + " must be kept now");
    cut.insert(id);
  }
  std::set<OperationId> kept;
  for (const auto& [id, f] : ops)
    if (!cut.count(id)) kept.insert(id);
  JVS_ASSIGN_OR_RETURN(Reachability r, Mark(repo, ops, kept, young_since, *marking));
  marking.reset();
  std::vector<std::string> needed;
  for (const auto& c : plan.objects) {
    if (!r.marker->Has(c.kind, c.id)) continue;
    if (needed.size() < 5)
      needed.push_back(std::string(GcObjectKindName(c.kind)) + " " + ToHex(c.id.data(), c.id.size()).substr(0, 12));
    else if (needed.size() == 5)
      needed.push_back("...");
  }
  if (!needed.empty()) {
    std::string list;
    for (const auto& n : needed) list += (list.empty() ? "" : ", ") + n;
    return refuse("objects it would delete are reachable again (" + list + ")");
  }

  GcRunResult out;
  out.plan_id = plan.plan_id;
  // 1. Cut the op log: the horizon first, durably. From now on every walk of
  //    the log stops there; the cut files below are unreachable garbage.
  // Every operation the plan cuts counts, also one an interrupted run already deleted.
  std::set<OperationId> all_cut(plan.cut_operations.begin(), plan.cut_operations.end());
  std::set<OperationId> horizon = NewHorizon(repo.op_store(), ops, all_cut);
  JVS_FAULT("gc.before_horizon");
  JVS_TRY(repo.op_store().WriteHorizon(horizon));
  JVS_FAULT("gc.after_horizon");
  // 2. The cut operations, then views no kept operation uses.
  for (const auto& id : cut) {
    JVS_FAULT("gc.delete_operation");
    Status st = env->Unlink(repo.op_store().OperationPath(id));
    if (st.ok()) ++out.operations_cut;
    else if (st.error().code() != ErrorCode::kNotFound) return st.error();
  }
  std::set<ViewId> kept_views{repo.operation().view};
  for (const auto& id : kept) kept_views.insert(ops.at(id).op.view);
  for (const auto& v : plan.cut_views) {
    if (kept_views.count(v)) continue;
    JVS_FAULT("gc.delete_view");
    Status st = env->Unlink(repo.op_store().ViewPath(v));
    if (st.ok()) ++out.views_deleted;
    else if (st.error().code() != ErrorCode::kNotFound) return st.error();
  }
  JVS_FAULT("gc.after_op_log");
  // 3. Objects, top-down (the plan lists snapshots, then trees, then blobs):
  //    whatever a crash leaves behind is complete, unreachable garbage.
  std::vector<const GcCandidate*> order;
  for (GcObjectKind k : kKinds)
    for (const auto& c : plan.objects)
      if (c.kind == k) order.push_back(&c);
  const fs::path store_dir = repo.store().dir();
  // The snapshot index (a cache of descriptors, see store/snapshot_index.h)
  // must not keep answering for snapshots deleted below: it goes first and
  // is rebuilt by the next history.
  if (plan.count(GcObjectKind::kSnapshot) > 0) {
    Status st = env->Unlink(store_dir / "snapshot_index");
    if (!st.ok() && st.error().code() != ErrorCode::kNotFound) return st.error();
  }
  ProgressScope progress(repo.settings().progress, "gc", order.size(), plan.reclaimable_bytes);
  for (const GcCandidate* c : order) {
    JVS_FAULT("gc.delete_object");
    fs::path p = ObjectFile(store_dir, c->kind, c->id);
    auto st = env->Lstat(p);
    if (!st.ok()) {
      if (st.error().code() == ErrorCode::kNotFound) continue;  // an earlier, interrupted run
      return st.error();
    }
    JVS_TRY(env->Unlink(p));
    out.bytes_freed += DiskBytes(*st);
    switch (c->kind) {
      case GcObjectKind::kSnapshot: ++out.snapshots_deleted; break;
      case GcObjectKind::kTree: ++out.trees_deleted; break;
      case GcObjectKind::kBlob: ++out.blobs_deleted; break;
    }
    progress.Add(1, DiskBytes(*st));
  }
  JVS_FAULT("gc.before_publish");
  // 4. The gc itself is an operation (its view is the current one).
  std::string desc = "gc: deleted " + std::to_string(out.objects_deleted()) + " objects (" +
                     FormatBytes(out.bytes_freed) + ")";
  if (out.operations_cut) desc += ", cut " + std::to_string(out.operations_cut) + " operations";
  Transaction tx(repo);
  tx.SetAttribute("gc_plan", plan.plan_id);
  tx.SetAttribute("deleted_snapshots", std::to_string(out.snapshots_deleted));
  tx.SetAttribute("deleted_trees", std::to_string(out.trees_deleted));
  tx.SetAttribute("deleted_blobs", std::to_string(out.blobs_deleted));
  tx.SetAttribute("freed_bytes", std::to_string(out.bytes_freed));
  tx.SetAttribute("cut_operations", std::to_string(out.operations_cut));
  JVS_ASSIGN_OR_RETURN(out.op, tx.Commit(desc));
  JVS_FAULT("gc.after_publish");
  // The plan is used up.
  (void)env->Unlink(GcDir(repo) / plan.plan_id);
  return out;
}

}  // namespace jvs
