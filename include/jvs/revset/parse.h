// Parsing revset expressions (docs/revsets.md), the first stage of the
// pipeline parse -> expand aliases (alias.h) -> check functions -> optimise
// (optimize.h) -> resolve symbols -> evaluate (the last two are not built
// yet). Nothing here looks a name up or touches a repository: pure functions
// of their arguments, thread-safe. Errors are values carrying the byte offset
// they point at; `RenderRevsetError` draws the caret, the caller prints it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "jvs/base/result.h"
#include "jvs/revset/ast.h"

namespace jvs::revset {

// The deepest tree the parser and alias expansion build; deeper input is an
// error, so that every recursive walk of a tree stays far from the stack limit.
inline constexpr size_t kMaxTreeHeight = 200;

struct RevsetError {
  size_t offset = 0;  // byte offset in `source` the error points at
  size_t length = 0;  // bytes of the offending token or node (0: a position)
  std::string message;
  std::string hint;   // plain words ("did you mean 'heads'?"), may be empty
  // When the error is inside an alias body: the alias (as declared) and its
  // body, which `offset` then points into; else both empty and `offset`
  // points into the expression.
  std::string alias;
  std::string alias_body;

  // As a library Error (kInvalidArgument): "revset: column N: message" (or
  // "revset alias 'x': column N: message"), with the hint.
  Error ToError() const;
};

// The value or the error of a revset stage.
template <typename T>
class [[nodiscard]] RevsetResult {
 public:
  RevsetResult(T value) : v_(std::move(value)) {}              // NOLINT
  RevsetResult(RevsetError error) : v_(std::move(error)) {}   // NOLINT
  bool ok() const { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const RevsetError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, RevsetError> v_;
};

struct Unit {};
using RevsetStatus = RevsetResult<Unit>;

// The syntax of `text` as a tree (binary operators nest to the left). Checks
// syntax only: function names and arguments are checked by CheckFunctions.
RevsetResult<Node> ParseRevset(std::string_view text);

// The second half of parsing: every function call names a known function
// (unknown: an error suggesting the closest names) with arguments it takes
// (count, keywords, an integer where one is expected, a pattern only where a
// function takes one); a pattern appears nowhere else.
RevsetStatus CheckFunctions(const Node& tree);

// The names CheckFunctions knows, in the order of the issue.
const std::vector<std::string>& FunctionNames();

// `source` with a caret under the error's column and the message, e.g.
//   "  heads(x &)\n            ^ expected an expression"
// followed by "\nhint: ..." when the error has a hint. For an error inside an
// alias the alias body is drawn (`source` is then ignored). Only the line of
// the error is drawn when the text spans several lines.
std::string RenderRevsetError(std::string_view source, const RevsetError& error);

}  // namespace jvs::revset
