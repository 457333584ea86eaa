// The interrupted-restore marker `worktrees/<name>/checkout_pending`: written
// by an update before it publishes its operation and removed once the tree
// state is saved. Line 1: the target snapshot; then "base <op>" (the operation
// it publishes on), "pid <n>" and "host <name>", which identify its operation
// (parents [base], that pid and host, attribute `worktree`). A marker without
// them (older jvs, or an update that publishes nothing) always counts as
// published. Format: docs/formats.md. Plain values and functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "jvs/base/object_id.h"

namespace jvs {

struct PendingMarker {
  std::string target;              // snapshot id (hex)
  std::optional<OperationId> base;  // absent: counts as published
  int64_t pid = 0;
  std::string host;
};

std::string EncodeMarker(const PendingMarker& m);
// Lenient: unknown lines are ignored; an incomplete identity means "no base".
PendingMarker DecodeMarker(std::string_view text);

}  // namespace jvs
