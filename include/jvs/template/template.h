// The template language (docs/templates.md): `-T` turns each row of a listing
// (a snapshot, an operation, a version of a change) into text. A template is
// parsed and type-checked once against a `Schema` the caller supplies (its
// keywords and their types, plus methods of its own), then evaluated per row
// against a `Row` that returns the value of a keyword. Output is a list of
// segments, each with the labels (`label()`, an id's "prefix"/"rest") the
// caller may colour. Nothing here prints, reads a repository or the clock:
// `ago()` and the like are methods the caller adds. Compiled templates are
// values; evaluating one is thread-safe if the row and the caller's methods are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "jvs/base/result.h"

namespace jvs::templates {

enum class Type { kString, kInteger, kBool, kTimestamp, kId, kStringList, kIdList, kTemplate };
// "String", "Integer", "Boolean", "Timestamp", "Id", "List<String>", "List<Id>", "Template".
std::string_view TypeName(Type type);

// A piece of output and the labels around it, outermost first.
struct Segment {
  std::string text;
  std::vector<std::string> labels;
  bool operator==(const Segment&) const = default;
};
using Output = std::vector<Segment>;
// The text of `out` without labels.
std::string PlainText(const Output& out);

// An id as listings show it: `hex` in full, `shown` digits by default, the
// first `unique` of which identify it (rendered labelled "prefix", the rest
// "rest", both inside `label` when it is not empty: "change_id").
struct IdValue {
  std::string hex;
  size_t shown = 0;
  size_t unique = 0;
  std::string label;
};

struct Value {
  Type type = Type::kString;
  std::string str;  // kString; kTimestamp (RFC 3339)
  int64_t integer = 0;
  bool boolean = false;
  IdValue id;                 // kId
  std::vector<Value> items;   // kStringList, kIdList
  std::vector<std::string> item_labels;  // lists: the labels of each item when rendered
  Output out;                 // kTemplate

  static Value String(std::string s);
  static Value Integer(int64_t i);
  static Value Bool(bool b);
  static Value Timestamp(std::string rfc3339);
  static Value Id(std::string hex, size_t shown, size_t unique, std::string label = {});
  static Value StringList(const std::vector<std::string>& items);
  static Value IdList(std::vector<IdValue> items);
};

// A method on values of type `receiver`: `params` are the types of its
// arguments, the first `required` of which must be given.
using MethodFn = std::function<Value(const Value& self, const std::vector<Value>& args)>;
struct MethodSpec {
  Type receiver = Type::kString;
  std::string name;
  std::vector<Type> params;
  size_t required = 0;
  Type result = Type::kString;
  MethodFn fn;
};

struct KeywordSpec {
  std::string name;
  Type type = Type::kString;
};

// What a template may name: the caller's keywords, the methods of the
// language (short(), first_line(), ...; see docs/templates.md) and the
// caller's own methods.
// Add every keyword and method before compiling: a compiled template points
// at the schema's methods.
class Schema {
 public:
  Schema();  // the language's methods, no keywords
  void AddKeyword(std::string name, Type type);
  // Replaces a method of the same receiver and name.
  void AddMethod(MethodSpec spec);
  const KeywordSpec* FindKeyword(std::string_view name) const;
  const MethodSpec* FindMethod(Type receiver, std::string_view name) const;
  std::vector<std::string> KeywordNames() const;
  std::vector<std::string> MethodNames(Type receiver) const;

 private:
  std::vector<KeywordSpec> keywords_;
  std::vector<MethodSpec> methods_;
};

// The value of a keyword for the row being rendered (only keywords of the
// schema are asked for, with the type the schema gives them).
using Row = std::function<Value(std::string_view keyword)>;

// The deepest tree the parser builds; deeper input is an error.
inline constexpr size_t kMaxDepth = 100;

struct TemplateError {
  size_t offset = 0;  // byte offset in the source the error points at
  size_t length = 0;
  std::string message;
  std::string hint;  // may be empty
  std::string name;  // the named template the source came from, if any

  // kInvalidArgument: "template: column N: message" (or
  // "template 'NAME': column N: message") with the hint.
  Error ToError() const;
};

// The source line of the error with a caret under its column, then the
// message (and "hint: ..." when there is one). Text for the caller to print.
std::string RenderTemplateError(std::string_view source, const TemplateError& error);

struct Node;  // the checked tree (src/template/internal.h)

class Template {
 public:
  Output Evaluate(const Row& row) const;
  // Evaluate, without labels.
  std::string Text(const Row& row) const;

 private:
  friend std::variant<Template, TemplateError> Compile(std::string_view, const Schema&);
  std::shared_ptr<const Node> root_;
};

// Parses and type-checks `source` against `schema` (which must outlive the
// template: its methods are called on evaluation).
std::variant<Template, TemplateError> Compile(std::string_view source, const Schema& schema);

}  // namespace jvs::templates
