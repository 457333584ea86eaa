// End-to-end tests of configuration: `jvs config`, the user and repository
// TOML files, environment overrides, and the settings they feed (author,
// engine, ignore patterns). Every run gets its own XDG_CONFIG_HOME so that no
// test sees another's user file.
#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::ReadFile;
using jvs::testing::TempDir;
using jvs::testing::WriteFile;


class ConfigTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    fs::create_directories(Xdg());
  }
  fs::path Xdg() const { return Tmp() / "xdg"; }
  fs::path UserFile() const { return Xdg() / "jvs/config.toml"; }
  fs::path RepoFile() const { return Root() / ".jvs/config.toml"; }
  // jvs ARGS in `cwd` with this test's XDG_CONFIG_HOME; JVS_USER is removed
  // (so that files decide the user) unless `env` sets it.
  RunResult At(const fs::path& cwd, std::vector<std::string> args, EnvOverrides env = {}) const {
    env.emplace("XDG_CONFIG_HOME", Xdg().string());
    env.emplace("JVS_USER", std::nullopt);
    return JvsEnv(cwd, std::move(args), env);
  }
  RunResult In(std::vector<std::string> args, EnvOverrides env = {}) const {
    return At(Ws(), std::move(args), env);
  }
  json InJson(std::vector<std::string> args, EnvOverrides env = {}) const {
    args.insert(args.begin(), "--json");
    RunResult r = In(std::move(args), env);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return r.exit_code == 0 ? r.Json() : json();
  }
};

TEST_F(ConfigTest, SetWritesTheRepositoryFileInsideARepositoryAndTheUserFileWithUser) {
  RunResult r = In({"config", "set", "user.name", "Repo Person"});
  ASSERT_OK(r);
  EXPECT_EQ(r.out, "Set user.name = 'Repo Person' in " + RepoFile().string() + " (repo)\n");
  EXPECT_TRUE(Contains(ReadFile(RepoFile()), "name = 'Repo Person'")) << ReadFile(RepoFile());
  EXPECT_FALSE(fs::exists(UserFile()));

  ASSERT_OK(In({"config", "set", "user.name", "User Person", "--user"}));
  ASSERT_OK(In({"config", "set", "user.email", "user@example.com", "--user"}));
  EXPECT_TRUE(Contains(ReadFile(UserFile()), "email = 'user@example.com'")) << ReadFile(UserFile());

  // Outside a repository the default is the user file.
  ASSERT_OK(At(Tmp(), {"config", "set", "ui.color", "never"}));
  EXPECT_TRUE(Contains(ReadFile(UserFile()), "color = 'never'")) << ReadFile(UserFile());
  ExpectError(Tmp(), {"config", "set", "ui.color", "never", "--repo"}, 1,
              "not inside a jvs repository");

  // The repository file overrides the user file; get prints the plain value.
  r = In({"config", "get", "user.name"});
  ASSERT_OK(r);
  EXPECT_EQ(r.out, "Repo Person\n");
  EXPECT_EQ(In({"config", "get", "user.name", "--user"}).out, "User Person\n");
  json j = InJson({"config", "get", "user.email"});
  EXPECT_EQ(j, json({{"key", "user.email"},
                     {"value", "user@example.com"},
                     {"origin", "user"},
                     {"source", UserFile().string()}}));
  // Unset falls back to the user value.
  r = In({"config", "unset", "user.name"});
  ASSERT_OK(r);
  EXPECT_EQ(r.out, "Removed user.name from " + RepoFile().string() + " (repo)\n");
  EXPECT_EQ(In({"config", "get", "user.name"}).out, "User Person\n");
  r = In({"config", "unset", "user.name"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "user.name is not set in " + RepoFile().string())) << r.err;
  r = In({"config", "get", "gc.keep_days"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "gc.keep_days is not set")) << r.err;
  EXPECT_TRUE(Contains(r.err, "hint: set it with 'jvs config set gc.keep_days VALUE'")) << r.err;
}

