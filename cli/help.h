// Help text shared by `--help`, the man page (`jvs __man`) and the shell
// completion scripts: all three walk the same CLI11 command tree, so a command
// registered once shows up everywhere. Examples live in one table
// (cli/examples.cc), one line per command.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "context.h"

namespace jvs::cli {

struct Example {
  std::string command;  // "jvs tag set v1"
  std::string comment;  // "tag the current snapshot" (may be empty)
};

// Examples of every command, keyed by command path without "jvs" ("tag set";
// "" is the top level).
const std::vector<std::pair<std::string, std::vector<Example>>>& CommandExamples();

// The examples of `cmd` (empty when it has none).
std::vector<Example> ExamplesOf(const CLI::App& cmd);
// Adds an "Examples:" block to the --help footer of every command that has
// examples (before any other footer text). Call once, after registering.
void ApplyExamples(CLI::App& app);
// "Examples:\n  jvs ...   # comment\n..." (empty without examples).
std::string ExamplesText(const std::vector<Example>& examples);

// "jvs tag set": the command path of `cmd` including the program name.
std::string CommandPath(const CLI::App& cmd);
// Subcommands shown to users (hidden ones, in the "" group, left out).
std::vector<const CLI::App*> VisibleSubcommands(const CLI::App& app);
// Every visible command below `app` (depth first, parents before children).
std::vector<const CLI::App*> AllCommands(const CLI::App& app);
// Options shown to users, without --help.
std::vector<const CLI::Option*> VisibleOptions(const CLI::App& app);
// True when the option takes a value (not a flag).
bool TakesValue(const CLI::Option& opt);
// "jvs tag set NAME [REF] [OPTIONS]".
std::string Synopsis(const CLI::App& cmd);

// The manual page (man(7) macros) for the whole tree below `app`.
std::string ManPage(const CLI::App& app);

// Hidden commands: `jvs __man` prints the manual page.
void RegisterHelpCommands(CLI::App& app, Context& ctx);
// `jvs completion bash|zsh|fish` and the hidden `jvs __complete KIND`.
void RegisterCompletion(CLI::App& app, Context& ctx);

}  // namespace jvs::cli
