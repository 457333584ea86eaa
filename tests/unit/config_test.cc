#include "jvs/config/config.h"

#include <gtest/gtest.h>

#include "remedy.h"
#include "test_util.h"

namespace jvs {
namespace {
using jvs::testing::Contains;

using jvs::testing::ReadFile;
using jvs::testing::TempDir;
using jvs::testing::WriteFile;

ConfigFile MustParse(std::string_view text) {
  auto f = ConfigFile::Parse(text, "/cfg/config.toml");
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message());
  return f.ok() ? std::move(*f) : ConfigFile();
}

TEST(ConfigKeys, EveryKeyIsFoundAndHasADescription) {
  ASSERT_FALSE(ConfigKeys().empty());
  for (const auto& k : ConfigKeys()) {
    EXPECT_EQ(FindConfigKey(k.name), &k);
    EXPECT_FALSE(k.description.empty()) << k.name;
    EXPECT_NE(k.name.find('.'), std::string_view::npos) << k.name;
    if (!k.default_value.empty()) {
      EXPECT_TRUE(ParseConfigValue(k, {std::string(k.default_value)}).ok()) << k.name;
    }
  }
  EXPECT_EQ(FindConfigKey("user.nam"), nullptr);
}

TEST(ConfigKeys, SuggestionsForMisspeltKeys) {
  auto first = [](std::string_view name) {
    auto s = SuggestConfigKeys(name);
    return s.empty() ? std::string("<none>") : s[0];
  };
  EXPECT_EQ(first("user.nme"), "user.name");
  EXPECT_EQ(first("user.mail"), "user.email");
  EXPECT_EQ(first("color"), "ui.color");
  EXPECT_EQ(first("core.engin"), "core.engine");
  EXPECT_EQ(first("gc.keepdays"), "gc.keep_days");
  EXPECT_EQ(first("zzzzzzzzzzzz"), "<none>");
  Error e = UnknownConfigKey("user.nme");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Contains(e.message(), "'user.nme'")) << e.message();
  EXPECT_TRUE(Contains(e.hint(), "did you mean 'user.name'?")) << e.hint();
  for (const auto& k : ConfigKeys())
    EXPECT_TRUE(Contains(e.hint(), std::string(k.name))) << e.hint();
}

TEST(ConfigValue, ParsesEachTypeFromText) {
  const ConfigKey& progress = *FindConfigKey("ui.progress");
  for (const char* t : {"true", "yes", "On", "1"})
    EXPECT_EQ(std::get<bool>(*ParseConfigValue(progress, {t})), true) << t;
  for (const char* t : {"false", "no", "OFF", "0"})
    EXPECT_EQ(std::get<bool>(*ParseConfigValue(progress, {t})), false) << t;
  EXPECT_FALSE(ParseConfigValue(progress, {"maybe"}).ok());
  EXPECT_FALSE(ParseConfigValue(progress, {"true", "false"}).ok());

  const ConfigKey& days = *FindConfigKey("gc.keep_days");
  EXPECT_EQ(std::get<int64_t>(*ParseConfigValue(days, {"30"})), 30);
  EXPECT_FALSE(ParseConfigValue(days, {"-1"}).ok());
  EXPECT_FALSE(ParseConfigValue(days, {"3d"}).ok());
  EXPECT_FALSE(ParseConfigValue(days, {""}).ok());
  EXPECT_FALSE(ParseConfigValue(days, {"99999999999999999999999"}).ok());

  const ConfigKey& engine = *FindConfigKey("core.engine");
  EXPECT_EQ(std::get<std::string>(*ParseConfigValue(engine, {"copy"})), "copy");
  auto bad = ParseConfigValue(engine, {"fast"});
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(Contains(bad.error().message(), "reflink, copy, juicefs")) << bad.error().message();

  const ConfigKey& email = *FindConfigKey("user.email");
  EXPECT_TRUE(ParseConfigValue(email, {"ada@example.com"}).ok());
  EXPECT_FALSE(ParseConfigValue(email, {"ada"}).ok());
  EXPECT_FALSE(ParseConfigValue(email, {"<ada@example.com>"}).ok());
  EXPECT_FALSE(ParseConfigValue(*FindConfigKey("user.name"), {"a\nb"}).ok());
  EXPECT_FALSE(ParseConfigValue(*FindConfigKey("user.name"), {""}).ok());

  const ConfigKey& patterns = *FindConfigKey("ignore.patterns");
  auto list = ParseConfigValue(patterns, {"*.tmp", "cache/"});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(std::get<std::vector<std::string>>(*list),
            (std::vector<std::string>{"*.tmp", "cache/"}));
  EXPECT_FALSE(ParseConfigValue(patterns, {}).ok());
  EXPECT_FALSE(ParseConfigValue(patterns, {""}).ok());

  EXPECT_EQ(ConfigValueText(ConfigValue(true)), "true");
  EXPECT_EQ(ConfigValueText(ConfigValue(int64_t{7})), "7");
  EXPECT_EQ(ConfigValueText(*list), "*.tmp\ncache/");
  EXPECT_EQ(ConfigValueToml(ConfigValue(std::string("plain"))), "'plain'");
  EXPECT_EQ(ConfigValueToml(ConfigValue(std::string("it's"))), "\"it's\"");
  EXPECT_EQ(ConfigValueToml(*list), "[ '*.tmp', 'cache/' ]");
}

