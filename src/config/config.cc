// Config: the settings in effect, from the user file, the repository file
// and the environment (later sources win), with where each value came from.
#include "jvs/config/config.h"

#include <algorithm>


namespace jvs {

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

std::map<std::string, std::string> Config::Table(std::string_view section) const {
  std::map<std::string, std::string> out;
  const std::string prefix = std::string(section) + ".";
  for (auto it = settings_.lower_bound(prefix); it != settings_.end() && it->first.starts_with(prefix); ++it)
    if (auto v = std::get_if<std::string>(&it->second.value)) out[it->first.substr(prefix.size())] = *v;
  return out;
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
