// ConfigFile: one TOML configuration file, read with toml++, validated key by
// key, and edited as text so that comments and layout survive `config set`.
#include "jvs/config/config.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <sstream>

// Errors are values here too: toml++ (header-only) reports parse errors as a
// result instead of throwing.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

#include "config/internal.h"

namespace jvs {

using config_internal::Problem;
using config_internal::TypeName;

namespace {

std::string Where(const fs::path& file, const toml::source_region& r) {
  return file.string() + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}

// Converts a TOML node to a value of `key`'s type; nullopt when the type is wrong.
std::optional<ConfigValue> FromNode(const ConfigKey& key, const toml::node& node) {
  switch (key.type) {
    case ConfigType::kString:
    case ConfigType::kChoice:
      if (auto s = node.value_exact<std::string>()) return ConfigValue(*s);
      return std::nullopt;
    case ConfigType::kBool:
      if (auto b = node.value_exact<bool>()) return ConfigValue(*b);
      return std::nullopt;
    case ConfigType::kInt:
      if (auto i = node.value_exact<int64_t>()) return ConfigValue(*i);
      return std::nullopt;
    case ConfigType::kStringList: {
      const toml::array* arr = node.as_array();
      if (!arr) return std::nullopt;
      std::vector<std::string> out;
      for (const auto& e : *arr) {
        auto s = e.value_exact<std::string>();
        if (!s) return std::nullopt;
        out.push_back(*s);
      }
      return ConfigValue(std::move(out));
    }
  }
  return std::nullopt;
}

std::pair<std::string, std::string> SplitKey(std::string_view key) {
  size_t dot = key.find('.');
  return {std::string(key.substr(0, dot)), std::string(key.substr(dot + 1))};
}

}  // namespace

// ---------------------------------------------------------------- ConfigFile

struct ConfigFile::Table {
  toml::table t;
};

ConfigFile::ConfigFile() : table_(std::make_unique<Table>()) {}
ConfigFile::~ConfigFile() = default;
ConfigFile::ConfigFile(ConfigFile&&) noexcept = default;
ConfigFile& ConfigFile::operator=(ConfigFile&&) noexcept = default;

Result<ConfigFile> ConfigFile::Load(Env* env, const fs::path& path) {
  auto st = env->Stat(path);
  if (!st.ok()) {
    if (st.error().code() == ErrorCode::kNotFound) {
      ConfigFile f;
      f.path_ = path;
      return f;
    }
    return st.error().WithHint("check the permissions of '" + path.string() + "'");
  }
  if (!S_ISREG(st->st_mode))
    return Error(ErrorCode::kInvalidArgument,
                 "configuration file '" + path.string() + "' is not a regular file",
                 "remove it or replace it with a TOML file");
  JVS_ASSIGN_OR_RETURN(std::string text, env->ReadFile(path, 1u << 20));
  JVS_ASSIGN_OR_RETURN(ConfigFile f, Parse(text, path));
  f.exists_ = true;
  return f;
}

Result<ConfigFile> ConfigFile::Parse(std::string_view text, const fs::path& source) {
  ConfigFile f;
  f.path_ = source;
  toml::parse_result r = toml::parse(text, source.string());
  if (!r) {
    const toml::parse_error& e = r.error();
    return Error(ErrorCode::kInvalidArgument,
                 "cannot parse configuration file " + Where(source, e.source()) + ": " +
                     std::string(e.description()),
                 "fix the TOML syntax (https://toml.io) in '" + source.string() +
                     "', or move the file away");
  }
  f.table_->t = std::move(r).table();
  f.text_ = std::string(text);
  if (!f.text_.empty() && f.text_.back() != '\n') f.text_ += '\n';
  JVS_TRY(f.Validate());
  return f;
}

Status ConfigFile::Validate() {
  values_.clear();
  warnings_.clear();
  for (auto&& [section, node] : table_->t) {
    const toml::table* sub = node.as_table();
    if (!sub) {
      warnings_.push_back(Where(path_, section.source()) + ": unknown configuration key '" +
                          std::string(section.str()) + "' (ignored)");
      continue;
    }
    for (auto&& [leaf, value] : *sub) {
      std::string name = std::string(section.str()) + "." + std::string(leaf.str());
      const ConfigKey* key = FindConfigKey(name);
      if (!key) {
        auto near = SuggestConfigKeys(name);
        warnings_.push_back(
            Where(path_, leaf.source()) + ": unknown configuration key '" + name + "' (ignored" +
            (near.empty() ? std::string(")") : "; did you mean '" + near[0] + "'?)"));
        continue;
      }
      std::string fix = "fix it in '" + path_.string() + "'";
      auto v = FromNode(*key, value);
      if (!v)
        return Error(ErrorCode::kInvalidArgument,
                     "configuration file " + Where(path_, value.source()) + ": " + name +
                         " must be " + std::string(TypeName(*key)),
                     fix)
            .WithRemedy(Remedy::kUnsetConfig, name);
      std::string problem = Problem(*key, *v);
      if (!problem.empty())
        return Error(ErrorCode::kInvalidArgument,
                     "configuration file " + Where(path_, value.source()) + ": " + problem, fix)
            .WithRemedy(Remedy::kUnsetConfig, name);
      values_[name] = std::move(*v);
    }
  }
  return OkStatus();
}

std::optional<ConfigValue> ConfigFile::Get(std::string_view key) const {
  auto it = values_.find(std::string(key));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

Status ConfigFile::Set(const ConfigKey& key, const ConfigValue& value, std::string_view name) {
  if (name.empty()) name = key.name;
  std::string problem = Problem(key, value);
  if (!problem.empty()) return Error(ErrorCode::kInvalidArgument, problem);
  auto [section, leaf] = SplitKey(name);
  toml::node* existing = table_->t.get(section);
  if (existing && !existing->is_table())
    return Error(ErrorCode::kInvalidArgument,
                 "cannot set " + std::string(name) + ": '" + section + "' in '" +
                     path_.string() + "' is not a table",
                 "edit the file by hand: '" + section + "' must be a [" + section + "] table");
  if (!existing) table_->t.insert(section, toml::table{});
  toml::table& sub = *table_->t.get(section)->as_table();
  if (auto s = std::get_if<std::string>(&value)) {
    sub.insert_or_assign(leaf, *s);
  } else if (auto b = std::get_if<bool>(&value)) {
    sub.insert_or_assign(leaf, *b);
  } else if (auto i = std::get_if<int64_t>(&value)) {
    sub.insert_or_assign(leaf, *i);
  } else {
    toml::array arr;
    for (const auto& e : std::get<std::vector<std::string>>(value)) arr.push_back(e);
    sub.insert_or_assign(leaf, std::move(arr));
  }
  values_[std::string(name)] = value;
  EditText(section, leaf, ConfigValueToml(value));
  return OkStatus();
}

bool ConfigFile::Unset(std::string_view key) {
  auto [section, leaf] = SplitKey(key);
  toml::table* sub = table_->t.get(section) ? table_->t.get(section)->as_table() : nullptr;
  if (!sub || !sub->contains(leaf)) return false;
  sub->erase(leaf);
  if (sub->empty()) table_->t.erase(section);
  values_.erase(std::string(key));
  EditText(section, leaf, std::nullopt);
  return true;
}

namespace {

std::string Trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string_view::npos) return {};
  size_t b = s.find_last_not_of(" \t\r");
  return std::string(s.substr(a, b - a + 1));
}

// "[name]" (optionally followed by a comment) -> name; nullopt for other
// lines (array-of-tables headers "[[...]]" give "\0", matching no section).
std::optional<std::string> TableHeader(const std::string& line) {
  std::string t = Trim(line);
  if (t.empty() || t[0] != '[') return std::nullopt;
  if (t.size() > 1 && t[1] == '[') return std::string(1, '\0');
  size_t close = t.find(']');
  if (close == std::string::npos) return std::nullopt;
  std::string rest = Trim(std::string_view(t).substr(close + 1));
  if (!rest.empty() && rest[0] != '#') return std::nullopt;
  return Trim(std::string_view(t).substr(1, close - 1));
}

// A key as TOML writes it: bare when it can be ("name"), else quoted
// ("'mine()'" is written "\"mine()\"").
std::string TomlKey(const std::string& leaf) {
  bool bare = !leaf.empty();
  for (unsigned char c : leaf) bare = bare && (std::isalnum(c) || c == '_' || c == '-');
  if (bare) return leaf;
  std::ostringstream os;
  os << toml::value<std::string>(leaf);
  return os.str();
}

bool IsKeyLine(const std::string& line, const std::string& bare_leaf) {
  std::string t = Trim(line);
  // The key as written: bare, "quoted" or 'literal'.
  for (const std::string& leaf : {TomlKey(bare_leaf), "'" + bare_leaf + "'"}) {
    if (t.rfind(leaf, 0) != 0) continue;
    std::string rest = Trim(std::string_view(t).substr(leaf.size()));
    if (!rest.empty() && rest[0] == '=') return true;
  }
  return false;
}

bool IsContent(const std::string& line) {
  std::string t = Trim(line);
  return !t.empty() && t[0] != '#';
}

}  // namespace

