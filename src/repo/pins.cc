// User pins (see jvs/repo/pins.h).
#include "jvs/repo/pins.h"

#include "jvs/base/timeutil.h"
#include "jvs/repo/transaction.h"

namespace jvs {

namespace {

// Drops the expired pins from the transaction's view; returns how many.
size_t DropExpired(Transaction& tx, int64_t now_ns) {
  View v = tx.view();
  size_t n = std::erase_if(v.user_pins, [&](const auto& p) { return p.second.Expired(now_ns); });
  if (n) tx.SetView(std::move(v));
  return n;
}

}  // namespace

std::vector<UserPin> ListUserPins(Repo& repo) {
  std::vector<UserPin> out;
  const int64_t now = repo.NowNanos();
  for (const auto& [id, rec] : repo.view().user_pins) out.push_back({id, rec, rec.Expired(now)});
  return out;
}

Result<PinOutcome> AddUserPin(Repo& repo, const SnapshotId& id, const std::string& until, const std::string& reason) {
  const int64_t now = repo.NowNanos();
  PinRecord rec;
  rec.created_at = repo.Now();
  rec.reason = reason;
  if (!until.empty()) {
    auto t = ParseTimestamp(until);
    if (!t.ok())
      return Error(ErrorCode::kInvalidArgument, "cannot read the expiry '" + until + "'",
                   "give a time as 2026-12-31T00:00:00Z (RFC 3339) or seconds since the epoch");
    if (*t <= now)
      return Error(ErrorCode::kInvalidArgument, "the expiry " + FormatRfc3339(*t) + " has already passed",
                   "give a time in the future, or none for a pin that never expires");
    rec.until = FormatRfc3339(*t);
  }
  Transaction tx(repo);
  PinOutcome out;
  out.expired_dropped = DropExpired(tx, now);
  View v = tx.view();
  out.replaced = v.user_pins.count(id) > 0;
  v.user_pins[id] = rec;
  tx.SetView(std::move(v));
  out.pin = {id, rec, false};
  JVS_ASSIGN_OR_RETURN(out.op, tx.Commit("pin " + id.hex().substr(0, 12) +
                                         (rec.until.empty() ? std::string() : " until " + rec.until)));
  return out;
}

Result<PinOutcome> RemoveUserPin(Repo& repo, const SnapshotId& id) {
  Transaction tx(repo);
  auto it = tx.view().user_pins.find(id);
  if (it == tx.view().user_pins.end())
    return Error(ErrorCode::kNotFound, "snapshot " + id.hex().substr(0, 12) + " is not pinned");
  PinOutcome out;
  out.pin = {id, it->second, it->second.Expired(repo.NowNanos())};
  View v = tx.view();
  v.user_pins.erase(id);
  tx.SetView(std::move(v));
  out.expired_dropped = DropExpired(tx, repo.NowNanos());
  JVS_ASSIGN_OR_RETURN(out.op, tx.Commit("unpin " + id.hex().substr(0, 12)));
  return out;
}

}  // namespace jvs
