// Configuration: the typed keys jvs understands, TOML configuration files, and
// the merge of the user file, the repository file and environment overrides
// into one effective configuration.
//
// Files: the user file (~/.config/jvs/config.toml) and the repository file
// (ROOT/.jvs/config.toml). Precedence, lowest first: built-in default, user
// file, repository file, environment variable. This module is pure: it never
// reads the process environment or decides where files live; the caller (the
// CLI) passes the paths and the values of the environment variables named in
// `ConfigKeys()`. ConfigFile and Config are values; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "jvs/base/env.h"
#include "jvs/base/result.h"

namespace jvs {

enum class ConfigType { kString, kBool, kInt, kChoice, kStringList };

// One key jvs understands.
struct ConfigKey {
  std::string_view name;  // "section.key"
  ConfigType type;
  std::string_view description;           // one line
  std::vector<std::string_view> choices;  // kChoice: the accepted values
  std::string_view default_value;         // as text; empty: no default
  std::string_view env_var;               // environment override; empty: none
};

// Every key, in documentation order.
const std::vector<ConfigKey>& ConfigKeys();
// The key `name` names: a fixed key, or an open table's entry
// ("revset-aliases.mine()" finds "revset-aliases.*").
const ConfigKey* FindConfigKey(std::string_view name);
// Keys named "SECTION.*": tables whose entries the user names (revset
// aliases, named templates); every entry has the key's type.
bool IsOpenTableKey(const ConfigKey& key);
// Keys close to a misspelt `name` (edit distance, shared section), best first.
std::vector<std::string> SuggestConfigKeys(std::string_view name);
// "unknown configuration key 'X'" with a did-you-mean hint listing valid keys.
Error UnknownConfigKey(std::string_view name);

using ConfigValue = std::variant<std::string, bool, int64_t, std::vector<std::string>>;

// Parses text given on a command line into a value of `key`'s type (a list
// key takes every element). Errors (kInvalidArgument) say what is accepted.
Result<ConfigValue> ParseConfigValue(const ConfigKey& key, const std::vector<std::string>& text);
// The value as plain text: strings as they are, booleans true/false, lists
// one element a line.
std::string ConfigValueText(const ConfigValue& value);
// The value as TOML (strings quoted, lists in brackets).
std::string ConfigValueToml(const ConfigValue& value);

// One TOML configuration file. A missing file is an empty configuration.
class ConfigFile {
 public:
  ConfigFile();
  ~ConfigFile();
  ConfigFile(ConfigFile&&) noexcept;
  ConfigFile& operator=(ConfigFile&&) noexcept;

  // Reads and validates `path`. Syntax errors and known keys with a wrong
  // type fail with kInvalidArgument naming "path:line:column". Unknown keys
  // are kept (and written back) and reported by `warnings()`.
  static Result<ConfigFile> Load(Env* env, const fs::path& path);
  // Same, from text; `source` names it in messages.
  static Result<ConfigFile> Parse(std::string_view text, const fs::path& source);

  const fs::path& path() const { return path_; }
  bool exists() const { return exists_; }
  // Known keys set in this file, sorted by key.
  const std::map<std::string, ConfigValue>& values() const { return values_; }
  std::optional<ConfigValue> Get(std::string_view key) const;
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Sets or removes a known key; every other key (known or not) is kept, and
  // so are comments and layout where the edit is a simple line change (the
  // edited text is re-parsed and checked; otherwise the file is rewritten
  // from the parsed document, without comments).
  // `name` is the key's full name (an open table's entry: "SECTION.LEAF";
  // empty: key.name).
  Status Set(const ConfigKey& key, const ConfigValue& value, std::string_view name = {});
  // False when the key was not set.
  bool Unset(std::string_view key);

  // The file as TOML text (as it will be saved).
  std::string Serialize() const { return text_; }
  // Writes atomically (temp file + rename), creating parent directories.
  Status Save(Env* env) const;

 private:
  struct Table;  // the parsed TOML document (defined in config.cc)
  Status Validate();
  // Applies a change of `section.leaf` (nullopt: removal) to text_, already
  // applied to table_: edits the line in place when that reproduces table_.
  void EditText(const std::string& section, const std::string& leaf,
                const std::optional<std::string>& toml);

  fs::path path_;
  bool exists_ = false;
  std::unique_ptr<Table> table_;
  std::string text_;
  std::map<std::string, ConfigValue> values_;
  std::vector<std::string> warnings_;
};

// Where an effective value came from.
enum class ConfigOrigin { kDefault, kUser, kRepo, kEnv };
std::string_view ConfigOriginName(ConfigOrigin origin);  // default, user, repo, env

struct ConfigSetting {
  ConfigValue value;
  ConfigOrigin origin = ConfigOrigin::kDefault;
  std::string source;  // the file path, the environment variable, or "default"
};

// The inputs of a merge. `env` maps variable names (ConfigKey::env_var) to
// their values; absent or empty variables are simply not in it.
struct ConfigSources {
  std::optional<fs::path> user_file;
  std::optional<fs::path> repo_file;
  std::map<std::string, std::string> env;
};

// The effective configuration.
class Config {
 public:
  // Loads both files and applies the environment. Malformed files or
  // environment values fail with kInvalidArgument naming their source.
  static Result<Config> Load(Env* env, const ConfigSources& sources);

  // The effective setting of `key` (default included); nullopt when unset.
  std::optional<ConfigSetting> Get(std::string_view key) const;
  // Every key that has a value, default values included, sorted by key.
  const std::map<std::string, ConfigSetting>& settings() const { return settings_; }
  // Unknown keys and similar problems found in the files.
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Typed getters (nullopt when unset and without default).
  std::optional<std::string> user_name() const { return String("user.name"); }
  std::optional<std::string> user_email() const { return String("user.email"); }
  std::optional<std::string> engine() const { return String("core.engine"); }
  std::string conflict_style() const { return String("merge.conflict_style").value_or("diff"); }
  std::optional<int64_t> gc_keep_days() const { return Int("gc.keep_days"); }
  std::optional<int64_t> gc_keep_last() const { return Int("gc.keep_last"); }
  std::vector<std::string> ignore_patterns() const;
  std::string ui_color() const;  // auto | always | never
  bool ui_progress() const;

  std::optional<std::string> String(std::string_view key) const;
  std::optional<int64_t> Int(std::string_view key) const;
  std::optional<bool> Bool(std::string_view key) const;
  // The entries of an open table (`section` "revset-aliases"): leaf -> value,
  // each from the source that wins for it.
  std::map<std::string, std::string> Table(std::string_view section) const;

 private:
  std::map<std::string, ConfigSetting> settings_;
  std::vector<std::string> warnings_;
};

}  // namespace jvs
