// jvs: the command-line program. Parses arguments (CLI11), runs one command,
// renders its result as text or JSON, and maps errors to exit codes.
#include <csignal>
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "jvs/base/interrupt.h"
#include "signals.h"
#include "hugepages.h"
#include "typos.h"
#include "help.h"
#include "remedy.h"
#include "usage_errors.h"

namespace {

// A hint for errors whose producer gave none, so every error says what to do.
std::string DefaultHint(jvs::ErrorCode code) {
  using jvs::ErrorCode;
  switch (code) {
    case ErrorCode::kInvalidArgument: return "run 'jvs COMMAND --help' for the accepted arguments";
    case ErrorCode::kNotFound: return "check the name; 'jvs history --all', 'jvs tag list' and 'jvs info' show what exists";
    case ErrorCode::kCorrupt: return "run 'jvs doctor' to inspect the repository";
    case ErrorCode::kNoSpace: return "free some space and run the command again";
    case ErrorCode::kPermissionDenied: return "check the permissions of the files named above";
    case ErrorCode::kLocked: return "wait for the other jvs command to finish";
    case ErrorCode::kInternal: return "this is a bug in jvs; please report it with the command line";
    case ErrorCode::kInterrupted: return "run the command again when you are ready; there is nothing to clean up";
    case ErrorCode::kNotARepository: return "run 'jvs init NAME' to create one, or cd into a worktree";
    case ErrorCode::kFormatTooNew: return "use a newer jvs for this repository";
    default: return "run 'jvs --help'";
  }
}

void PrintError(const jvs::cli::Context& ctx, const jvs::Error& raw) {
  std::string full = jvs::cli::FullHint(raw);
  jvs::Error e = raw.WithHint(full.empty() ? DefaultHint(raw.code()) : full);
  // Messages quote names from the repository: no control byte reaches the terminal.
  // (Line by line: a list of candidates stays a list.)
  std::string msg;
  const std::string& m = e.message();
  for (size_t start = 0; start <= m.size();) {
    size_t nl = m.find('\n', start);
    if (nl == std::string::npos) nl = m.size();
    msg += (start ? "\n" : "") + jvs::cli::EscapeText(m.substr(start, nl - start));
    start = nl + 1;
  }
  std::fprintf(stderr, "jvs: error: %s\n", msg.c_str());
  if (!e.hint().empty()) std::fprintf(stderr, "hint: %s\n", jvs::cli::EscapeText(e.hint()).c_str());
  if (ctx.g.json) {
    nlohmann::json j = {{"error",
                         {{"code", std::string(jvs::ErrorCodeName(e.code()))},
                          {"message", e.message()},
                          {"hint", e.hint()}}}};
    ctx.PrintJson(j);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace jvs::cli;
  MaybeReexecWithHugePages(argc, argv);
  Context ctx;
  for (int i = 0; i < argc; ++i) ctx.argv.emplace_back(argv[i]);
  ctx.argv[0] = "jvs";
  // Paths after "--" are taken apart here so that they never look like options.
  int parse_argc = argc;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--") {
      ctx.has_dashdash = true;
      for (int k = i + 1; k < argc; ++k) ctx.paths.emplace_back(argv[k]);
      parse_argc = i;
      break;
    }
  }
  // --json anywhere on the line decides the error format even when parsing fails.
  for (const auto& a : ctx.argv)
    if (a == "--json") ctx.g.json = true;

