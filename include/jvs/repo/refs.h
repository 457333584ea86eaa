// References: the names a user gives a snapshot (docs/cli.md, "REF"): @ /
// HEAD, latest, NAME@, a tag, an id prefix, a change id prefix, REF~N, a
// note prefix. ParseRefExpr is
// the pure syntax (no lookups; fuzzed); ResolveRef looks the parts up in a
// Repo's current view and store. Stateless functions; the Repo is not owned
// and not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/repo/repo.h"

namespace jvs {

// Resolves REF as in docs/cli.md: @ / HEAD, latest, NAME@, tag, id prefix
// (>= 4 hex), change id prefix (reverse hex, k-z: the one visible snapshot of
// that change; kAmbiguous when the change is divergent), REF~N, and a unique
// note prefix as a last resort. Ambiguity lists the candidates. `worktree` gives the meaning of @ and latest.
Result<SnapshotId> ResolveRef(Repo& repo, const std::string& worktree, std::string_view ref);

// The syntax of a reference, without looking anything up: BASE followed by
// "~N" steps (REF~N, repeatable as a~1~2; "~" alone is ~1; at most 6 digits).
// A '~' at the start belongs to the base. Fails only on an empty reference;
// a malformed suffix is kept in `suffix_error` and reported after the base is
// resolved and the valid steps before it are walked (ResolveRef's order).
struct RefExpr {
  std::string base;
  std::vector<uint32_t> steps;       // first-parent steps, one per "~N", in order
  std::optional<Error> suffix_error;
};
Result<RefExpr> ParseRefExpr(std::string_view ref);

}  // namespace jvs
