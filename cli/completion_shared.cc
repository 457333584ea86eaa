// The shared part of the completion scripts: tables of the command tree,
// shell quoting and the word walk used by both bash and zsh.
#include <map>
#include <set>

#include "completion_script.h"
#include "help.h"

namespace jvs::cli {

// What the positional arguments of a command are, by command path without
// "jvs". Kinds: refs, tags, worktrees, ops, keys, values (of the config key
// before), shells, dirs, files; "" for free text.
const std::map<std::string, std::vector<std::string>>& ArgKinds() {
  static const std::map<std::string, std::vector<std::string>> kinds = {
      {"init", {"dirs"}},
      {"snapshot", {""}},
      {"diff", {"refs", "refs"}},
      {"show", {"refs"}},
      {"cat", {"refs", "files"}},
      {"file list", {"refs"}},
      {"restore", {"refs"}},
      {"merge", {"refs"}},
      {"resolve", {"files"}},
      {"rebase", {}},
      {"describe", {"refs"}},
      {"squash", {}},
      {"split", {"refs"}},
      {"abandon", {"refs"}},
      {"duplicate", {"refs"}},
      {"evolog", {"refs"}},
      {"tag set", {"tags", "refs"}},
      {"tag delete", {"tags"}},
      {"op restore", {"ops"}},
      {"pin add", {"refs"}},
      {"pin remove", {"refs"}},
      {"worktree fork", {"refs", ""}},
      {"worktree create", {""}},
      {"worktree path", {"worktrees"}},
      {"worktree rename", {"worktrees", ""}},
      {"worktree remove", {"worktrees"}},
      {"config get", {"keys"}},
      {"config set", {"keys", "values"}},
      {"config unset", {"keys"}},
      {"completion", {"shells"}},
      {"verify", {"refs"}},
      {"gc run", {""}},
      {"git export", {}},
      {"git import", {"dirs"}},
  };
  return kinds;
}

// What the value of an option is, by long name (any command).
std::string ValueKind(const CLI::Option& o) {
  static const std::map<std::string, std::string> kinds = {
      {"repo", "dirs"}, {"at-op", "ops"}, {"tag", "tags"}, {"path", "dirs"}, {"from", "refs"}, {"to", "dirs"}};
  for (const auto& l : o.get_lnames())
    if (auto it = kinds.find(l); it != kinds.end()) return it->second;
  return "";
}

std::vector<std::string> OptionNames(const CLI::Option& o) {
  std::vector<std::string> out;
  for (const auto& s : o.get_snames()) out.push_back("-" + s);
  for (const auto& l : o.get_lnames()) out.push_back("--" + l);
  return out;
}

std::vector<Node> Nodes(const CLI::App& root) {
  std::vector<Node> out{{CommandPath(root), &root}};
  for (const CLI::App* c : AllCommands(root)) out.push_back({CommandPath(*c), c});
  return out;
}

std::string Kinds(const std::string& path) {
  auto it = ArgKinds().find(path.size() > 4 ? path.substr(4) : "");
  if (it == ArgKinds().end()) return "";
  std::string out;
  for (const auto& k : it->second)
    out += (out.empty() ? "" : " ") + (k.empty() ? std::string("-") : k);
  return out;
}

// Single-quoted for bash and zsh.
std::string Sq(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Single-quoted for fish.
std::string FishSq(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The tables both the bash and the zsh script use (associative arrays):
//   child["PATH WORD"] = child command path (names and aliases)
//   subs["PATH"]       = subcommand names
//   opts["PATH"]       = option names
//   optkind["PATH OPT"] = "-" for a flag, else the value kind ("" = free text → "none")
//   args["PATH"]       = positional kinds ("-" = free text)
std::string ShellTables(const CLI::App& root, bool zsh) {
  std::string decl = zsh ? "typeset -gA" : "declare -gA";
  std::string child, subs, opts, optkind, args, descs;
  for (const Node& n : Nodes(root)) {
    std::string names;
    for (const CLI::App* s : VisibleSubcommands(*n.app)) {
      std::string cpath = n.path + " " + s->get_name();
      names += (names.empty() ? "" : " ") + s->get_name();
      child += "  [" + Sq(cpath) + "]=" + Sq(cpath) + "\n";
      for (const auto& a : s->get_aliases())
        child += "  [" + Sq(n.path + " " + a) + "]=" + Sq(cpath) + "\n";
      std::string d = s->get_name() + ":" + s->get_description();
      descs += (descs.empty() ? "" : "\n") + d;
    }
    if (!names.empty()) subs += "  [" + Sq(n.path) + "]=" + Sq(names) + "\n";
    std::string onames;
    for (const CLI::Option* o : VisibleOptions(*n.app)) {
      if (!o->nonpositional()) continue;
      std::string kind = TakesValue(*o) ? ValueKind(*o) : "-";
      if (kind.empty()) kind = "none";
      for (const auto& name : OptionNames(*o)) {
        onames += (onames.empty() ? "" : " ") + name;
        optkind += "  [" + Sq(n.path + " " + name) + "]=" + Sq(kind) + "\n";
      }
    }
    onames += (onames.empty() ? "" : " ") + std::string("-h --help");
    opts += "  [" + Sq(n.path) + "]=" + Sq(onames) + "\n";
    std::string k = Kinds(n.path);
    if (!k.empty()) args += "  [" + Sq(n.path) + "]=" + Sq(k) + "\n";
  }
  std::string out;
  out += decl + " _jvs_child=(\n" + child + ")\n";
  out += decl + " _jvs_subs=(\n" + subs + ")\n";
  out += decl + " _jvs_opts=(\n" + opts + ")\n";
  out += decl + " _jvs_optkind=(\n" + optkind + ")\n";
  out += decl + " _jvs_args=(\n" + args + ")\n";
  return out;
}

// The walk over the words before the cursor, shared by bash and zsh: `words`
// holds the command line, `first` indexes the word after the program name and
// `cword` the word being completed. Sets path, pos (the positional arguments
// so far) and repo (-R PATH when given).
const char kWalk[] = R"SH(  local cpath=jvs w next kind i
  pos=() repo=()
  for ((i = first; i < cword; i++)); do
    w="${words[$i]}"
    if [[ $w == -- ]]; then
      cpath="$cpath --"
      break
    fi
    if [[ $w == -* && $w != - ]]; then
      [[ $w == *=* ]] && continue
      kind="${_jvs_optkind[$cpath $w]-${_jvs_optkind[jvs $w]--}}"
      if [[ $kind != - ]]; then
        ((i++))
        [[ $w == -R || $w == --repo ]] && repo=(-R "${words[$i]}")
      fi
      continue
    fi
    next="${_jvs_child[$cpath $w]}"
    if [[ -n $next && ${#pos[@]} -eq 0 ]]; then
      cpath="$next"
    else
      pos+=("$w")
    fi
  done
)SH";

}  // namespace jvs::cli
