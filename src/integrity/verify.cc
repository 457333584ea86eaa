// Verification: the report and the two entry points (include/jvs/integrity/
// verify.h, docs/architecture.md). The work is done by passes over one
// VerifyState (integrity/verify_internal.h): the op-log pass
// (verify_oplog.cc; VerifyAll only), the object pass (verify_objects.cc: the
// metadata walk, then the blob pass) and, only when something is wrong,
// attribution (verify_attribution.cc). This file holds what they share (the
// state's helpers, raw reads against an id), turns the state into the report
// (problems sorted by message, per-snapshot verdicts) and runs the passes in
// order. Every object is read through the repository's parts (store
// backend, op store, op heads: integrity/parts.h), never by path.
#include "jvs/integrity/verify.h"

#include <fcntl.h>

#include <algorithm>
#include <cctype>

#include "integrity/verify_internal.h"
#include "jvs/base/hash.h"
#include "jvs/repo/repo.h"

namespace jvs {

std::string_view ObjectKindName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kBlob:
      return "blob";
    case ObjectKind::kTree:
      return "tree";
    case ObjectKind::kSnapshot:
      return "snapshot";
    case ObjectKind::kOperation:
      return "operation";
    case ObjectKind::kView:
      return "view";
    case ObjectKind::kOpHead:
      return "op_head";
  }
  return "unknown";
}

std::string_view ProblemTypeName(ProblemType type) {
  switch (type) {
    case ProblemType::kMissing:
      return "missing";
    case ProblemType::kHashMismatch:
      return "hash_mismatch";
    case ProblemType::kMalformed:
      return "malformed";
    case ProblemType::kSizeMismatch:
      return "size_mismatch";
    case ProblemType::kUnreadable:
      return "unreadable";
  }
  return "unknown";
}

namespace verify_internal {

Damage MakeDamage(ProblemType type, const std::string& detail) {
  switch (type) {
    case ProblemType::kMissing:
      return {type, "missing from the store"};
    case ProblemType::kHashMismatch:
      return {type, "content hash mismatch (damaged or tampered)"};
    case ProblemType::kMalformed:
      return {type, "malformed (" + detail + ")"};
    case ProblemType::kSizeMismatch:
      return {type, "size mismatch: " + detail};
    case ProblemType::kUnreadable:
      return {type, "unreadable (" + detail + ")"};
  }
  return {type, detail};
}

std::optional<Damage> CheckRaw(Result<std::string> data, const Digest& id, std::string* out) {
  if (!data.ok()) {
    switch (data.error().code()) {
      case ErrorCode::kNotFound:
        return MakeDamage(ProblemType::kMissing);
      case ErrorCode::kCorrupt:
        return MakeDamage(ProblemType::kMalformed, "larger than any valid object");
      default:
        return MakeDamage(ProblemType::kUnreadable, data.error().message());
    }
  }
  if (Sha256Of(*data) != id) return MakeDamage(ProblemType::kHashMismatch);
  *out = std::move(data).value();
  return std::nullopt;
}

VerifyState::VerifyState(Env* env_in, const fs::path& control, const VerifyOptions& options_in)
    : env(env_in),
      owned(integrity_internal::OpenPartsToInspect(env_in, control)),
      backend(*owned.backend),
      ops(owned.ops.get()),
      heads(owned.heads.get()),
      options(options_in),
      pool(options_in.pool ? *options_in.pool : ThreadPool::Shared()) {}

VerifyState::VerifyState(Env* env_in, Backend& backend_in, const VerifyOptions& options_in)
    : env(env_in),
      backend(backend_in),
      ops(nullptr),
      heads(nullptr),
      options(options_in),
      pool(options_in.pool ? *options_in.pool : ThreadPool::Shared()) {}

void VerifyState::Tick() {
  if (!walk_progress) walk_progress = std::make_unique<ProgressScope>(options.progress, "verify");
  walk_progress->Add(1, 0);
}

void VerifyState::Census(UnreachableObjects* u, const std::string& hex,
                         const std::function<Result<uint64_t>()>& size) {
  if (!options.census) return;
  u->count++;
  auto bytes = size();
  if (bytes.ok()) u->bytes += *bytes;
  if (u->sample.size() < kSampleIds) u->sample.push_back(hex);
}

void VerifyState::FinishCensus(UnreachableObjects u) {
  if (options.census && u.count > 0) report.unreachable.push_back(std::move(u));
}

void VerifyState::AddOpLogProblem(ObjectKind kind, ProblemType type, std::string id, bool reachable,
                                  std::string message) {
  VerifyProblem p;
  p.kind = kind;
  p.type = type;
  p.id = std::move(id);
  p.reachable = reachable;
  p.message = std::move(message);
  oplog_problems.push_back(std::move(p));
}

}  // namespace verify_internal

