// The template language's tree and its two passes (private to src/template):
// Parse (text -> tree with source spans) and Check (names and types).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "jvs/template/template.h"

namespace jvs::templates {

enum class NodeKind { kString, kInteger, kKeyword, kCall, kMethod, kConcat, kNot, kAnd, kOr };

struct Node {
  NodeKind kind = NodeKind::kString;
  size_t offset = 0;       // the node's first byte in the source
  size_t length = 0;       // its bytes
  size_t name_offset = 0;  // kCall, kMethod: where the name starts
  std::string text;        // kString: the value; kKeyword, kCall, kMethod: the name
  int64_t integer = 0;     // kInteger
  std::vector<Node> args;  // kMethod: the receiver first; kConcat, kAnd, kOr, kNot: operands
  // Filled by Check.
  Type type = Type::kTemplate;
  const MethodSpec* method = nullptr;
};

// The tree of `source`, or where and why it is not a template.
std::variant<Node, TemplateError> Parse(std::string_view source);
// Names and types of `node` against `schema` (fills type and method).
std::variant<std::monostate, TemplateError> Check(Node& node, const Schema& schema);
// Appends `value` as text to `out`, inside `labels` (outermost first);
// adjacent segments with the same labels merge.
void RenderValue(const Value& value, const std::vector<std::string>& labels, Output& out);
// `value` as plain text (lists joined by spaces).
std::string TextOf(const Value& value);
// The language's own methods (on ids, strings, lists, timestamps).
std::vector<MethodSpec> BuiltinMethods();

}  // namespace jvs::templates