TEST(ConfigFile, ParsesKnownKeysWithTheirTypes) {
  ConfigFile f = MustParse(R"(
[user]
name = "Ada Lovelace"
email = "ada@example.com"
[core]
engine = "copy"
[gc]
keep_days = 30
keep_last = 5
[ignore]
patterns = ["*.tmp", "cache/"]
[ui]
color = "never"
progress = false
)");
  EXPECT_EQ(f.values().size(), 8u);
  EXPECT_EQ(std::get<std::string>(*f.Get("user.name")), "Ada Lovelace");
  EXPECT_EQ(std::get<int64_t>(*f.Get("gc.keep_days")), 30);
  EXPECT_EQ(std::get<bool>(*f.Get("ui.progress")), false);
  EXPECT_EQ(std::get<std::vector<std::string>>(*f.Get("ignore.patterns")).size(), 2u);
  EXPECT_TRUE(f.warnings().empty());
  // Dotted keys are the same keys.
  ConfigFile g = MustParse("user.name = \"Bob\"\nui.color = \"always\"\n");
  EXPECT_EQ(std::get<std::string>(*g.Get("user.name")), "Bob");
  EXPECT_EQ(std::get<std::string>(*g.Get("ui.color")), "always");
}

TEST(ConfigFile, SyntaxErrorNamesFileLineAndColumn) {
  auto f = ConfigFile::Parse("[user]\nname = \"Ada\"\nemail = ada@example.com\n",
                             "/home/a/.config/jvs/config.toml");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Contains(f.error().message(), "/home/a/.config/jvs/config.toml:3:"))
      << f.error().message();
  EXPECT_FALSE(jvs::cli::FullHint(f.error()).empty());
}

TEST(ConfigFile, WrongTypeIsAnErrorWithItsLine) {
  auto f = ConfigFile::Parse("[gc]\nkeep_days = \"thirty\"\n", "/r/.jvs/config.toml");
  ASSERT_FALSE(f.ok());
  EXPECT_TRUE(Contains(f.error().message(), "/r/.jvs/config.toml:2:")) << f.error().message();
  EXPECT_TRUE(Contains(f.error().message(), "gc.keep_days must be a non-negative integer"))
      << f.error().message();
  EXPECT_TRUE(Contains(jvs::cli::FullHint(f.error()), "jvs config unset gc.keep_days")) << jvs::cli::FullHint(f.error());

  auto g = ConfigFile::Parse("[core]\nengine = \"turbo\"\n", "/r/.jvs/config.toml");
  ASSERT_FALSE(g.ok());
  EXPECT_TRUE(Contains(g.error().message(), "must be one of reflink, copy, juicefs"))
      << g.error().message();
  EXPECT_FALSE(ConfigFile::Parse("[ignore]\npatterns = \"*.tmp\"\n", "c").ok());
  EXPECT_FALSE(ConfigFile::Parse("[ignore]\npatterns = [1, 2]\n", "c").ok());
  EXPECT_FALSE(ConfigFile::Parse("[gc]\nkeep_last = -3\n", "c").ok());
}

TEST(ConfigFile, UnknownKeysAreWarningsAndKept) {
  ConfigFile f = MustParse("top = 1\n[user]\nnme = \"x\"\n[plugin]\nsetting = true\n");
  EXPECT_TRUE(f.values().empty());
  ASSERT_EQ(f.warnings().size(), 3u);
  std::string all = f.warnings()[0] + f.warnings()[1] + f.warnings()[2];
  EXPECT_TRUE(Contains(all, "'user.nme'")) << all;
  EXPECT_TRUE(Contains(all, "did you mean 'user.name'?")) << all;
  EXPECT_TRUE(Contains(all, "/cfg/config.toml:3:")) << all;
  ASSERT_TRUE(f.Set(*FindConfigKey("user.name"), ConfigValue(std::string("Ada"))).ok());
  std::string text = f.Serialize();
  EXPECT_TRUE(Contains(text, "top = 1")) << text;
  EXPECT_TRUE(Contains(text, "nme = ")) << text;
  EXPECT_TRUE(Contains(text, "setting = true")) << text;
  EXPECT_TRUE(Contains(text, "name = ")) << text;
}