TEST_F(ConfigTest, ListShowsEffectiveValuesAndTheirOrigin) {
  ASSERT_OK(In({"config", "set", "gc.keep_last", "5", "--user"}));
  ASSERT_OK(In({"config", "set", "gc.keep_last", "9"}));
  ASSERT_OK(In({"config", "set", "ignore.patterns", "*.tmp", "cache/"}));
  RunResult r = In({"config", "list"}, {{"JVS_ENGINE", "copy"}});
  ASSERT_OK(r);
  EXPECT_EQ(r.out,
            "core.engine = 'copy'\n"
            "gc.keep_last = 9\n"
            "ignore.patterns = [ '*.tmp', 'cache/' ]\n"
            "merge.conflict_style = 'diff'\n"
            "ui.color = 'auto'\n"
            "ui.progress = true\n");
  r = In({"config", "list", "--show-origin"}, {{"JVS_ENGINE", "copy"}});
  ASSERT_OK(r);
  EXPECT_EQ(r.out,
            "env:JVS_ENGINE\tcore.engine = 'copy'\n"
            "repo:" +
                RepoFile().string() +
                "\tgc.keep_last = 9\n"
                "repo:" +
                RepoFile().string() +
                "\tignore.patterns = [ '*.tmp', 'cache/' ]\n"
                "default\tmerge.conflict_style = 'diff'\n"
                "default\tui.color = 'auto'\n"
                "default\tui.progress = true\n");
  r = In({"config", "list", "--user"});
  ASSERT_OK(r);
  EXPECT_EQ(r.out, "gc.keep_last = 5\n");
  json j = InJson({"config", "list"});
  ASSERT_TRUE(j.is_array()) << j.dump();
  ASSERT_EQ(j.size(), 5u) << j.dump();
  EXPECT_EQ(j[0], json({{"key", "gc.keep_last"},
                        {"value", 9},
                        {"origin", "repo"},
                        {"source", RepoFile().string()}}));
  EXPECT_EQ(j[1]["value"], json({"*.tmp", "cache/"}));
  EXPECT_EQ(
      j[4],
      json(
          {{"key", "ui.progress"}, {"value", true}, {"origin", "default"}, {"source", "default"}}));
  EXPECT_EQ(In({"config", "get", "ignore.patterns"}).out, "*.tmp\ncache/\n");
}

TEST_F(ConfigTest, EnvironmentOverridesBothFiles) {
  ASSERT_OK(In({"config", "set", "user.name", "File Person"}));
  ASSERT_OK(In({"config", "set", "gc.keep_days", "30", "--user"}));
  EXPECT_EQ(In({"config", "get", "user.name"}, {{"JVS_USER", "Env Person"}}).out, "Env Person\n");
  EXPECT_EQ(In({"config", "get", "gc.keep_days"}, {{"JVS_GC_KEEP_DAYS", "3"}}).out, "3\n");
  RunResult r = In({"config", "set", "user.name", "Other"}, {{"JVS_USER", "Env Person"}});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.err, "JVS_USER is set in the environment and overrides this value"))
      << r.err;
  // A malformed override is a usage error naming the variable.
  r = In({"status"}, {{"JVS_GC_KEEP_DAYS", "a week"}});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "JVS_GC_KEEP_DAYS")) << r.err;
  EXPECT_TRUE(Contains(r.err, "hint: fix or unset the environment variable JVS_GC_KEEP_DAYS"))
      << r.err;
}

