// Values, the schema, and the language's own methods (docs/templates.md
// "Methods"). The caller adds its own with Schema::AddMethod.
#include <time.h>

#include <algorithm>

#include "jvs/base/timeutil.h"
#include "template/internal.h"

namespace jvs::templates {

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kString: return "String";
    case Type::kInteger: return "Integer";
    case Type::kBool: return "Boolean";
    case Type::kTimestamp: return "Timestamp";
    case Type::kId: return "Id";
    case Type::kStringList: return "List<String>";
    case Type::kIdList: return "List<Id>";
    case Type::kTemplate: return "Template";
  }
  return "?";
}

Value Value::String(std::string s) {
  Value v;
  v.type = Type::kString;
  v.str = std::move(s);
  return v;
}
Value Value::Integer(int64_t i) {
  Value v;
  v.type = Type::kInteger;
  v.integer = i;
  return v;
}
Value Value::Bool(bool b) {
  Value v;
  v.type = Type::kBool;
  v.boolean = b;
  return v;
}
Value Value::Timestamp(std::string rfc3339) {
  Value v;
  v.type = Type::kTimestamp;
  v.str = std::move(rfc3339);
  return v;
}
Value Value::Id(std::string hex, size_t shown, size_t unique, std::string label) {
  Value v;
  v.type = Type::kId;
  v.id = IdValue{std::move(hex), shown, unique, std::move(label)};
  return v;
}
Value Value::StringList(const std::vector<std::string>& items) {
  Value v;
  v.type = Type::kStringList;
  for (const auto& s : items) v.items.push_back(String(s));
  return v;
}
Value Value::IdList(std::vector<IdValue> items) {
  Value v;
  v.type = Type::kIdList;
  for (auto& id : items) v.items.push_back(Id(std::move(id.hex), id.shown, id.unique, std::move(id.label)));
  return v;
}

namespace {

size_t Count(const std::vector<Value>& args, size_t i, int64_t fallback) {
  int64_t n = args.size() > i ? args[i].integer : fallback;
  return n < 0 ? 0 : static_cast<size_t>(n);
}

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

// `rfc3339` as strftime(`format`) in UTC; the time itself when unreadable.
std::string FormatTime(const std::string& rfc3339, const std::string& format) {
  auto ns = ParseTimestamp(rfc3339);
  if (!ns.ok() || format.empty()) return format.empty() ? std::string() : rfc3339;
  time_t secs = static_cast<time_t>(*ns >= 0 ? *ns / 1000000000 : (*ns - 999999999) / 1000000000);
  struct tm tm {};
  if (!gmtime_r(&secs, &tm)) return rfc3339;
  std::string buf(format.size() * 8 + 64, '\0');
  size_t n = strftime(buf.data(), buf.size(), format.c_str(), &tm);
  buf.resize(n);
  return buf;
}

Value Join(const Value& self, const std::vector<Value>& args) {
  Value v;
  v.type = Type::kTemplate;
  for (size_t i = 0; i < self.items.size(); ++i) {
    if (i) RenderValue(args[0], {}, v.out);
    RenderValue(self.items[i], self.item_labels, v.out);
  }
  return v;
}

}  // namespace

