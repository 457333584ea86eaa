// config get | set | unset | list | path: the TOML configuration files.
#include "commands.h"

namespace jvs::cli {

namespace {

enum class Scope { kDefault, kUser, kRepo };

struct ScopeFlags {
  bool user = false;
  bool repo = false;
  Scope scope() const { return user ? Scope::kUser : repo ? Scope::kRepo : Scope::kDefault; }
};

void AddScopeFlags(CLI::App* cmd, ScopeFlags& f, const std::string& what) {
  auto* u = cmd->add_flag("--user", f.user, what + " the user file (~/.config/jvs/config.toml)");
  auto* r = cmd->add_flag("--repo", f.repo, what + " the repository file (.jvs/config.toml)");
  u->excludes(r);
}

std::string ScopeName(Scope s) { return s == Scope::kUser ? "user" : "repo"; }

// The file a scoped command reads or writes. kDefault: the repository file
// inside a repository, the user file outside.
fs::path FileFor(Context& ctx, Scope scope) {
  if (scope != Scope::kUser) {
    if (auto p = ctx.RepoConfigPath()) return *p;
    if (scope == Scope::kRepo)
      Fail(ErrorCode::kNotARepository, "--repo: not inside a jvs repository",
           "run the command inside a repository or one of its worktrees (or give its path with -R "
           "PATH before "
           "'config'); --user writes the user file");
  }
  auto p = ctx.UserConfigPath();
  if (!p)
    Fail(ErrorCode::kNotFound,
         "no user configuration file: neither XDG_CONFIG_HOME nor HOME is set",
         "set HOME, or use --repo inside a repository");
  return *p;
}

Scope Resolved(Context& ctx, Scope scope) {
  if (scope != Scope::kDefault) return scope;
  return ctx.RepoConfigPath() ? Scope::kRepo : Scope::kUser;
}

json ValueJson(const ConfigValue& v) {
  if (auto s = std::get_if<std::string>(&v)) return *s;
  if (auto b = std::get_if<bool>(&v)) return *b;
  if (auto i = std::get_if<int64_t>(&v)) return *i;
  return std::get<std::vector<std::string>>(v);
}

const ConfigKey& KnownKey(const std::string& name) {
  const ConfigKey* key = FindConfigKey(name);
  if (!key) throw CommandError{UnknownConfigKey(name)};
  return *key;
}

std::string KeyList() {
  std::string out;
  size_t width = 0;
  for (const auto& k : ConfigKeys()) width = std::max(width, k.name.size());
  for (const auto& k : ConfigKeys()) {
    std::string type;
    switch (k.type) {
      case ConfigType::kString:
        type = "string";
        break;
      case ConfigType::kBool:
        type = "bool";
        break;
      case ConfigType::kInt:
        type = "integer";
        break;
      case ConfigType::kStringList:
        type = "list of strings";
        break;
      case ConfigType::kChoice:
        for (auto c : k.choices) type += (type.empty() ? "" : "|") + std::string(c);
        break;
    }
    std::string line = "  " + std::string(k.name);
    line.resize(width + 3, ' ');
    line += type;
    if (!k.default_value.empty()) line += " (default " + std::string(k.default_value) + ")";
    if (!k.env_var.empty()) line += "; env " + std::string(k.env_var);
    out += line + "\n";
  }
  return out;
}

}  // namespace

void RegisterConfig(CLI::App& app, Context& ctx) {
  auto* config = app.add_subcommand(
      "config", "Read and write settings in the user and repository configuration files");
  config->require_subcommand(1);
  config->footer("Keys:\n" + KeyList() +
                 "Precedence: environment > repository (.jvs/config.toml) > user "
                 "(~/.config/jvs/config.toml) > "
                 "default.");

  struct GetOpts {
    std::string key;
    ScopeFlags scope;
  };
  auto go = std::make_shared<GetOpts>();
  auto* get = config->add_subcommand(
      "get", "Print the effective value of KEY (one element a line for lists)");
  get->add_option("KEY", go->key, "Configuration key, e.g. user.name")->required();
  AddScopeFlags(get, go->scope, "Only read");
  get->callback([&ctx, go] {
    ctx.RejectPaths();
    (void)KnownKey(go->key);
    const std::string& name = go->key;
    std::optional<ConfigSetting> setting;
    Scope scope = go->scope.scope();
    if (scope == Scope::kDefault) {
      Check(ctx.LoadConfig());
      setting = ctx.config.Get(name);
    } else {
      fs::path file = FileFor(ctx, scope);
      auto f = Check(ConfigFile::Load(Env::Default(), file));
      if (auto v = f.Get(name))
        setting = ConfigSetting{
            *v, scope == Scope::kUser ? ConfigOrigin::kUser : ConfigOrigin::kRepo, file.string()};
    }
    if (!setting)
      Fail(ErrorCode::kNotFound, name + " is not set",
           "set it with 'jvs config set " + name + " VALUE'");
    if (ctx.g.json) {
      ctx.PrintJson({{"key", name},
                     {"value", ValueJson(setting->value)},
                     {"origin", ConfigOriginName(setting->origin)},
                     {"source", setting->source}});
      return;
    }
    std::string text = ConfigValueText(setting->value);
    ctx.Out(text.empty() ? "" : text + "\n");
  });

  struct SetOpts {
    std::string key;
    std::vector<std::string> values;
    ScopeFlags scope;
  };
  auto so = std::make_shared<SetOpts>();
  auto* set = config->add_subcommand(
      "set", "Set KEY to VALUE in the repository file (inside a repository) or the user file");
  set->add_option("KEY", so->key, "Configuration key, e.g. user.name")->required();
  set->add_option("VALUE", so->values, "The value (several for a list key such as ignore.patterns)")
      ->required();
  AddScopeFlags(set, so->scope, "Write");
  set->callback([&ctx, so] {
    ctx.RejectPaths();
    const ConfigKey& key = KnownKey(so->key);
    ConfigValue value = Check(ParseConfigValue(key, so->values));
    Scope scope = Resolved(ctx, so->scope.scope());
    fs::path file = FileFor(ctx, scope);
    auto f = Check(ConfigFile::Load(Env::Default(), file));
    Check(f.Set(key, value, so->key));
    Check(f.Save(Env::Default()));
    for (const auto& w : f.warnings()) ctx.Warn(w);
    if (!key.env_var.empty()) {
      const char* env = std::getenv(std::string(key.env_var).c_str());
      if (env && *env)
        ctx.Warn(std::string(key.env_var) + " is set in the environment and overrides this value");
    }
    if (scope == Scope::kUser) {
      if (auto repo_file = ctx.RepoConfigPath()) {
        auto rf = ConfigFile::Load(Env::Default(), *repo_file);
        if (rf.ok() && rf->Get(so->key))
          ctx.Warn("the repository file " + repo_file->string() + " also sets " +
                   so->key + " and overrides this value here");
      }
    }
    if (ctx.g.json) {
      ctx.PrintJson({{"key", so->key},
                     {"value", ValueJson(value)},
                     {"scope", ScopeName(scope)},
                     {"file", file.string()}});
      return;
    }
    ctx.Out("Set " + so->key + " = " + ConfigValueToml(value) + " in " +
            file.string() + " (" + ScopeName(scope) + ")\n");
  });

  struct UnsetOpts {
    std::string key;
    ScopeFlags scope;
  };
  auto uo = std::make_shared<UnsetOpts>();
  auto* unset = config->add_subcommand(
      "unset", "Remove KEY from the repository file (inside a repository) or the user file");
  unset->add_option("KEY", uo->key, "Configuration key")->required();
  AddScopeFlags(unset, uo->scope, "Write");
  unset->callback([&ctx, uo] {
    ctx.RejectPaths();
    Scope scope = Resolved(ctx, uo->scope.scope());
    fs::path file = FileFor(ctx, scope);
    auto f = Check(ConfigFile::Load(Env::Default(), file));
    // An unknown key that is in the file can be removed (a stale setting).
    if (!FindConfigKey(uo->key) && !f.Unset(uo->key)) throw CommandError{UnknownConfigKey(uo->key)};
    if (FindConfigKey(uo->key) && !f.Unset(uo->key))
      Fail(ErrorCode::kNotFound, uo->key + " is not set in " + file.string(),
           "'jvs config list --show-origin' shows where each value comes from");
    Check(f.Save(Env::Default()));
    if (ctx.g.json) {
      ctx.PrintJson({{"key", uo->key},
                     {"scope", ScopeName(scope)},
                     {"file", file.string()},
                     {"removed", true}});
      return;
    }
    ctx.Out("Removed " + uo->key + " from " + file.string() + " (" + ScopeName(scope) + ")\n");
  });

  struct ListOpts {
    bool show_origin = false;
    ScopeFlags scope;
  };
  auto lo = std::make_shared<ListOpts>();
  auto* list =
      config->add_subcommand("list", "Every key that has a value (defaults included), sorted");
  list->alias("ls");
  list->alias("show");  // the original JVS's name
  list->add_flag("--show-origin", lo->show_origin,
                 "Show where each value comes from (file, variable or default)");
  AddScopeFlags(list, lo->scope, "Only list");
  list->callback([&ctx, lo] {
    ctx.RejectPaths();
    std::map<std::string, ConfigSetting> settings;
    Scope scope = lo->scope.scope();
    if (scope == Scope::kDefault) {
      Check(ctx.LoadConfig());
      settings = ctx.config.settings();
    } else {
      fs::path file = FileFor(ctx, scope);
      auto f = Check(ConfigFile::Load(Env::Default(), file));
      for (const auto& w : f.warnings()) ctx.Warn(w);
      for (const auto& [k, v] : f.values())
        settings[k] = ConfigSetting{
            v, scope == Scope::kUser ? ConfigOrigin::kUser : ConfigOrigin::kRepo, file.string()};
    }
    if (ctx.g.json) {
      json arr = json::array();
      for (const auto& [k, s] : settings)
        arr.push_back({{"key", k},
                       {"value", ValueJson(s.value)},
                       {"origin", ConfigOriginName(s.origin)},
                       {"source", s.source}});
      ctx.PrintJson(arr);
      return;
    }
    std::string out;
    for (const auto& [k, s] : settings) {
      if (lo->show_origin) {
        std::string origin(ConfigOriginName(s.origin));
        if (s.origin != ConfigOrigin::kDefault) origin += ":" + s.source;
        out += origin + "\t";
      }
      out += k + " = " + ConfigValueToml(s.value) + "\n";
    }
    ctx.Out(out);
  });

  auto po = std::make_shared<ScopeFlags>();
  auto* path = config->add_subcommand(
      "path", "Print the path of the configuration file that 'config set' would write");
  AddScopeFlags(path, *po, "Print");
  path->callback([&ctx, po] {
    ctx.RejectPaths();
    Scope scope = Resolved(ctx, po->scope());
    fs::path file = FileFor(ctx, scope);
    if (ctx.g.json) {
      std::error_code ec;
      ctx.PrintJson(
          {{"scope", ScopeName(scope)}, {"file", file.string()}, {"exists", fs::exists(file, ec)}});
      return;
    }
    ctx.Out(file.string() + "\n");
  });

  for (auto* sub : config->get_subcommands({})) sub->fallthrough();
  config->fallthrough();
}

}  // namespace jvs::cli
