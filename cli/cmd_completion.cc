// `jvs completion bash|zsh|fish`: completion scripts generated from the
// command tree, and the hidden `jvs __complete KIND` that the scripts call for
// names only the repository knows (references, tags, worktrees, operations).
#include <map>
#include <set>

#include "commands.h"
#include "completion_script.h"
#include "help.h"
#include "jvs/repo/history.h"
#include "jvs/repo/operations.h"
#include "jvs/repo/worktrees.h"

namespace jvs::cli {

void RegisterCompletion(CLI::App& app, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  auto* cmd =
      app.add_subcommand("completion", "Print the shell completion script for bash, zsh or fish");
  cmd->add_option("SHELL", *shell, "bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  cmd->callback([&ctx, &app, shell] {
    ctx.RejectPaths();
    std::string script = *shell == "bash"  ? BashScript(app)
                         : *shell == "zsh" ? ZshScript(app)
                                           : FishScript(app);
    std::fwrite(script.data(), 1, script.size(), stdout);
  });

  struct Opts {
    std::string kind;
    std::vector<std::string> args;
  };
  auto o = std::make_shared<Opts>();
  auto* complete =
      app.add_subcommand("__complete", "Print completion candidates of KIND, one a line");
  complete->group("");
  complete->add_option("KIND", o->kind, "refs, tags, worktrees, ops, keys, values KEY, commands")
      ->required();
  complete->add_option("ARGS", o->args, "The positional arguments typed so far");
  complete->callback([&ctx, &app, o] {
    ctx.RejectPaths();
    std::vector<std::string> out;
    const std::string& kind = o->kind;
    if (kind == "commands") {
      for (const CLI::App* c : AllCommands(app)) out.push_back(CommandPath(*c).substr(4));
    } else if (kind == "keys") {
      for (const auto& k : ConfigKeys()) out.emplace_back(k.name);
    } else if (kind == "values") {
      const ConfigKey* key = o->args.empty() ? nullptr : FindConfigKey(o->args[0]);
      if (key && key->type == ConfigType::kChoice)
        for (auto c : key->choices) out.emplace_back(c);
      if (key && key->type == ConfigType::kBool) out = {"true", "false"};
    } else if (kind == "tags" || kind == "refs" || kind == "worktrees" || kind == "ops") {
      auto repo = ctx.OpenRepo();
      if (kind == "tags" || kind == "refs")
        for (const auto& [name, id] : repo->view().tags) out.push_back(name);
      if (kind == "worktrees")
        for (const auto& [name, wt] : repo->view().worktrees) out.push_back(name);
      if (kind == "refs") {
        for (const char* k : {"@", "HEAD", "latest"}) out.emplace_back(k);
        std::string wt = ctx.CurrentWorktree(*repo);
        HistoryOptions ho;
        ho.all = true;
        ho.limit = 50;
        auto entries = History(*repo, wt, ho);
        if (entries.ok())
          for (const auto& e : *entries) out.push_back(repo->ShortId(e.id));
      }
      if (kind == "ops") {
        out = {"@", "@-"};
        auto entries = OperationLog(*repo, 50);
        if (entries.ok())
          for (const auto& e : *entries) out.push_back(e.id.hex().substr(0, 12));
      }
    } else {
      Fail(ErrorCode::kInvalidArgument, "unknown completion kind '" + kind + "'",
           "one of refs, tags, worktrees, ops, keys, values, commands");
    }
    std::string text;
    for (const auto& s : out) text += s + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
  });
}

}  // namespace jvs::cli
