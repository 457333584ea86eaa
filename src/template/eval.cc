// Evaluating a checked template against a row, rendering values as labelled
// segments, json(), Compile and the error rendering.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "template/internal.h"

namespace jvs::templates {

namespace {

void Append(Output& out, std::string_view text, const std::vector<std::string>& labels) {
  if (text.empty()) return;
  if (!out.empty() && out.back().labels == labels) {
    out.back().text += text;
    return;
  }
  out.push_back(Segment{std::string(text), labels});
}

std::vector<std::string> With(const std::vector<std::string>& labels, const std::vector<std::string>& more) {
  std::vector<std::string> all = labels;
  all.insert(all.end(), more.begin(), more.end());
  return all;
}

bool Truth(const Value& v) {
  switch (v.type) {
    case Type::kBool: return v.boolean;
    case Type::kInteger: return v.integer != 0;
    case Type::kString:
    case Type::kTimestamp: return !v.str.empty();
    case Type::kId: return !v.id.hex.empty();
    case Type::kStringList:
    case Type::kIdList: return !v.items.empty();
    case Type::kTemplate: return !PlainText(v.out).empty();
  }
  return false;
}

nlohmann::json ToJson(const Value& v) {
  switch (v.type) {
    case Type::kBool: return v.boolean;
    case Type::kInteger: return v.integer;
    case Type::kString:
    case Type::kTimestamp: return v.str;
    case Type::kId: return v.id.hex;
    case Type::kStringList:
    case Type::kIdList: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : v.items) arr.push_back(ToJson(item));
      return arr;
    }
    case Type::kTemplate: return PlainText(v.out);
  }
  return nullptr;
}

Value Eval(const Node& n, const Row& row) {
  auto templ = [](Output out) {
    Value v;
    v.type = Type::kTemplate;
    v.out = std::move(out);
    return v;
  };
  switch (n.kind) {
    case NodeKind::kString: return Value::String(n.text);
    case NodeKind::kInteger: return Value::Integer(n.integer);
    case NodeKind::kKeyword: return row(n.text);
    case NodeKind::kConcat: {
      Output out;
      for (const auto& a : n.args) RenderValue(Eval(a, row), {}, out);
      return templ(std::move(out));
    }
    case NodeKind::kNot: return Value::Bool(!Truth(Eval(n.args[0], row)));
    case NodeKind::kAnd:
      for (const auto& a : n.args)
        if (!Truth(Eval(a, row))) return Value::Bool(false);
      return Value::Bool(true);
    case NodeKind::kOr:
      for (const auto& a : n.args)
        if (Truth(Eval(a, row))) return Value::Bool(true);
      return Value::Bool(false);
    case NodeKind::kMethod: {
      Value self = Eval(n.args[0], row);
      std::vector<Value> args;
      for (size_t i = 1; i < n.args.size(); ++i) {
        Value a = Eval(n.args[i], row);
        if (n.method->params[i - 1] == Type::kString && a.type != Type::kString) a = Value::String(TextOf(a));
        args.push_back(std::move(a));
      }
      return n.method->fn(self, args);
    }
    case NodeKind::kCall: break;
  }
  const std::string& f = n.text;
  Output out;
  if (f == "if") {
    if (Truth(Eval(n.args[0], row))) {
      RenderValue(Eval(n.args[1], row), {}, out);
    } else if (n.args.size() > 2) {
      RenderValue(Eval(n.args[2], row), {}, out);
    }
  } else if (f == "concat") {
    for (const auto& a : n.args) RenderValue(Eval(a, row), {}, out);
  } else if (f == "separate") {
    Output sep;
    RenderValue(Eval(n.args[0], row), {}, sep);
    bool first = true;
    for (size_t i = 1; i < n.args.size(); ++i) {
      Output piece;
      RenderValue(Eval(n.args[i], row), {}, piece);
      if (PlainText(piece).empty()) continue;
      if (!first)
        for (const auto& s : sep) Append(out, s.text, s.labels);
      first = false;
      for (const auto& s : piece) Append(out, s.text, s.labels);
    }
  } else if (f == "label") {
    Value content = Eval(n.args[1], row);
    if (content.type == Type::kStringList || content.type == Type::kIdList) {
      content.item_labels.insert(content.item_labels.begin(), n.args[0].text);
      return content;
    }
    RenderValue(content, {n.args[0].text}, out);
  } else if (f == "json") {
    return Value::String(ToJson(Eval(n.args[0], row)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  return templ(std::move(out));
}

}  // namespace

void RenderValue(const Value& v, const std::vector<std::string>& labels, Output& out) {
  switch (v.type) {
    case Type::kString:
    case Type::kTimestamp: Append(out, v.str, labels); return;
    case Type::kInteger: Append(out, std::to_string(v.integer), labels); return;
    case Type::kBool: Append(out, v.boolean ? "true" : "false", labels); return;
    case Type::kId: {
      const size_t shown = std::min(v.id.shown, v.id.hex.size());
      const size_t unique = std::min(v.id.unique, shown);
      std::vector<std::string> outer = labels;
      if (!v.id.label.empty()) outer.push_back(v.id.label);
      Append(out, std::string_view(v.id.hex).substr(0, unique), With(outer, {"prefix"}));
      Append(out, std::string_view(v.id.hex).substr(unique, shown - unique), With(outer, {"rest"}));
      return;
    }
    case Type::kStringList:
    case Type::kIdList: {
      const std::vector<std::string> item = With(labels, v.item_labels);
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) Append(out, " ", labels);
        RenderValue(v.items[i], item, out);
      }
      return;
    }
    case Type::kTemplate:
      for (const auto& s : v.out) Append(out, s.text, With(labels, s.labels));
      return;
  }
}