TEST_F(ConfigTest, UnknownKeysAndWrongTypesAreRefusedWithHints) {
  RunResult r = In({"config", "set", "user.nme", "x"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_TRUE(Contains(r.err, "jvs: error: unknown configuration key 'user.nme'")) << r.err;
  EXPECT_TRUE(Contains(
      r.err, "hint: did you mean 'user.name'? valid keys: user.name, user.email, core.engine"))
      << r.err;
  ExpectError(Ws(), {"config", "get", "colour"}, 2, "unknown configuration key 'colour'");
  ExpectError(Ws(), {"config", "set", "gc.keep_days", "soon"}, 2,
              "gc.keep_days must be a non-negative integer");
  ExpectError(Ws(), {"config", "set", "core.engine", "fast"}, 2,
              "must be one of reflink, copy, juicefs");
  ExpectError(Ws(), {"config", "set", "ui.progress", "maybe"}, 2,
              "ui.progress must be true or false");
  ExpectError(Ws(), {"config", "set", "user.email", "nobody"}, 2, "user.email must look like");
  ExpectError(Ws(), {"config", "set", "user.name", "a", "b"}, 2, "takes exactly one value");
  ExpectError(Ws(), {"config", "set", "user.name", "x", "--user", "--repo"}, 2);
  ExpectError(Ws(), {"config", "frobnicate"}, 2);
  EXPECT_FALSE(fs::exists(RepoFile()));
  // get --json of an unknown key is a JSON error too.
  r = In({"--json", "config", "get", "nope"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.Json()["error"]["code"], "E_INVALID_ARGUMENT") << r.out;
}

TEST_F(ConfigTest, WritingPreservesOtherKeysAndUnknownKeysWarn) {
  WriteFile(RepoFile(),
            "# my settings\n[user]\nname = \"Keep Me\"\n\n[plugin]\nfoo = [1, 2]\n[ui]\ncolr = "
            "\"never\"\n");
  RunResult r = In({"config", "set", "gc.keep_last", "4"});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.err, "unknown configuration key 'plugin.foo'")) << r.err;
  EXPECT_TRUE(Contains(r.err, RepoFile().string() + ":8:")) << r.err;
  EXPECT_TRUE(Contains(r.err, "'ui.colr' (ignored; did you mean 'ui.color'?)")) << r.err;
  // The file is edited, not rewritten: comments and layout stay.
  EXPECT_EQ(ReadFile(RepoFile()),
            "# my settings\n[user]\nname = \"Keep Me\"\n\n[plugin]\nfoo = [1, 2]\n[ui]\ncolr = "
            "\"never\"\n\n[gc]\n"
            "keep_last = 4\n");
  // No temp file is left behind.
  for (const auto& e : fs::directory_iterator(Root() / ".jvs"))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  // Every command warns about unknown keys, and still works.
  r = In({"status"});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.err, "jvs: warning: " + RepoFile().string() +
                                  ":6:1: unknown configuration key 'plugin.foo'"))
      << r.err;
  // An unknown key that is in the file can be unset.
  ASSERT_OK(In({"config", "unset", "plugin.foo"}));
  EXPECT_FALSE(Contains(ReadFile(RepoFile()), "foo")) << ReadFile(RepoFile());
}

