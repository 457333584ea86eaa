// The first optimiser pass over a checked revset tree (after CheckFunctions):
// a pure function, thread-safe. Rules (docs/revsets.md "Optimised form"):
//   ::x -> ancestors(x)        x:: -> descendants(x)
//   x::y -> descendants(x) & ancestors(y)      :: -> all()
//   x..y -> ancestors(y) ~ ancestors(x)        ..y -> ancestors(y) ~ root()
//   x.. -> ancestors(visible_heads()) ~ ancestors(x)
//   .. -> ancestors(visible_heads()) ~ root()
//   x- -> parents(x)           x+ -> children(x)
//   ~~x -> x    x & all() -> x    x | none() -> x    x ~ none() -> x
//   nested | and & flattened into one node with all operands in order.
#pragma once

#include "jvs/revset/ast.h"

namespace jvs::revset {

Node Optimize(const Node& tree);

}  // namespace jvs::revset
