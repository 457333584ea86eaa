// User pins (`jvs pin add|list|remove`): a snapshot named here is kept
// visible and never collected by gc until its pin expires (View::user_pins).
// An expired pin protects nothing: gc run drops it from the view, and from
// then on only the retention window keeps the snapshot. Adding or removing a
// pin is one operation, published through a Transaction; both also drop the
// pins that have expired. Functions take the Repo (not owned); not
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jvs/repo/repo.h"

namespace jvs {

struct UserPin {
  SnapshotId id;
  PinRecord record;
  bool expired = false;  // at the repository's current time
};

// Every user pin of the current view, by snapshot id.
std::vector<UserPin> ListUserPins(Repo& repo);

struct PinOutcome {
  UserPin pin;
  bool replaced = false;  // add: the snapshot was pinned already (its record is replaced)
  size_t expired_dropped = 0;
  OperationId op;
};

// Pins `id` with an optional expiry (`until`: RFC 3339 or seconds since the
// epoch; "" = none; stored normalised to UTC) and `reason`. kInvalidArgument
// for an unreadable or past `until`.
Result<PinOutcome> AddUserPin(Repo& repo, const SnapshotId& id, const std::string& until, const std::string& reason);

// Removes the pin of `id` (kNotFound when it has none).
Result<PinOutcome> RemoveUserPin(Repo& repo, const SnapshotId& id);

}  // namespace jvs
