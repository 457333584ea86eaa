// Revset aliases (`[revset-aliases]` in the configuration, as Jujutsu's):
// declarations `name`, `name()` and `name(a, b)` mapped to bodies that are
// revset expressions. Pure functions, thread-safe.
#pragma once

#include <map>
#include <string>

#include "jvs/revset/ast.h"
#include "jvs/revset/parse.h"

namespace jvs::revset {

// Declaration text ("mine()", "between(x, y)", "trunk") -> body text.
using AliasMap = std::map<std::string, std::string>;

// `tree` with every use of an alias replaced by its body: a symbol `name` by
// the body of `name`, a call `name(...)` by the body of `name(...)` with the
// same number of parameters, each parameter (a bare symbol of the body)
// replaced by the argument's tree. Bodies are parsed on first use and
// expanded in turn; the parameters of one alias are not visible inside
// another alias's body. Errors: a malformed declaration (names it), an error
// in a body (names the alias; the offset points into the body), an alias that
// uses itself directly or through others (names the chain), keyword
// arguments to an alias, a result deeper than kMaxTreeHeight or larger than
// 100,000 nodes. Nodes that come from a body take the span of the alias use
// and `from_alias` = the alias name.
RevsetResult<Node> ExpandAliases(const Node& tree, const AliasMap& aliases);

}  // namespace jvs::revset