TEST(ConfigFile, SetAndUnsetKeepOtherKeysAndRoundTrip) {
  ConfigFile f = MustParse("[user]\nname = \"Ada\"\n[ui]\ncolor = \"never\"\n");
  ASSERT_TRUE(f.Set(*FindConfigKey("gc.keep_last"), ConfigValue(int64_t{10})).ok());
  ASSERT_TRUE(
      f.Set(*FindConfigKey("ignore.patterns"), ConfigValue(std::vector<std::string>{"a", "b c"}))
          .ok());
  ASSERT_TRUE(
      f.Set(*FindConfigKey("user.name"), ConfigValue(std::string("Ada \"The\" Countess"))).ok());
  EXPECT_FALSE(f.Set(*FindConfigKey("core.engine"), ConfigValue(std::string("fast"))).ok());
  ConfigFile g = MustParse(f.Serialize());
  EXPECT_EQ(g.values(), f.values());
  EXPECT_EQ(std::get<std::string>(*g.Get("user.name")), "Ada \"The\" Countess");
  EXPECT_EQ(std::get<std::string>(*g.Get("ui.color")), "never");
  EXPECT_TRUE(g.Unset("ui.color"));
  EXPECT_FALSE(g.Unset("ui.color"));
  EXPECT_FALSE(g.Unset("core.engine"));
  EXPECT_FALSE(Contains(g.Serialize(), "[ui]")) << g.Serialize();  // empty tables go too
  // A section that is not a table cannot take a key.
  ConfigFile h = MustParse("user = 3\n");
  EXPECT_FALSE(h.Set(*FindConfigKey("user.name"), ConfigValue(std::string("x"))).ok());
}

TEST(ConfigFile, EditsKeepCommentsAndLayout) {
  ConfigFile f = MustParse(
      "# my jvs settings\n[user]\nname = \"Ada\"  # me\n\n# colours\n[ui]\ncolor = \"never\"\n");
  ASSERT_TRUE(f.Set(*FindConfigKey("user.name"), ConfigValue(std::string("Bob"))).ok());
  EXPECT_EQ(f.Serialize(),
            "# my jvs settings\n[user]\nname = 'Bob'\n\n# colours\n[ui]\ncolor = \"never\"\n");
  ASSERT_TRUE(f.Set(*FindConfigKey("user.email"), ConfigValue(std::string("b@example.com"))).ok());
  ASSERT_TRUE(f.Set(*FindConfigKey("gc.keep_days"), ConfigValue(int64_t{3})).ok());
  EXPECT_EQ(f.Serialize(),
            "# my jvs settings\n[user]\nname = 'Bob'\nemail = 'b@example.com'\n\n# colours\n[ui]\n"
            "color = \"never\"\n\n[gc]\nkeep_days = 3\n");
  EXPECT_TRUE(f.Unset("ui.color"));
  EXPECT_EQ(f.Serialize(),
            "# my jvs settings\n[user]\nname = 'Bob'\nemail = 'b@example.com'\n\n# "
            "colours\n\n[gc]\nkeep_days = 3\n");
  ConfigFile back = MustParse(f.Serialize());
  EXPECT_EQ(back.values(), f.values());
  // Dotted keys cannot be edited line by line: the file is rewritten, still right.
  ConfigFile d = MustParse("# dotted\nuser.name = \"Ada\"\n");
  ASSERT_TRUE(d.Set(*FindConfigKey("user.email"), ConfigValue(std::string("a@example.com"))).ok());
  ConfigFile dback = MustParse(d.Serialize());
  EXPECT_EQ(dback.values(), d.values());
  EXPECT_EQ(dback.values().size(), 2u);
}

TEST(ConfigFile, LoadMissingIsEmptyAndSaveIsAtomicThroughSymlinks) {
  TempDir tmp;
  Env* env = Env::Default();
  auto missing = ConfigFile::Load(env, tmp / "nope/config.toml");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->exists());
  EXPECT_TRUE(missing->values().empty());
  ASSERT_TRUE(missing->Set(*FindConfigKey("user.name"), ConfigValue(std::string("Ada"))).ok());
  ASSERT_TRUE(missing->Save(env).ok());
  auto back = ConfigFile::Load(env, tmp / "nope/config.toml");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->exists());
  EXPECT_EQ(std::get<std::string>(*back->Get("user.name")), "Ada");
  // No temp files are left beside it.
  size_t n = 0;
  for (auto& e : fs::directory_iterator(tmp / "nope")) n += e.path().filename() != "config.toml";
  EXPECT_EQ(n, 0u);

  WriteFile(tmp / "dotfiles/jvs.toml", "[ui]\ncolor = \"never\"\n");
  fs::create_directories(tmp / "link");
  fs::create_symlink(tmp / "dotfiles/jvs.toml", tmp / "link/config.toml");
  auto linked = ConfigFile::Load(env, tmp / "link/config.toml");
  ASSERT_TRUE(linked.ok());
  ASSERT_TRUE(linked->Set(*FindConfigKey("ui.progress"), ConfigValue(false)).ok());
  ASSERT_TRUE(linked->Save(env).ok());
  EXPECT_TRUE(fs::is_symlink(tmp / "link/config.toml"));
  EXPECT_TRUE(Contains(ReadFile(tmp / "dotfiles/jvs.toml"), "progress = false"));
  EXPECT_TRUE(Contains(ReadFile(tmp / "dotfiles/jvs.toml"), "color = \"never\""));
}