TEST_F(ConfigTest, ParseErrorNamesFileLineAndColumnAndExitsTwo) {
  WriteFile(RepoFile(), "[user]\nname = \"Ada\"\nemail = ada@example.com\n");
  RunResult r = ExpectError(Ws(), {"status"}, 2, RepoFile().string() + ":3:");
  EXPECT_TRUE(Contains(r.err, "hint: fix the TOML syntax")) << r.err;
  WriteFile(RepoFile(), "[gc]\nkeep_days = \"thirty\"\n");
  r = ExpectError(Ws(), {"snapshot"}, 2, RepoFile().string() + ":2:");
  EXPECT_TRUE(Contains(r.err, "gc.keep_days must be a non-negative integer")) << r.err;
  EXPECT_TRUE(Contains(r.err, "jvs config unset gc.keep_days")) << r.err;
  // The user file is checked everywhere, also outside repositories.
  WriteFile(UserFile(), "[ui\n");
  r = At(Tmp(), {"init", "other"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_TRUE(Contains(r.err, UserFile().string() + ":1:")) << r.err;
}

TEST_F(ConfigTest, UserNameAndEmailBecomeTheAuthor) {
  ASSERT_OK(In({"config", "set", "user.name", "Ada Lovelace", "--user"}));
  json s = InJson({"snapshot", "one"});
  EXPECT_EQ(s["author"], "Ada Lovelace@testhost") << s.dump();
  ASSERT_OK(In({"config", "set", "user.email", "ada@example.com", "--user"}));
  s = InJson({"snapshot", "two"});
  EXPECT_EQ(s["author"], "Ada Lovelace <ada@example.com>") << s.dump();
  json ops = InJson({"op", "log", "-n", "1"});
  ASSERT_TRUE(ops.is_array() && !ops.empty()) << ops.dump();
  EXPECT_EQ(ops[0]["user"], "Ada Lovelace");
  // JVS_USER still wins.
  s = InJson({"snapshot", "three"}, {{"JVS_USER", "ci"}});
  EXPECT_EQ(s["author"], "ci <ada@example.com>") << s.dump();
}

TEST_F(ConfigTest, CoreEngineSelectsTheEngine) {
  ASSERT_OK(In({"config", "set", "core.engine", "copy"}));
  json info = InJson({"info"}, {{"JVS_ENGINE", std::nullopt}});
  EXPECT_EQ(info["engine"], "copy") << info.dump();
  EXPECT_EQ(info["engine_reason"], "forced by core.engine = copy in " + RepoFile().string())
      << info.dump();
  info = InJson({"info"}, {{"JVS_ENGINE", "copy"}});
  EXPECT_EQ(info["engine_reason"], "forced by JVS_ENGINE=copy") << info.dump();
}

// A forced engine that cannot do its job here is said on every command, not
// silently replaced by copying (the test folder is never a JuiceFS mount).
TEST_F(ConfigTest, ForcedEngineThatCannotWorkHereWarns) {
  RunResult r = In({"status"}, {{"JVS_ENGINE", "juicefs"}});
  ASSERT_OK(r);
  EXPECT_TRUE(Contains(r.err, "warning: JVS_ENGINE=juicefs: the repository is not on a JuiceFS mount")) << r.err;
  EXPECT_TRUE(Contains(r.err, "files are copied")) << r.err;
  ASSERT_OK(In({"config", "set", "core.engine", "juicefs"}));
  r = In({"status"}, {{"JVS_ENGINE", std::nullopt}});
  EXPECT_TRUE(Contains(r.err, "core.engine = juicefs")) << r.err;
  // The copy engine is what it says: no warning.
  r = In({"status"}, {{"JVS_ENGINE", "copy"}});
  ASSERT_OK(r);
  EXPECT_FALSE(Contains(r.err, "warning")) << r.err;
}

TEST_F(ConfigTest, IgnorePatternsApplyBeforeJvsIgnore) {
  ASSERT_OK(In({"config", "set", "ignore.patterns", "*.tmp", "cache/"}));
  Write("a.txt", "a");
  Write("scratch.tmp", "ignored");
  Write("keep.tmp", "kept by .jvsignore");
  Write(".jvsignore", "!keep.tmp\n");
  Write("sub/cache/x", "ignored");
  json st = InJson({"status"});
  std::vector<std::string> added;
  for (const auto& e : st["added"]) added.push_back(e["path"]);
  EXPECT_EQ(added, (std::vector<std::string>{".jvsignore", "a.txt", "keep.tmp", "sub"}))
      << st.dump();
  json snap = InJson({"snapshot"});
  EXPECT_EQ(snap["files"], 3) << snap.dump();
  // Without the configuration the files show up.
  ASSERT_OK(In({"config", "unset", "ignore.patterns"}));
  st = InJson({"status"});
  EXPECT_EQ(st["total_added"], 2) << st.dump();  // scratch.tmp and sub/cache
}

TEST_F(ConfigTest, PathPrintsTheFileThatSetWrites) {
  RunResult r = In({"config", "path"});
  ASSERT_OK(r);
  EXPECT_EQ(r.out, RepoFile().string() + "\n");
  EXPECT_EQ(In({"config", "path", "--user"}).out, UserFile().string() + "\n");
  EXPECT_EQ(At(Tmp(), {"config", "path"}).out, UserFile().string() + "\n");
  // Without XDG_CONFIG_HOME: ~/.config/jvs/config.toml.
  r = JvsEnv(Ws(), {"config", "path", "--user"},
             {{"XDG_CONFIG_HOME", std::nullopt}, {"HOME", (Tmp() / "home").string()}});
  EXPECT_EQ(r.out, (Tmp() / "home/.config/jvs/config.toml").string() + "\n") << r.Describe();
  // -R selects the repository from elsewhere.
  EXPECT_EQ(At(Tmp(), {"-R", Root().string(), "config", "path"}).out, RepoFile().string() + "\n");
}

}  // namespace
}  // namespace jvs::e2e
