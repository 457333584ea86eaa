// verify, doctor
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "commands.h"
#include "remedy.h"
#include "jvs/integrity/doctor.h"
#include "jvs/integrity/verify.h"

namespace jvs::cli {

namespace {
// A doctor finding in words: its description, then each remedy.
std::string FindingText(const DoctorFinding& f) {
  std::string out = f.description;
  for (const auto& r : f.remedies) out += "; " + RemedyText(r);
  return out;
}
}  // namespace


namespace {

// The repository root for commands that must also work on a repository too
// damaged to open (verify --all, doctor).
fs::path FindRoot(Context& ctx) {
  ctx.RejectPaths();
  fs::path start = ctx.g.repo.empty() ? ctx.cwd : fs::path(ctx.g.repo);
  if (!ctx.g.repo.empty() && !fs::exists(start))
    Fail(ErrorCode::kNotFound, "--repo path '" + ctx.g.repo + "' does not exist",
         "give the path of a repository or of one of its worktrees");
  return Check(FindRepoRoot(Env::Default(), start));
}

// A command whose report is its output failed: with --json the report was
// printed on stdout (and must stay the only JSON there), so the error goes to
// stderr only; in text mode main() prints it as any error.
[[noreturn]] void FailAfterReport(const Context& ctx, ErrorCode code, const std::string& message,
                                  const std::string& hint) {
  if (!ctx.g.json) Fail(code, message, hint);
  std::fflush(stdout);
  std::fprintf(stderr, "jvs: error: %s\nhint: %s\n", message.c_str(), hint.c_str());
  std::fflush(stderr);
  std::exit(ExitCodeFor(code));
}

std::string Plural(uint64_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

json VerifyJson(const VerifyReport& r, bool all) {
  json snaps = json::array();
  for (const auto& s : r.snapshots)
    snaps.push_back({{"snapshot_id", s.id.hex()},
                     {"checksum_valid", s.checksum_valid},
                     {"payload_hash_valid", s.payload_hash_valid},
                     {"tamper_detected", s.tamper_detected()},
                     {"reachable", s.reachable},
                     {"error", s.error.empty() ? json(nullptr) : json(s.error)}});
  json problems = json::array();
  for (const auto& p : r.problems)
    problems.push_back({{"kind", std::string(ObjectKindName(p.kind))},
                        {"type", std::string(ProblemTypeName(p.type))},
                        {"id", p.id},
                        {"snapshot_id", p.snapshot ? json(p.snapshot->hex()) : json(nullptr)},
                        {"path", p.path},
                        {"snapshots_affected", p.snapshots_affected},
                        {"reachable", p.reachable},
                        {"message", p.message}});
  return json{{"ok", r.ok()},
              {"scope", all ? "all" : "snapshot"},
              {"snapshots", snaps},
              {"objects_checked", r.objects_checked},
              {"blobs_checked", r.blobs_checked},
              {"trees_checked", r.trees_checked},
              {"bytes_hashed", r.bytes_hashed},
              {"problems", problems},
              {"oplog",
               {{"checked", r.oplog.checked},
                {"ok", r.oplog.ok},
                {"operations", r.oplog.operations},
                {"views", r.oplog.views},
                {"heads", r.oplog.heads}}}};
}

std::string VerifySummary(const VerifyReport& r, bool all, double seconds) {
  char secs[32];
  std::snprintf(secs, sizeof(secs), "%.2f s", seconds);
  std::string s = "Verified " + Plural(r.snapshots.size(), "snapshot") + ", " +
                  Plural(r.objects_checked, "object");
  if (all)
    s +=
        " (" + Plural(r.oplog.operations, "operation") + ", " + Plural(r.oplog.views, "view") + ")";
  s += ", " + HumanBytes(r.bytes_hashed) + " hashed in " + secs;
  return s;
}

void RegisterVerifyCommand(CLI::App& app, Context& ctx) {
  auto ref = std::make_shared<std::string>();
  auto all = std::make_shared<bool>(false);
  auto revset = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("verify",
                                 "Recompute and check the descriptor checksum and payload hash of "
                                 "REF (or of everything with --all)");
  cmd->add_option("REF", *ref, "Snapshot to verify (default: @)");
  cmd->add_flag(
      "--all", *all,
      "Every snapshot, every object they reach and the operation log (each object hashed once)");
  auto* rev_opt = cmd->add_option("-r,--revisions", *revset,
                                  "Every snapshot of this revset (docs/revsets.md), e.g. -r 'tags()'");
  cmd->callback([&ctx, ref, all, revset, rev_opt] {
    if (rev_opt->count() && (*all || !ref->empty()))
      Fail(ErrorCode::kInvalidArgument, "-r cannot be combined with REF or --all",
           "-r REVSET checks every snapshot of the revset; --all checks everything");
    VerifyOptions options;
    options.progress = ctx.settings.progress;
    auto start = std::chrono::steady_clock::now();
    VerifyReport report;
    if (*all) {
      if (!ref->empty())
        Fail(ErrorCode::kInvalidArgument, "give either REF or --all, not both",
             "'jvs verify REF' checks one snapshot, 'jvs verify --all' checks everything");
      if (!ctx.g.at_op.empty())
        Fail(ErrorCode::kInvalidArgument, "--at-op cannot be combined with verify --all",
             "--all checks every operation already; drop --at-op");
      report = Check(VerifyAll(Env::Default(), FindRoot(ctx), options));
    } else if (rev_opt->count()) {
      auto repo = ctx.OpenRepo();
      std::vector<SnapshotId> ids = EvaluateRevsetOrFail(ctx, *repo, ctx.CurrentWorktree(*repo), *revset);
      if (ids.empty())
        Fail(ErrorCode::kNotFound, "the revset '" + *revset + "' names no snapshot",
             "'jvs history -r REVSET' shows what a revset names");
      report = Check(VerifySnapshots(*repo, ids, options));
    } else {
      auto repo = ctx.OpenRepo();
      SnapshotId id = ctx.Resolve(*repo, ctx.CurrentWorktree(*repo), ref->empty() ? "@" : *ref);
      report = Check(VerifySnapshots(*repo, {id}, options));
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ctx.Debug("verify: " + std::to_string(report.objects_checked) + " objects, " +
              std::to_string(report.bytes_hashed) + " bytes hashed in " + std::to_string(seconds) +
              " s");
    if (ctx.g.json) {
      ctx.PrintJson(VerifyJson(report, *all));
    } else {
      // As the original JVS: one line per snapshot checked ("<id>  OK", or
      // "<id>  TAMPERED: <the first problem>"); verify REF also says which
      // of the two checks passed.
      std::string out;
      for (const auto& s : report.snapshots) {
        std::string verdict = !s.tamper_detected() ? "OK"
                              : s.error.empty()    ? "TAMPERED"
                                                   : "TAMPERED: " + EscapeText(s.error);
        out += s.id.hex() + "  " + verdict + "\n";
        if (!*all)
          out += std::string("  Checksum: ") + (s.checksum_valid ? "true" : "false") + "\n" +
                 "  Payload hash: " + (s.payload_hash_valid ? "true" : "false") + "\n";
      }
      for (const auto& p : report.problems) {
        out += EscapeText(p.message);
        if (p.snapshots_affected > 1)
          out += " (also in " + Plural(p.snapshots_affected - 1, "more snapshot") + ")";
        out += std::string(p.reachable ? "" : " [no operation reaches it]") + "\n";
      }
      std::string damaged;
      size_t listed = 0;
      for (const auto& s : report.snapshots) {
        if (!s.tamper_detected()) continue;
        if (listed++ < 20) damaged += (damaged.empty() ? "" : ", ") + s.id.hex().substr(0, 12);
      }
      if (listed > 20) damaged += ", ... (" + std::to_string(listed) + " in all)";
      if (!damaged.empty()) out += "Damaged snapshots: " + damaged + "\n";
      out +=
          VerifySummary(report, *all, seconds) + (report.ok() ? ": everything is intact\n" : "\n");
      ctx.Out(out);
    }
    if (report.ok()) return;
    size_t damaged = 0;
    for (const auto& s : report.snapshots) damaged += s.tamper_detected() ? 1 : 0;
    std::string msg = "verification failed: " + Plural(report.problems.size(), "problem");
    if (damaged > 0) msg += " in " + Plural(damaged, "snapshot");
    if (report.oplog.checked && !report.oplog.ok)
      msg += damaged > 0 ? " and the operation log" : " in the operation log";
    FailAfterReport(
        ctx, ErrorCode::kCorrupt, msg,
        "the objects named above are damaged or were tampered with; restore them from a backup or "
        "another copy of the repository, and run 'jvs doctor' for what can be repaired");
  });
}

json DoctorJson(const DoctorReport& r) {
  json findings = json::array();
  for (const auto& f : r.findings)
    findings.push_back({{"category", f.category},
                        {"severity", f.severity},
                        {"description", FindingText(f)},
                        {"path", f.path},
                        {"repaired", f.repaired},
                        {"corruption", f.corruption}});
  json j = {{"healthy", r.healthy()}, {"repaired", r.repaired()}, {"findings", findings}};
  if (r.verify)
    j["objects"] = {{"objects_checked", r.verify->objects_checked},
                    {"bytes_hashed", r.verify->bytes_hashed},
                    {"operations", r.verify->oplog.operations},
                    {"views", r.verify->oplog.views},
                    {"snapshots", r.verify->snapshots.size()}};
  return j;
}

void RegisterDoctorCommand(CLI::App& app, Context& ctx) {
  auto strict = std::make_shared<bool>(false);
  auto repair = std::make_shared<bool>(false);
  auto repair_list = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("doctor",
                                 "Health findings: interrupted operations, temp files, locks, op "
                                 "heads, missing or orphan objects");
  cmd->add_flag("--strict", *strict, "Also re-hash every object (a full 'jvs verify --all')");
  cmd->add_flag("--repair,--repair-runtime", *repair,
                "Fix what is safe to fix (temp files, op heads); never deletes objects (--repair-runtime: the "
                "original JVS's name)");
  cmd->add_flag("--repair-list", *repair_list, "List what --repair fixes, and do nothing else");
  cmd->callback([&ctx, strict, repair, repair_list] {
    if (*repair_list) {
      if (*repair || *strict)
        Fail(ErrorCode::kInvalidArgument, "--repair-list takes no other option",
             "run 'jvs doctor --repair-list' alone, then 'jvs doctor --repair'");
      if (ctx.g.json) {
        json arr = json::array();
        for (const auto& r : DoctorRepairs()) arr.push_back({{"category", r.category}, {"description", r.description}});
        ctx.PrintJson({{"repairs", arr}});
        return;
      }
      std::string out;
      for (const auto& r : DoctorRepairs()) out += r.category + ": " + r.description + "\n";
      ctx.Out(out);
      return;
    }
    if (!ctx.g.at_op.empty())
      Fail(ErrorCode::kInvalidArgument,
           "doctor looks at the repository as it is now; --at-op does not apply", "drop --at-op");
    DoctorOptions options;
    options.strict = *strict;
    options.repair = *repair;
    DoctorReport report = Check(Doctor(Env::Default(), FindRoot(ctx), ctx.settings, options));
    bool repairable = false;
    for (const auto& f : report.findings)
      repairable |= !f.repaired && (f.category == "temp_file" || f.category == "op_heads");
    if (ctx.g.json) {
      ctx.PrintJson(DoctorJson(report));
    } else {
      std::string out;
      for (const auto& f : report.findings) {
        out += (f.repaired ? std::string("repaired") : f.severity) + ": " + f.category + ": " +
               EscapeText(FindingText(f)) + "\n";
        if (!f.path.empty() && f.category != "orphan_object") out += "    " + QuoteName(f.path) + "\n";
      }
      if (report.healthy()) {
        out += "The repository is healthy";
        if (report.repaired() > 0) out += " (" + Plural(report.repaired(), "repair") + " made)";
        if (report.verify && *strict)
          out += "; every object verified (" + Plural(report.verify->objects_checked, "object") +
                 ", " + HumanBytes(report.verify->bytes_hashed) + " hashed)";
        out += "\n";
      } else if (!report.errors_remain() && !report.corruption()) {
        out += "Warnings only; nothing is damaged";
        if (repairable && !*repair)
          out += " (run 'jvs doctor --repair' to fix what is safe to fix)";
        out += "\n";
      }
      ctx.Out(out);
    }
    if (report.corruption())
      FailAfterReport(
          ctx, ErrorCode::kCorrupt, "doctor found damaged or tampered data",
          "restore the damaged objects from a backup or another copy of the repository; "
          "'jvs verify --all' lists every damaged snapshot and path");
    if (report.errors_remain())
      FailAfterReport(ctx, ErrorCode::kRefused, "doctor found problems that need attention",
                      repairable && !*repair
                          ? "run 'jvs doctor --repair' to fix what is safe to fix, then follow "
                            "the advice of the remaining findings"
                          : "follow the advice of each finding above");
  });
}

}  // namespace

void RegisterVerify(CLI::App& app, Context& ctx) { RegisterVerifyCommand(app, ctx); }
void RegisterDoctor(CLI::App& app, Context& ctx) { RegisterDoctorCommand(app, ctx); }

}  // namespace jvs::cli
