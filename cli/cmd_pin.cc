// jvs pin add|list|remove: keep snapshots from garbage collection, as the
// original JVS (include/jvs/repo/pins.h).
#include "commands.h"
#include "jvs/repo/pins.h"

namespace jvs::cli {

namespace {

// The original JVS's keys: snapshot_id, pinned_at, reason, expires_at.
json PinJson(const UserPin& p) {
  return json{{"snapshot_id", p.id.hex()},
              {"pinned_at", p.record.created_at},
              {"reason", p.record.reason},
              {"expires_at", p.record.until.empty() ? json(nullptr) : json(p.record.until)},
              {"expired", p.expired}};
}

std::string PinText(Context& ctx, Repo& repo, const UserPin& p) {
  std::string out = ctx.Id(repo, p.id) + "  " +
                    (p.record.until.empty() ? std::string("no expiry")
                                            : (p.expired ? "expired " : "until ") + p.record.until);
  if (!p.record.reason.empty()) out += "  " + EscapeText(p.record.reason);
  return out;
}

}  // namespace

// The pins, one a line, for `gc plan` too ("" when there are none).
std::string PinsText(Context& ctx, Repo& repo, const std::string& indent) {
  std::string out;
  for (const auto& p : ListUserPins(repo)) out += indent + PinText(ctx, repo, p) + "\n";
  return out;
}

void RegisterPin(CLI::App& app, Context& ctx) {
  auto* pin = app.add_subcommand("pin", "Pins: keep snapshots from garbage collection (until a time, if given)");
  pin->require_subcommand(1);
  struct Opts {
    std::string ref, until, reason;
  };
  auto o = std::make_shared<Opts>();

  auto* add = pin->add_subcommand("add", "Pin REF: gc keeps it (and what it needs) until --until, or for good");
  add->add_option("REF", o->ref, "Snapshot to pin")->required();
  add->add_option("--until", o->until, "When the pin expires: RFC 3339 (2026-12-31T00:00:00Z) or seconds since the epoch");
  add->add_option("--reason", o->reason, "Why it is pinned (shown by 'jvs pin list' and 'jvs gc plan')");
  add->callback([&ctx, o] {
    auto repo = ctx.OpenRepo(false);
    SnapshotId id = ctx.Resolve(*repo, ctx.ExistingWorktree(*repo), o->ref);
    PinOutcome r = Check(AddUserPin(*repo, id, o->until, o->reason));
    if (ctx.g.json) {
      json j = PinJson(r.pin);
      j["replaced"] = r.replaced;
      j["op_id"] = r.op.hex();
      ctx.PrintJson(j);
      return;
    }
    ctx.Out(std::string(r.replaced ? "Re-pinned " : "Pinned ") + ctx.Id(*repo, id) +
            (r.pin.record.until.empty() ? "" : " until " + r.pin.record.until) + "\n");
  });

  auto* list = pin->add_subcommand("list", "The pinned snapshots, with expiry and reason");
  list->alias("ls");
  list->callback([&ctx] {
    auto repo = ctx.OpenRepo();
    if (ctx.g.json) {
      json arr = json::array();
      for (const auto& p : ListUserPins(*repo)) arr.push_back(PinJson(p));
      ctx.PrintJson(arr);
      return;
    }
    std::string out = PinsText(ctx, *repo, "");
    ctx.Out(out.empty() ? "No pins. Pin a snapshot with 'jvs pin add REF'.\n" : out);
  });

  auto* remove = pin->add_subcommand("remove", "Remove the pin of REF (the snapshot stays as long as it is needed)");
  remove->alias("rm");
  remove->add_option("REF", o->ref, "Pinned snapshot")->required();
  remove->callback([&ctx, o] {
    auto repo = ctx.OpenRepo(false);
    SnapshotId id = ctx.Resolve(*repo, ctx.ExistingWorktree(*repo), o->ref);
    auto r = RemoveUserPin(*repo, id);
    if (!r.ok() && r.error().code() == ErrorCode::kNotFound)
      Fail(ErrorCode::kNotFound, r.error().message(), "'jvs pin list' shows the pinned snapshots");
    PinOutcome out = Check(std::move(r));
    if (ctx.g.json) {
      json j = PinJson(out.pin);
      j["removed"] = true;
      j["op_id"] = out.op.hex();
      ctx.PrintJson(j);
      return;
    }
    ctx.Out("Unpinned " + ctx.Id(*repo, id) + "\n");
  });
  for (auto* sub : pin->get_subcommands({})) sub->fallthrough();
  pin->fallthrough();
}

}  // namespace jvs::cli