void ConfigFile::EditText(const std::string& section, const std::string& leaf,
                          const std::optional<std::string>& toml) {
  std::vector<std::string> lines;
  for (size_t start = 0; start < text_.size();) {
    size_t nl = text_.find('\n', start);
    if (nl == std::string::npos) nl = text_.size();
    lines.push_back(text_.substr(start, nl - start));
    start = nl + 1;
  }
  // The section's header line and the end of its body.
  std::optional<size_t> header, key_line;
  size_t end = lines.size();
  std::string current;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (auto h = TableHeader(lines[i])) {
      if (header && current == section) {
        end = i;
        break;
      }
      current = *h;
      if (current == section) header = i;
      continue;
    }
    if (header && current == section && !key_line && IsKeyLine(lines[i], leaf)) key_line = i;
  }
  std::string edited_line = toml ? TomlKey(leaf) + " = " + *toml : std::string();
  if (toml) {
    if (key_line) {
      lines[*key_line] = edited_line;
    } else if (header) {
      size_t at = end;
      while (at > *header + 1 && !IsContent(lines[at - 1])) --at;
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), edited_line);
    } else {
      if (!lines.empty() && IsContent(lines.back())) lines.push_back("");
      lines.push_back("[" + section + "]");
      lines.push_back(edited_line);
    }
  } else if (key_line) {
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(*key_line));
    --end;
    bool empty = true;
    for (size_t i = *header + 1; i < end; ++i) empty = empty && !IsContent(lines[i]);
    if (empty) {
      // The header and the section's comments go; blank lines before the
      // next section stay.
      size_t last = end;
      while (last > *header + 1 && Trim(lines[last - 1]).empty()) --last;
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(*header),
                  lines.begin() + static_cast<std::ptrdiff_t>(last));
      while (!lines.empty() && Trim(lines.back()).empty()) lines.pop_back();
    }
  }
  std::string edited;
  for (const auto& l : lines) edited += l + "\n";
  // Keep the edit only when it means exactly what the document now holds.
  toml::parse_result check = toml::parse(edited);
  if (check && check.table() == table_->t) {
    text_ = std::move(edited);
    return;
  }
  std::ostringstream os;
  os << table_->t;
  text_ = os.str();
  if (!text_.empty() && text_.back() != '\n') text_ += '\n';
}

Status ConfigFile::Save(Env* env) const {
  // A symlinked file (dotfile managers) is written through to its target.
  fs::path target = path_;
  std::error_code ec;
  if (fs::is_symlink(path_, ec)) {
    fs::path resolved = fs::canonical(path_, ec);
    if (!ec) target = resolved;
  }
  JVS_TRY(env->MkdirAll(target.parent_path()));
  return env->WriteFileAtomic(target, text_, /*sync=*/true);
}


}  // namespace jvs