namespace {

using namespace verify_internal;

VerifyProblem Unattributed(ObjectKind kind, const std::string& hex, const Damage& d,
                           bool reachable) {
  VerifyProblem p;
  p.kind = kind;
  p.type = d.type;
  p.id = hex;
  p.reachable = reachable;
  p.message = std::string(ObjectKindName(kind)) + " " + Short(hex) + ": " + d.text;
  return p;
}

// Attribution when needed, then the report.
VerifyReport Finish(VerifyState& s) {
  if (s.any_damage || s.needs_attribution) Attribution(s).Run();
  VerifyReport& report = s.report;
  for (const auto& [id, rec] : s.snaps) {
    SnapshotVerdict v;
    v.id = id;
    v.reachable = rec.reachable;
    v.checksum_valid = rec.checksum_ok;
    v.payload_hash_valid = rec.checksum_ok && !rec.payload_bad;
    v.error = rec.error;
    report.snapshots.push_back(std::move(v));
  }
  for (auto& p : s.descriptor_problems) report.problems.push_back(std::move(p));
  for (auto& p : s.attributed) report.problems.push_back(std::move(p));
  // Damage that no snapshot reached (should not happen; never hide it).
  for (const auto& [id, rec] : s.trees)
    if (rec.damage && !s.reported.count(id.bytes()))
      report.problems.push_back(
          Unattributed(ObjectKind::kTree, id.hex(), *rec.damage, rec.reachable));
  for (const auto& [id, rec] : s.blobs)
    if (rec.damage && !s.reported.count(id.bytes()))
      report.problems.push_back(
          Unattributed(ObjectKind::kBlob, id.hex(), *rec.damage, rec.reachable));
  for (auto& p : s.oplog_problems) report.problems.push_back(std::move(p));
  std::sort(report.problems.begin(), report.problems.end(),
            [](const VerifyProblem& a, const VerifyProblem& b) { return a.message < b.message; });
  report.objects_checked += report.oplog.operations + report.oplog.views;
  report.trees_checked = s.trees.size();
  report.objects_checked += s.trees.size();
  report.oplog.ok = s.oplog_problems.empty();
  return std::move(report);
}

}  // namespace

Result<VerifyReport> VerifySnapshots(Repo& repo, const std::vector<SnapshotId>& ids,
                                     const VerifyOptions& options) {
  VerifyState s(repo.env(), repo.store().backend(), options);
  ObjectPass objects(s);
  objects.AddSnapshots(ids);
  objects.DrainPendingSnapshots(true, /*follow_parents=*/false);
  s.EndWalkProgress();
  objects.BlobPass();
  return Finish(s);
}

Result<VerifyReport> VerifyAll(Env* env, const fs::path& root, const VerifyOptions& options) {
  fs::path control = root / kControlDirName;
  RepoFormat format = ReadRepoFormat(env, control);
  if (Status st = CheckRepoFormat(format, control, "verify"); !st.ok())
    return format.state == RepoFormat::State::kMalformed ? st.error().WithRemedy(Remedy::kInspectRepository)
                                                         : st.error();
  // What every command needs to open the repository: a verify that passes
  // where every command fails would be a lie.
  {
    auto id = env->ReadFile(control / "repo_id", 256);
    std::string text = id.ok() ? *id : std::string();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    if (!id.ok() || text.size() != 32 || !IsHexString(text))
      return Error(ErrorCode::kCorrupt, std::string("the repository id file ") +
                                            (id.ok() ? "is malformed" : "is missing") + ": " +
                                            (control / "repo_id").string())
          .WithRemedy(Remedy::kInspectRepository);
    auto backend = OpenBackend(env, StoreDir(control));
    if (!backend.ok())
      return Error(ErrorCode::kCorrupt, "the store cannot be opened: " + backend.error().message())
          .WithRemedy(Remedy::kInspectRepository);
  }
  VerifyState s(env, control, options);
  ObjectPass objects(s);
  OpLogPass oplog(s, objects);
  oplog.LoadHorizon();
  JVS_ASSIGN_OR_RETURN(auto heads, oplog.ListHeads());
  std::vector<std::pair<OperationId, std::string>> roots;
  for (const auto& h : heads)
    roots.emplace_back(h, " (named by op head " + h.hex().substr(0, 12) + ")");
  // 1. Everything the op heads reach.
  oplog.WalkOperations(roots, true);
  objects.DrainPendingSnapshots(true);
  // 2. Every other operation, view and snapshot file present (and the census).
  JVS_TRY(oplog.WalkUnreachable());
  s.EndWalkProgress();
  objects.BlobPass();
  s.report.oplog.checked = true;
  return Finish(s);
}

}  // namespace jvs
