#include "jvs/config/config.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <sstream>

// Errors are values here too: toml++ (header-only in this file) reports parse
// errors as a result instead of throwing.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

namespace jvs {

namespace {

// Per-key checks beyond the type (shared by files, the command line and the
// environment). Empty when `value` is acceptable.
std::string Problem(const ConfigKey& key, const ConfigValue& value) {
  auto single_line = [](const std::string& s) {
    return s.find_first_of("\n\r") == std::string::npos;
  };
  switch (key.type) {
    case ConfigType::kString: {
      const auto& s = std::get<std::string>(value);
      if (s.empty()) return std::string(key.name) + " must not be empty";
      if (!single_line(s)) return std::string(key.name) + " must be a single line";
      if (key.name == "user.name" && s.find_first_of("<>") != std::string::npos)
        return "user.name must not contain '<' or '>'";
      if (key.name == "user.email" &&
          (s.find('@') == std::string::npos || s.find_first_of("<> \t") != std::string::npos))
        return "user.email must look like name@example.com (got '" + s + "')";
      return {};
    }
    case ConfigType::kChoice: {
      const auto& s = std::get<std::string>(value);
      for (auto c : key.choices)
        if (c == s) return {};
      std::string list;
      for (auto c : key.choices) list += (list.empty() ? "" : ", ") + std::string(c);
      return std::string(key.name) + " must be one of " + list + " (got '" + s + "')";
    }
    case ConfigType::kInt:
      if (std::get<int64_t>(value) < 0) return std::string(key.name) + " must not be negative";
      return {};
    case ConfigType::kBool:
      return {};
    case ConfigType::kStringList:
      for (const auto& s : std::get<std::vector<std::string>>(value)) {
        if (s.empty()) return std::string(key.name) + " must not contain empty strings";
        if (!single_line(s)) return std::string(key.name) + " entries must be single lines";
      }
      return {};
  }
  return {};
}

std::string_view TypeName(const ConfigKey& key) {
  switch (key.type) {
    case ConfigType::kString:
      return "a string";
    case ConfigType::kBool:
      return "a boolean (true or false)";
    case ConfigType::kInt:
      return "a non-negative integer";
    case ConfigType::kChoice:
      return "a string";
    case ConfigType::kStringList:
      return "an array of strings";
  }
  return "a value";
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

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

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey> keys = {
      {"user.name",
       ConfigType::kString,
       "Author name recorded in snapshots and operations",
       {},
       "",
       "JVS_USER"},
      {"user.email",
       ConfigType::kString,
       "Author e-mail recorded in snapshots",
       {},
       "",
       "JVS_EMAIL"},
      {"core.engine",
       ConfigType::kChoice,
       "Clone engine to use instead of detecting one",
       {"reflink", "copy", "juicefs"},
       "",
       "JVS_ENGINE"},
      {"gc.keep_days",
       ConfigType::kInt,
       "Garbage collection keeps snapshots younger than this many days",
       {},
       "",
       "JVS_GC_KEEP_DAYS"},
      {"gc.keep_last",
       ConfigType::kInt,
       "Garbage collection keeps this many newest snapshots of each worktree",
       {},
       "",
       "JVS_GC_KEEP_LAST"},
      {"ignore.patterns",
       ConfigType::kStringList,
       "Ignore patterns applied before every workspace's .jvsignore (gitignore syntax)",
       {},
       "",
       ""},
      {"ui.color",
       ConfigType::kChoice,
       "Colour in terminal output",
       {"auto", "always", "never"},
       "auto",
       "JVS_COLOR"},
      {"ui.progress",
       ConfigType::kBool,
       "Progress bars for long commands on a terminal",
       {},
       "true",
       "JVS_PROGRESS"},
  };
  return keys;
}

const ConfigKey* FindConfigKey(std::string_view name) {
  for (const auto& k : ConfigKeys())
    if (k.name == name) return &k;
  return nullptr;
}

std::vector<std::string> SuggestConfigKeys(std::string_view name) {
  std::vector<std::pair<size_t, std::string>> scored;
  std::string_view leaf =
      name.substr(name.find('.') == std::string_view::npos ? 0 : name.find('.') + 1);
  for (const auto& k : ConfigKeys()) {
    std::string_view kleaf = k.name.substr(k.name.find('.') + 1);
    size_t d = std::min(EditDistance(name, k.name), EditDistance(leaf, kleaf));
    size_t limit = std::max<size_t>(2, std::min(name.size(), k.name.size()) / 3);
    if (d <= limit) scored.emplace_back(d, std::string(k.name));
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& [d, k] : scored) out.push_back(std::move(k));
  return out;
}

Error UnknownConfigKey(std::string_view name) {
  std::string valid;
  for (const auto& k : ConfigKeys()) valid += (valid.empty() ? "" : ", ") + std::string(k.name);
  auto near = SuggestConfigKeys(name);
  std::string hint = near.empty() ? "valid keys: " + valid
                                  : "did you mean '" + near[0] + "'? valid keys: " + valid;
  return Error(ErrorCode::kInvalidArgument, "unknown configuration key '" + std::string(name) + "'",
               hint);
}

Result<ConfigValue> ParseConfigValue(const ConfigKey& key, const std::vector<std::string>& text) {
  auto bad = [&](std::string what) {
    return Error(ErrorCode::kInvalidArgument, std::move(what),
                 "see 'jvs config --help' for the keys and their types");
  };
  if (key.type != ConfigType::kStringList && text.size() != 1)
    return bad(std::string(key.name) + " takes exactly one value (" + std::string(TypeName(key)) +
               ")");
  if (key.type == ConfigType::kStringList && text.empty())
    return bad(std::string(key.name) + " needs at least one value; 'jvs config unset " +
               std::string(key.name) + "' clears it");
  ConfigValue v;
  switch (key.type) {
    case ConfigType::kString:
    case ConfigType::kChoice:
      v = text[0];
      break;
    case ConfigType::kBool: {
      std::string s = text[0];
      std::transform(s.begin(), s.end(), s.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (s == "true" || s == "yes" || s == "on" || s == "1")
        v = true;
      else if (s == "false" || s == "no" || s == "off" || s == "0")
        v = false;
      else
        return bad(std::string(key.name) + " must be true or false (got '" + text[0] + "')");
      break;
    }
    case ConfigType::kInt: {
      const std::string& s = text[0];
      int64_t n = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (s.empty() || ec != std::errc() || p != s.data() + s.size())
        return bad(std::string(key.name) + " must be " + std::string(TypeName(key)) + " (got '" +
                   s + "')");
      v = n;
      break;
    }
    case ConfigType::kStringList:
      v = text;
      break;
  }
  std::string problem = Problem(key, v);
  if (!problem.empty()) return bad(problem);
  return v;
}

std::string ConfigValueText(const ConfigValue& value) {
  if (auto s = std::get_if<std::string>(&value)) return *s;
  if (auto b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (auto i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  std::string out;
  for (const auto& s : std::get<std::vector<std::string>>(value))
    out += (out.empty() ? "" : "\n") + s;
  return out;
}

std::string ConfigValueToml(const ConfigValue& value) {
  std::ostringstream os;
  if (auto s = std::get_if<std::string>(&value)) {
    os << toml::value<std::string>(*s);
  } else if (auto b = std::get_if<bool>(&value)) {
    os << (*b ? "true" : "false");
  } else if (auto i = std::get_if<int64_t>(&value)) {
    os << *i;
  } else {
    toml::array arr;
    for (const auto& s : std::get<std::vector<std::string>>(value)) arr.push_back(s);
    os << arr;
  }
  return os.str();
}

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
      std::string fix =
          "fix it in '" + path_.string() + "', or remove it with 'jvs config unset " + name + "'";
      auto v = FromNode(*key, value);
      if (!v)
        return Error(ErrorCode::kInvalidArgument,
                     "configuration file " + Where(path_, value.source()) + ": " + name +
                         " must be " + std::string(TypeName(*key)),
                     fix);
      std::string problem = Problem(*key, *v);
      if (!problem.empty())
        return Error(ErrorCode::kInvalidArgument,
                     "configuration file " + Where(path_, value.source()) + ": " + problem, fix);
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

Status ConfigFile::Set(const ConfigKey& key, const ConfigValue& value) {
  std::string problem = Problem(key, value);
  if (!problem.empty()) return Error(ErrorCode::kInvalidArgument, problem);
  auto [section, leaf] = SplitKey(key.name);
  toml::node* existing = table_->t.get(section);
  if (existing && !existing->is_table())
    return Error(ErrorCode::kInvalidArgument,
                 "cannot set " + std::string(key.name) + ": '" + section + "' in '" +
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
  values_[std::string(key.name)] = value;
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

bool IsKeyLine(const std::string& line, const std::string& leaf) {
  std::string t = Trim(line);
  if (t.rfind(leaf, 0) != 0) return false;
  std::string rest = Trim(std::string_view(t).substr(leaf.size()));
  return !rest.empty() && rest[0] == '=';
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
  std::string edited_line = toml ? leaf + " = " + *toml : std::string();
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

// ---------------------------------------------------------------- Config

std::string_view ConfigOriginName(ConfigOrigin origin) {
  switch (origin) {
    case ConfigOrigin::kDefault:
      return "default";
    case ConfigOrigin::kUser:
      return "user";
    case ConfigOrigin::kRepo:
      return "repo";
    case ConfigOrigin::kEnv:
      return "env";
  }
  return "default";
}

Result<Config> Config::Load(Env* env, const ConfigSources& sources) {
  Config c;
  for (const auto& k : ConfigKeys()) {
    if (k.default_value.empty()) continue;
    auto v = ParseConfigValue(k, {std::string(k.default_value)});
    if (!v.ok()) return Error(ErrorCode::kInternal, "bad default for " + std::string(k.name));
    c.settings_[std::string(k.name)] = ConfigSetting{*v, ConfigOrigin::kDefault, "default"};
  }
  auto load = [&](const std::optional<fs::path>& path, ConfigOrigin origin) -> Status {
    if (!path) return OkStatus();
    JVS_ASSIGN_OR_RETURN(ConfigFile f, ConfigFile::Load(env, *path));
    for (const auto& [k, v] : f.values()) c.settings_[k] = ConfigSetting{v, origin, path->string()};
    for (const auto& w : f.warnings()) c.warnings_.push_back(w);
    return OkStatus();
  };
  JVS_TRY(load(sources.user_file, ConfigOrigin::kUser));
  JVS_TRY(load(sources.repo_file, ConfigOrigin::kRepo));
  for (const auto& k : ConfigKeys()) {
    if (k.env_var.empty()) continue;
    auto it = sources.env.find(std::string(k.env_var));
    if (it == sources.env.end() || it->second.empty()) continue;
    auto v = ParseConfigValue(k, {it->second});
    if (!v.ok())
      return Error(ErrorCode::kInvalidArgument, std::string(k.env_var) + ": " + v.error().message(),
                   "fix or unset the environment variable " + std::string(k.env_var));
    c.settings_[std::string(k.name)] =
        ConfigSetting{*v, ConfigOrigin::kEnv, std::string(k.env_var)};
  }
  return c;
}

std::optional<ConfigSetting> Config::Get(std::string_view key) const {
  auto it = settings_.find(std::string(key));
  if (it == settings_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Config::String(std::string_view key) const {
  auto s = Get(key);
  if (!s) return std::nullopt;
  if (auto v = std::get_if<std::string>(&s->value)) return *v;
  return std::nullopt;
}

std::optional<int64_t> Config::Int(std::string_view key) const {
  auto s = Get(key);
  if (!s) return std::nullopt;
  if (auto v = std::get_if<int64_t>(&s->value)) return *v;
  return std::nullopt;
}

std::optional<bool> Config::Bool(std::string_view key) const {
  auto s = Get(key);
  if (!s) return std::nullopt;
  if (auto v = std::get_if<bool>(&s->value)) return *v;
  return std::nullopt;
}

std::vector<std::string> Config::ignore_patterns() const {
  auto s = Get("ignore.patterns");
  if (!s) return {};
  if (auto v = std::get_if<std::vector<std::string>>(&s->value)) return *v;
  return {};
}

std::string Config::ui_color() const { return String("ui.color").value_or("auto"); }
bool Config::ui_progress() const { return Bool("ui.progress").value_or(true); }

}  // namespace jvs
