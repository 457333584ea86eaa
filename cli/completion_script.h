// Pieces of the shell completion scripts (`jvs completion bash|zsh|fish`):
// the tables of the command tree that every script is generated from, the
// quoting of each shell, and the three generators. Pure functions of the
// CLI11 tree; no state, safe to call from any thread.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

namespace jvs::cli {

// What the positional arguments of a command are, by command path without
// "jvs". Kinds: refs, tags, worktrees, ops, keys, values (of the config key
// before), shells, dirs, files; "" for free text.
const std::map<std::string, std::vector<std::string>>& ArgKinds();
// What the value of an option is, by long name (any command).
std::string ValueKind(const CLI::Option& o);
// "-x" and "--long" names of an option.
std::vector<std::string> OptionNames(const CLI::Option& o);

struct Node {
  std::string path;  // "jvs tag set"
  const CLI::App* app;
};
// The root and every visible command below it, with their command paths.
std::vector<Node> Nodes(const CLI::App& root);
// The positional kinds of a command path, space separated ("-" = free text).
std::string Kinds(const std::string& path);

// Single-quoted for bash and zsh.
std::string Sq(const std::string& s);
// Single-quoted for fish.
std::string FishSq(const std::string& s);

// The associative arrays the bash and zsh scripts share.
std::string ShellTables(const CLI::App& root, bool zsh);
// The walk over the words before the cursor, shared by bash and zsh.
extern const char kWalk[];

std::string BashScript(const CLI::App& root);
std::string ZshScript(const CLI::App& root);
std::string FishScript(const CLI::App& root);

}  // namespace jvs::cli
