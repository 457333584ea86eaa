// The configuration keys: their table (name, type, default, environment
// variable, description), checks and suggestions, and how a value is parsed
// from command-line text and printed back.
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

namespace config_internal {

std::string Problem(const ConfigKey& key, const ConfigValue& value) {
  auto single_line = [](const std::string& s) {
    return s.find_first_of("\n\r") == std::string::npos;
  };
  switch (key.type) {
    case ConfigType::kString: {
      const auto& s = std::get<std::string>(value);
      if (s.empty()) return std::string(key.name) + " must not be empty";
      // Named templates may span lines; everything else is one line.
      if (!single_line(s) && key.name != "templates.*")
        return std::string(key.name) + " must be a single line";
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
      // The current operation is always kept, so fewer than one means nothing.
      if (key.name == "gc.keep_last" && std::get<int64_t>(value) < 1)
        return "gc.keep_last must be 1 or more (the current operation is always kept)";
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


}  // namespace config_internal

using config_internal::Problem;
using config_internal::TypeName;

namespace {

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
       "Garbage collection keeps operations that ended within this many days",
       {},
       "",
       "JVS_GC_KEEP_DAYS"},
      {"gc.keep_last",
       ConfigType::kInt,
       "Garbage collection keeps this many newest operations of the op log (1 or more)",
       {},
       "",
       "JVS_GC_KEEP_LAST"},
      {"git.large_files",
       ConfigType::kChoice,
       "What git export does with files above git.lfs_threshold: include (default: plain blobs), lfs (pointer files, content under lfs/objects), skip",
       {"include", "lfs", "skip"},
       "",
       ""},
      {"git.lfs_threshold",
       ConfigType::kInt,
       "Files larger than this many bytes are large for git export (git.large_files; default 104857600)",
       {},
       "",
       ""},
      {"ignore.patterns",
       ConfigType::kStringList,
       "Ignore patterns applied before every workspace's .jvsignore (gitignore syntax)",
       {},
       "",
       ""},
      {"merge.conflict_style",
       ConfigType::kChoice,
       "How text conflicts are written into files: diff (default), snapshot, or git (diff3)",
       {"diff", "snapshot", "git"},
       "diff",
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
      {"revsets.history",
       ConfigType::kString,
       "The revset history lists without -r or --all (default: the worktree's line)",
       {},
       "",
       ""},
      {"revset-aliases.*",
       ConfigType::kString,
       "A revset alias: [revset-aliases] 'NAME' or 'NAME(ARGS)' = \"EXPRESSION\" (docs/revsets.md)",
       {},
       "",
       ""},
      {"templates.*",
       ConfigType::kString,
       "A named template: [templates] NAME = \"TEMPLATE\"",
       {},
       "",
       ""},
  };
  return keys;
}

const ConfigKey* FindConfigKey(std::string_view name) {
  for (const auto& k : ConfigKeys())
    if (k.name == name) return &k;
  // An open table ("revset-aliases.*"): any non-empty leaf of its section.
  size_t dot = name.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return nullptr;
  for (const auto& k : ConfigKeys())
    if (IsOpenTableKey(k) && k.name.substr(0, k.name.size() - 1) == name.substr(0, dot + 1)) return &k;
  return nullptr;
}

bool IsOpenTableKey(const ConfigKey& key) { return key.name.size() > 2 && key.name.ends_with(".*"); }

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
    return Error(ErrorCode::kInvalidArgument, std::move(what)).WithRemedy(Remedy::kShowConfigKeys);
  };
  if (key.type != ConfigType::kStringList && text.size() != 1)
    return bad(std::string(key.name) + " takes exactly one value (" + std::string(TypeName(key)) +
               ")");
  if (key.type == ConfigType::kStringList && text.empty())
    return bad(std::string(key.name) + " needs at least one value (or none at all: unset it)")
        .WithRemedy(Remedy::kUnsetConfig, std::string(key.name));
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


}  // namespace jvs
