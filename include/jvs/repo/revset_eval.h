// Evaluating revsets (docs/revsets.md "Evaluation"): the last two stages of
// the pipeline parse -> expand aliases -> check functions -> optimise ->
// resolve symbols -> evaluate. Symbols are resolved as references are
// (jvs/repo/refs.h); the sets are computed over the snapshots the current
// view reaches (Repo::AllVisibleSnapshots), plus the hidden ones when the
// expression asks for them (`hidden()`, or a symbol naming one). Stateless
// functions reading a Repo's current view and store (the Repo is not owned
// and not thread-safe).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/repo/repo.h"
#include "jvs/revset/alias.h"
#include "jvs/revset/ast.h"
#include "jvs/revset/parse.h"

namespace jvs {

struct RevsetOptions {
  std::string worktree;          // the meaning of `@` and `latest`
  revset::AliasMap aliases;      // [revset-aliases]
};

// Where an evaluation failed, when the failure points into the expression
// (a syntax error, an unknown symbol, an unsupported function, a bad date):
// the revset error (offset, message, hint) for RenderRevsetError.
struct RevsetFailure {
  std::optional<revset::RevsetError> located;
};

// Parses `text`, expands `options.aliases`, checks, optimises and evaluates
// it: the snapshot ids of the set in history order (newest first by creation
// time; among equal times children before parents; then visible before
// hidden; then by id), each once. Errors: kInvalidArgument for the
// expression ("revset: column N: ..."), the code of the reference lookup for
// a symbol that names nothing or several snapshots (kNotFound, kAmbiguous),
// kUnsupported for a function not built yet, store errors as they come. When
// the error points into the expression and `failure` is given,
// `failure->located` is set.
Result<std::vector<SnapshotId>> EvaluateRevset(Repo& repo, const RevsetOptions& options, std::string_view text,
                                               RevsetFailure* failure = nullptr);

// Evaluates a tree that passed CheckFunctions (optimised or not: every node
// kind is understood). Same result and errors as EvaluateRevset.
Result<std::vector<SnapshotId>> EvaluateRevsetTree(Repo& repo, const RevsetOptions& options,
                                                   const revset::Node& tree, RevsetFailure* failure = nullptr);

}  // namespace jvs