  CLI::App app{"jvs: version control for whole directories of any size and type", "jvs"};
  app.formatter(MakeHelpFormatter());  // before the subcommands: they inherit it
  app.set_version_flag("--version", std::string("jvs ") + JVS_VERSION);
  app.require_subcommand(1);
  app.add_option("-R,--repo", ctx.g.repo, "Repository or worktree path (default: found from the current directory)");
  app.add_flag("--json", ctx.g.json, "Machine-readable output on stdout");
  app.add_flag("--no-color", ctx.g.no_color, "Never use colour (also: NO_COLOR set, TERM=dumb, output not a terminal)");
  app.add_option("--color", ctx.g.color, "When to use colour: auto (default), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("--no-progress", ctx.g.no_progress, "Never show progress");
  app.add_flag("-q,--quiet", ctx.g.quiet, "Print less");
  app.add_flag("--debug", ctx.g.debug, "Timings and internals on stderr");
  app.add_option("--at-op", ctx.g.at_op, "Look at the repository as of an earlier operation (read-only commands)");
  app.footer(
      "References: a snapshot id prefix (4+ hex digits), a change id prefix (letters k-z), a tag, @ or HEAD,\n"
      "latest, NAME@, REF~N, a note prefix.\n"
      "Configuration: ~/.config/jvs/config.toml and .jvs/config.toml ('jvs config --help').\n"
      "Environment: JVS_ENGINE, JVS_USER, JVS_EMAIL, JVS_TIMESTAMP, JVS_RANDOMNESS_SEED, JVS_LOCK_TIMEOUT_MS, JVS_HUGEPAGES.\n"
      "Exit codes: 0 ok, 1 failed, 2 usage, 3 integrity, 4 locked, 130 interrupted.");

  RegisterInit(app, ctx);
  RegisterInfo(app, ctx);
  RegisterStatus(app, ctx);
  RegisterSnapshot(app, ctx);
  RegisterHistory(app, ctx);
  RegisterShow(app, ctx);
  RegisterCat(app, ctx);
  RegisterFile(app, ctx);
  RegisterDiff(app, ctx);
  RegisterRestore(app, ctx);
  RegisterMerge(app, ctx);
  RegisterRebase(app, ctx);
  RegisterDescribe(app, ctx);
  RegisterSquash(app, ctx);
  RegisterSplit(app, ctx);
  RegisterAbandon(app, ctx);
  RegisterDuplicate(app, ctx);
  RegisterEvolog(app, ctx);
  RegisterTag(app, ctx);
  RegisterOp(app, ctx);
  RegisterWorktree(app, ctx);
  RegisterVerify(app, ctx);
  RegisterDoctor(app, ctx);
  RegisterGc(app, ctx);
  RegisterPin(app, ctx);
  RegisterConfig(app, ctx);
  RegisterGit(app, ctx);
  RegisterCompletion(app, ctx);
  RegisterHelpCommands(app, ctx);
  for (auto* sub : app.get_subcommands({})) sub->fallthrough();
  ApplyExamples(app);
  // The configuration is read once the command line is known (-R decides the
  // repository file). `config` reads the files itself, so that a broken file
  // can still be inspected; completion and the man page need none.
  app.parse_complete_callback([&ctx, &app] {
    ctx.Debug("malloc huge pages: " + HugePagesNote());
    if (!HugePagesEnvError().empty())
      throw CommandError{jvs::Error(jvs::ErrorCode::kInvalidArgument, HugePagesEnvError(),
                                    "set JVS_HUGEPAGES=0 to turn huge pages off, or unset it")};
    for (const char* own : {"config", "completion", "__man", "__complete"})
      if (app.got_subcommand(own)) return;
    jvs::Status st = ctx.LoadConfig();
    if (!st.ok()) throw CommandError{st.error()};
  });

  // `jvs NOSUCHCOMMAND --help`: CLI11 would print the top-level help and exit
  // 0, so a script probing for a command would be fooled. An unknown command
  // is a usage error whatever follows it.
  {
    std::vector<std::string> args(ctx.argv.begin() + 1, ctx.argv.begin() + parse_argc);
    bool asks_help = false;
    for (const auto& a : args) asks_help |= a == "--help" || a == "-h";
    if (asks_help)
      if (auto typo = FindUsageTypo(app, args); typo && typo->unknown_command) {
        PrintError(ctx, jvs::Error(jvs::ErrorCode::kInvalidArgument, typo->message, typo->hint));
        return kExitUsage;
      }
  }
  InstallInterruptHandlers();
  try {
    jvs::Status st = ctx.Init();
    if (!st.ok()) throw CommandError{st.error()};
    app.parse(parse_argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    // CLI11's own words never reach users: the error is described in ours.
    std::vector<std::string> args(ctx.argv.begin() + 1, ctx.argv.begin() + parse_argc);
    jvs::Error err = UsageErrorFor(app, e, args);
    // A mistyped command or option: name it and suggest the closest ones.
    if (auto typo = FindUsageTypo(app, args)) err = jvs::Error(jvs::ErrorCode::kInvalidArgument, typo->message, typo->hint);
    PrintError(ctx, err);
    return kExitUsage;
  } catch (const CommandError& e) {
    PrintError(ctx, e.error);
    return ExitCodeFor(e.error.code());
  }
  std::fflush(stdout);
  if (jvs::InterruptRequested()) {
    // Asked to stop after the last safe point: the command finished its work.
    std::fputs("jvs: interrupted after the command had published its work; it was completed\n", stderr);
    return kExitInterrupted;
  }
  return 0;
}