std::vector<MethodSpec> BuiltinMethods() {
  using T = Type;
  std::vector<MethodSpec> m;
  auto add = [&m](T receiver, std::string name, std::vector<T> params, size_t required, T result, MethodFn fn) {
    m.push_back(MethodSpec{receiver, std::move(name), std::move(params), required, result, std::move(fn)});
  };
  // Strings.
  add(T::kString, "first_line", {}, 0, T::kString, [](const Value& s, const auto&) { return Value::String(FirstLine(s.str)); });
  add(T::kString, "lines", {}, 0, T::kStringList, [](const Value& s, const auto&) {
    std::vector<std::string> lines;
    size_t start = 0;
    for (;;) {
      size_t end = s.str.find('\n', start);
      lines.push_back(s.str.substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return Value::StringList(lines);
  });
  add(T::kString, "contains", {T::kString}, 1, T::kBool,
      [](const Value& s, const auto& a) { return Value::Bool(s.str.find(a[0].str) != std::string::npos); });
  add(T::kString, "starts_with", {T::kString}, 1, T::kBool,
      [](const Value& s, const auto& a) { return Value::Bool(s.str.starts_with(a[0].str)); });
  add(T::kString, "ends_with", {T::kString}, 1, T::kBool,
      [](const Value& s, const auto& a) { return Value::Bool(s.str.ends_with(a[0].str)); });
  add(T::kString, "len", {}, 0, T::kInteger,
      [](const Value& s, const auto&) { return Value::Integer(static_cast<int64_t>(s.str.size())); });
  add(T::kString, "upper", {}, 0, T::kString, [](const Value& s, const auto&) {
    std::string u = s.str;
    for (char& c : u)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return Value::String(u);
  });
  add(T::kString, "lower", {}, 0, T::kString, [](const Value& s, const auto&) {
    std::string l = s.str;
    for (char& c : l)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return Value::String(l);
  });
  // Ids.
  add(T::kId, "short", {T::kInteger}, 0, T::kString,
      [](const Value& s, const auto& a) { return Value::String(s.id.hex.substr(0, Count(a, 0, 12))); });
  add(T::kId, "shortest", {T::kInteger}, 0, T::kId, [](const Value& s, const auto& a) {
    return Value::Id(s.id.hex, std::max(s.id.unique, Count(a, 0, 0)), s.id.unique, s.id.label);
  });
  add(T::kId, "hex", {}, 0, T::kString, [](const Value& s, const auto&) { return Value::String(s.id.hex); });
  // Timestamps.
  add(T::kTimestamp, "format", {T::kString}, 1, T::kString,
      [](const Value& s, const auto& a) { return Value::String(FormatTime(s.str, a[0].str)); });
  // Lists.
  for (T list : {T::kStringList, T::kIdList}) {
    add(list, "join", {T::kString}, 1, T::kTemplate, Join);
    add(list, "len", {}, 0, T::kInteger,
        [](const Value& s, const auto&) { return Value::Integer(static_cast<int64_t>(s.items.size())); });
  }
  add(T::kStringList, "contains", {T::kString}, 1, T::kBool, [](const Value& s, const auto& a) {
    return Value::Bool(std::any_of(s.items.begin(), s.items.end(), [&](const Value& i) { return i.str == a[0].str; }));
  });
  add(T::kIdList, "short", {T::kInteger}, 0, T::kStringList, [](const Value& s, const auto& a) {
    std::vector<std::string> out;
    for (const auto& i : s.items) out.push_back(i.id.hex.substr(0, Count(a, 0, 12)));
    Value v = Value::StringList(out);
    v.item_labels = s.item_labels;
    return v;
  });
  return m;
}

Schema::Schema() : methods_(BuiltinMethods()) {}

void Schema::AddKeyword(std::string name, Type type) {
  for (auto& k : keywords_)
    if (k.name == name) {
      k.type = type;
      return;
    }
  keywords_.push_back(KeywordSpec{std::move(name), type});
}

void Schema::AddMethod(MethodSpec spec) {
  for (auto& m : methods_)
    if (m.receiver == spec.receiver && m.name == spec.name) {
      m = std::move(spec);
      return;
    }
  methods_.push_back(std::move(spec));
}

const KeywordSpec* Schema::FindKeyword(std::string_view name) const {
  for (const auto& k : keywords_)
    if (k.name == name) return &k;
  return nullptr;
}

const MethodSpec* Schema::FindMethod(Type receiver, std::string_view name) const {
  for (const auto& m : methods_)
    if (m.receiver == receiver && m.name == name) return &m;
  return nullptr;
}

std::vector<std::string> Schema::KeywordNames() const {
  std::vector<std::string> names;
  for (const auto& k : keywords_) names.push_back(k.name);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> Schema::MethodNames(Type receiver) const {
  std::vector<std::string> names;
  for (const auto& m : methods_)
    if (m.receiver == receiver) names.push_back(m.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace jvs::templates