TEST(Config, RepositoryOverridesUserAndEnvironmentOverridesBoth) {
  TempDir tmp;
  WriteFile(tmp / "user.toml",
            "[user]\nname = \"User\"\nemail = \"u@example.com\"\n[core]\nengine = \"reflink\"\n");
  WriteFile(tmp / "repo.toml", "[user]\nname = \"Repo\"\n[gc]\nkeep_days = 7\n");
  ConfigSources src;
  src.user_file = tmp / "user.toml";
  src.repo_file = tmp / "repo.toml";
  auto c = Config::Load(Env::Default(), src);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->user_name(), "Repo");
  EXPECT_EQ(c->user_email(), "u@example.com");
  EXPECT_EQ(c->engine(), "reflink");
  EXPECT_EQ(c->gc_keep_days(), 7);
  EXPECT_EQ(c->gc_keep_last(), std::nullopt);
  EXPECT_EQ(c->ui_color(), "auto");
  EXPECT_TRUE(c->ui_progress());
  EXPECT_TRUE(c->ignore_patterns().empty());
  EXPECT_EQ(c->Get("user.name")->origin, ConfigOrigin::kRepo);
  EXPECT_EQ(c->Get("user.name")->source, (tmp / "repo.toml").string());
  EXPECT_EQ(c->Get("user.email")->origin, ConfigOrigin::kUser);
  EXPECT_EQ(c->Get("ui.color")->origin, ConfigOrigin::kDefault);

  src.env = {
      {"JVS_USER", "Env"}, {"JVS_ENGINE", "copy"}, {"JVS_GC_KEEP_LAST", "3"}, {"JVS_PROGRESS", ""}};
  c = Config::Load(Env::Default(), src);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->user_name(), "Env");
  EXPECT_EQ(c->Get("user.name")->origin, ConfigOrigin::kEnv);
  EXPECT_EQ(c->Get("user.name")->source, "JVS_USER");
  EXPECT_EQ(c->engine(), "copy");
  EXPECT_EQ(c->gc_keep_last(), 3);
  EXPECT_TRUE(c->ui_progress());  // an empty variable is unset

  src.env = {{"JVS_GC_KEEP_DAYS", "a week"}};
  auto bad = Config::Load(Env::Default(), src);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(Contains(bad.error().message(), "JVS_GC_KEEP_DAYS")) << bad.error().message();
  EXPECT_TRUE(Contains(jvs::cli::FullHint(bad.error()), "JVS_GC_KEEP_DAYS")) << jvs::cli::FullHint(bad.error());

  WriteFile(tmp / "repo.toml", "[gc\n");
  src.env.clear();
  bad = Config::Load(Env::Default(), src);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(Contains(bad.error().message(), (tmp / "repo.toml").string() + ":1:"))
      << bad.error().message();
}

}  // namespace
}  // namespace jvs

namespace jvs {
namespace {

TEST(ConfigTemplates, NamedTemplatesFromBothFilesTheRepositoryWins) {
  jvs::testing::TempDir tmp;
  jvs::testing::WriteFile(tmp / "user.toml",
                          "[templates]\nmine = 'id ++ \" \" ++ note'\nboth = 'user'\n");
  jvs::testing::WriteFile(tmp / "repo.toml", "[templates]\nboth = \"repo\"\n");
  ConfigSources src;
  src.user_file = tmp / "user.toml";
  src.repo_file = tmp / "repo.toml";
  auto c = Config::Load(Env::Default(), src);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->Table("templates").at("mine"), "id ++ \" \" ++ note");
  EXPECT_EQ(c->Table("templates").at("both"), "repo");
  EXPECT_TRUE(c->warnings().empty());
}

TEST(ConfigTemplates, ATemplateThatIsNotAStringIsAnError) {
  auto f = ConfigFile::Parse("[templates]\nx = 3\n", "/r/.jvs/config.toml");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message().find("/r/.jvs/config.toml:2:"), std::string::npos) << f.error().message();
  EXPECT_NE(f.error().message().find("templates.x must be a string"), std::string::npos) << f.error().message();
}

}  // namespace
}  // namespace jvs