std::string TextOf(const Value& v) {
  Output out;
  RenderValue(v, {}, out);
  return PlainText(out);
}

std::string PlainText(const Output& out) {
  std::string s;
  for (const auto& seg : out) s += seg.text;
  return s;
}

Output Template::Evaluate(const Row& row) const {
  Output out;
  if (root_) RenderValue(Eval(*root_, row), {}, out);
  return out;
}

std::string Template::Text(const Row& row) const { return PlainText(Evaluate(row)); }

std::variant<Template, TemplateError> Compile(std::string_view source, const Schema& schema) {
  auto parsed = Parse(source);
  if (auto* e = std::get_if<TemplateError>(&parsed)) return *e;
  auto root = std::make_shared<Node>(std::move(std::get<Node>(parsed)));
  if (auto r = Check(*root, schema); auto* e = std::get_if<TemplateError>(&r)) return *e;
  Template t;
  t.root_ = std::move(root);
  return t;
}

Error TemplateError::ToError() const {
  std::string where = name.empty() ? "template" : fmt::format("template '{}'", name);
  return Error(ErrorCode::kInvalidArgument, fmt::format("{}: column {}: {}", where, offset + 1, message), hint);
}

std::string RenderTemplateError(std::string_view text, const TemplateError& error) {
  const size_t at = std::min(error.offset, text.size());
  const size_t newline = text.substr(0, at).rfind('\n');
  const size_t begin = newline == std::string_view::npos ? 0 : newline + 1;
  size_t end = text.find('\n', at);
  if (end == std::string_view::npos) end = text.size();
  std::string line(text.substr(begin, end - begin));
  for (char& c : line)
    if (c == '\t' || c == '\r') c = ' ';
  // One column per character: UTF-8 continuation bytes take none.
  size_t column = 0;
  for (size_t i = begin; i < at; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  std::string out;
  if (!error.name.empty()) out += fmt::format("in template '{}':\n", error.name);
  out += "  " + line + "\n  " + std::string(column, ' ') + "^ " + error.message;
  if (!error.hint.empty()) out += "\nhint: " + error.hint;
  return out;
}

}  // namespace jvs::templates
