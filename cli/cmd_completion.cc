// `jvs completion bash|zsh|fish`: completion scripts generated from the
// command tree, and the hidden `jvs __complete KIND` that the scripts call for
// names only the repository knows (references, tags, worktrees, operations).
#include <map>
#include <set>

#include "commands.h"
#include "help.h"
#include "jvs/repo/history.h"
#include "jvs/repo/operations.h"
#include "jvs/repo/worktrees.h"

namespace jvs::cli {

namespace {

// What the positional arguments of a command are, by command path without
// "jvs". Kinds: refs, tags, worktrees, ops, keys, values (of the config key
// before), shells, dirs, files; "" for free text.
const std::map<std::string, std::vector<std::string>>& ArgKinds() {
  static const std::map<std::string, std::vector<std::string>> kinds = {
      {"init", {"dirs"}},
      {"snapshot", {""}},
      {"diff", {"refs", "refs"}},
      {"restore", {"refs"}},
      {"tag set", {"tags", "refs"}},
      {"tag delete", {"tags"}},
      {"op restore", {"ops"}},
      {"worktree fork", {"refs", ""}},
      {"worktree path", {"worktrees"}},
      {"worktree rename", {"worktrees", ""}},
      {"worktree remove", {"worktrees"}},
      {"config get", {"keys"}},
      {"config set", {"keys", "values"}},
      {"config unset", {"keys"}},
      {"completion", {"shells"}},
      {"verify", {"refs"}},
      {"gc run", {""}},
  };
  return kinds;
}

// What the value of an option is, by long name (any command).
std::string ValueKind(const CLI::Option& o) {
  static const std::map<std::string, std::string> kinds = {
      {"repo", "dirs"}, {"at-op", "ops"}, {"tag", "tags"}, {"path", "dirs"}};
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

struct Node {
  std::string path;  // "jvs tag set"
  const CLI::App* app;
};

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
constexpr const char* kWalk = R"SH(  local cpath=jvs w next kind i
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

std::string BashScript(const CLI::App& root) {
  std::string out = "# bash completion for jvs (generated by 'jvs completion bash')\n";
  out += "# Install: source <(jvs completion bash), or save it as\n";
  out += "# ~/.local/share/bash-completion/completions/jvs\n";
  out += ShellTables(root, false);
  out += R"SH(
_jvs_candidates() {
  local kind="$1" cur="$2" prog="$3"
  shift 3
  case "$kind" in
    dirs) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
    files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    shells) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
    none|-|'') COMPREPLY=() ;;
    *)
      local IFS=$'\n'
      COMPREPLY=($(compgen -W "$("$prog" "${repo[@]}" __complete "$kind" "$@" 2>/dev/null)" -- "$cur"))
      ;;
  esac
}

_jvs() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" prog="${COMP_WORDS[0]}"
  local -a words=("${COMP_WORDS[@]}") pos repo
  local cword=$COMP_CWORD first=1
  COMPREPLY=()
)SH";
  out += kWalk;
  out += R"SH(  if [[ $cpath == *' --' ]]; then
    _jvs_candidates files "$cur" "$prog"
    return 0
  fi
  if ((cword > 1)) && [[ $prev == -* && $prev != *=* ]]; then
    kind="${_jvs_optkind[$cpath $prev]-${_jvs_optkind[jvs $prev]--}}"
    if [[ $kind != - ]]; then
      _jvs_candidates "$kind" "$cur" "$prog"
      return 0
    fi
  fi
  if [[ $cur == -* ]]; then
    local opts="${_jvs_opts[$cpath]}"
    [[ $cpath != jvs ]] && opts+=" ${_jvs_opts[jvs]}"
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return 0
  fi
  if [[ -n ${_jvs_subs[$cpath]} && ${#pos[@]} -eq 0 ]]; then
    COMPREPLY=($(compgen -W "${_jvs_subs[$cpath]}" -- "$cur"))
    return 0
  fi
  local -a kinds=(${_jvs_args[$cpath]})
  _jvs_candidates "${kinds[${#pos[@]}]}" "$cur" "$prog" "${pos[@]}"
  return 0
}

complete -F _jvs jvs
)SH";
  return out;
}

std::string ZshScript(const CLI::App& root) {
  std::string out = "#compdef jvs\n# zsh completion for jvs (generated by 'jvs completion zsh')\n";
  out += "# Install: jvs completion zsh > \"${fpath[1]}/_jvs\" (then restart zsh),\n";
  out += "# or source <(jvs completion zsh) after compinit.\n";
  out += ShellTables(root, true);
  // Descriptions of subcommands and options, for _describe.
  std::string sd, od;
  for (const Node& n : Nodes(root)) {
    std::string lines;
    for (const CLI::App* s : VisibleSubcommands(*n.app)) {
      std::string d = s->get_description();
      std::string name = s->get_name();
      lines += (lines.empty() ? "" : "\n") + name + ":" + d;
    }
    if (!lines.empty()) sd += "  [" + Sq(n.path) + "]=" + Sq(lines) + "\n";
    std::string olines;
    for (const CLI::Option* o : VisibleOptions(*n.app)) {
      if (!o->nonpositional()) continue;
      for (const auto& name : OptionNames(*o))
        olines += (olines.empty() ? "" : "\n") + name + ":" + o->get_description();
    }
    olines += (olines.empty() ? "" : "\n") + std::string("--help:Print help and exit");
    od += "  [" + Sq(n.path) + "]=" + Sq(olines) + "\n";
  }
  out += "typeset -gA _jvs_subdesc=(\n" + sd + ")\n";
  out += "typeset -gA _jvs_optdesc=(\n" + od + ")\n";
  out += R"SH(
_jvs_candidates() {
  local kind="$1" prog="$2"
  shift 2
  case "$kind" in
    dirs) _files -/ ;;
    files) _files ;;
    shells) compadd -- bash zsh fish ;;
    none|-|'') return 1 ;;
    *)
      local -a cands
      cands=(${(f)"$("$prog" "${repo[@]}" __complete "$kind" "$@" 2>/dev/null)"})
      compadd -- "${cands[@]}"
      ;;
  esac
}

_jvs() {
  local -a pos repo descs
  local cword=$CURRENT first=2 cur="${words[CURRENT]}" prog="${words[1]}" prev="${words[CURRENT-1]}"
)SH";
  out += kWalk;
  out += R"SH(  if [[ $cpath == *' --' ]]; then
    _files
    return
  fi
  if ((cword > first)) && [[ $prev == -* && $prev != *=* ]]; then
    kind="${_jvs_optkind[$cpath $prev]-${_jvs_optkind[jvs $prev]--}}"
    if [[ $kind != - ]]; then
      _jvs_candidates "$kind" "$prog"
      return
    fi
  fi
  if [[ $cur == -* ]]; then
    descs=(${(f)_jvs_optdesc[$cpath]})
    [[ $cpath != jvs ]] && descs+=(${(f)_jvs_optdesc[jvs]})
    _describe -t options 'option' descs
    return
  fi
  if [[ -n ${_jvs_subdesc[$cpath]} && ${#pos[@]} -eq 0 ]]; then
    descs=(${(f)_jvs_subdesc[$cpath]})
    _describe -t commands 'jvs command' descs
    return
  fi
  local -a kinds
  kinds=(${=_jvs_args[$cpath]})
  _jvs_candidates "${kinds[$((${#pos[@]} + 1))]}" "$prog" "${pos[@]}"
}

if [[ "${funcstack[1]}" == _jvs ]]; then
  _jvs "$@"
else
  compdef _jvs jvs
fi
)SH";
  return out;
}

std::string FishScript(const CLI::App& root) {
  std::string out = "# fish completion for jvs (generated by 'jvs completion fish')\n";
  out += "# Install: jvs completion fish > ~/.config/fish/completions/jvs.fish\n";
  // __fish_jvs_child PATH WORD: the child command path, or nothing.
  std::string child = "function __fish_jvs_child\n    switch \"$argv[1] $argv[2]\"\n";
  // __fish_jvs_optkind PATH OPT: "-" for a flag, else the value kind.
  std::string optkind = "function __fish_jvs_optkind\n    switch \"$argv[1] $argv[2]\"\n";
  std::string global_optkind = "    switch \"$argv[2]\"\n";
  std::string completes;
  for (const Node& n : Nodes(root)) {
    bool is_root = n.path == CommandPath(root);
    for (const CLI::App* s : VisibleSubcommands(*n.app)) {
      std::string cpath = n.path + " " + s->get_name();
      std::string cases = FishSq(cpath);
      for (const auto& a : s->get_aliases()) cases += " " + FishSq(n.path + " " + a);
      child += "        case " + cases + "\n            echo " + FishSq(cpath) + "\n";
      completes += "complete -c jvs -f -n " + FishSq("__fish_jvs_at " + Sq(n.path) + " 0") +
                   " -a " + FishSq(s->get_name()) + " -d " + FishSq(s->get_description()) + "\n";
    }
    for (const CLI::Option* o : VisibleOptions(*n.app)) {
      if (o->nonpositional()) {
        std::string kind = TakesValue(*o) ? ValueKind(*o) : "-";
        if (kind.empty()) kind = "none";
        std::string cases;
        for (const auto& name : OptionNames(*o))
          cases += " " + FishSq(is_root ? name : n.path + " " + name);
        (is_root ? global_optkind : optkind) +=
            "        case" + cases + "\n            echo " + FishSq(kind) + "\n";
        std::string line = "complete -c jvs";
        if (!is_root) line += " -n " + FishSq("__fish_jvs_at " + Sq(n.path));
        for (const auto& s : o->get_snames()) line += " -s " + s;
        for (const auto& l : o->get_lnames()) line += " -l " + l;
        if (TakesValue(*o)) {
          line += " -r";
          if (kind == "dirs")
            line += " -a '(__fish_complete_directories)'";
          else if (kind != "none")
            line += " -a " + FishSq("(__fish_jvs_dyn " + kind + ")");
        }
        line += " -d " + FishSq(o->get_description());
        completes += line + "\n";
      }
    }
    std::string k = Kinds(n.path);
    if (!k.empty()) {
      std::vector<std::string> kinds;
      for (size_t start = 0; start <= k.size();) {
        size_t sp = k.find(' ', start);
        if (sp == std::string::npos) sp = k.size();
        kinds.push_back(k.substr(start, sp - start));
        start = sp + 1;
      }
      for (size_t i = 0; i < kinds.size(); ++i) {
        std::string cond = FishSq("__fish_jvs_at " + Sq(n.path) + " " + std::to_string(i));
        const std::string& kind = kinds[i];
        if (kind == "-") continue;
        std::string arg = kind == "dirs"     ? "'(__fish_complete_directories)'"
                          : kind == "files"  ? "'(__fish_complete_path)'"
                          : kind == "shells" ? "'bash zsh fish'"
                                             : FishSq("(__fish_jvs_dyn " + kind + ")");
        completes += "complete -c jvs -f -n " + cond + " -a " + arg + "\n";
      }
    }
  }
  child += "    end\nend\n";
  optkind += "        case '*'\n" + global_optkind +
             "            case '*'\n                echo -\n            end\n    end\nend\n";
  out += child + optkind;
  out += R"SH(
# Prints the command path, the number of positional arguments so far, and
# then the positional arguments themselves, one a line.
function __fish_jvs_state
    set -l tokens (commandline -opc)
    set -l path jvs
    set -l pos
    set -l skip 0
    for w in $tokens[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        if test "$w" = --
            set path "$path --"
            break
        end
        if string match -q -- '-?*' $w
            string match -q -- '*=*' $w; and continue
            if test (__fish_jvs_optkind $path $w) != -
                set skip 1
            end
            continue
        end
        set -l next (__fish_jvs_child $path $w)
        if test -n "$next" -a (count $pos) = 0
            set path $next
        else
            set -a pos $w
        end
    end
    echo $path
    count $pos
    for p in $pos
        echo $p
    end
end

# True when the command line is at command PATH (with N positionals so far).
function __fish_jvs_at
    set -l st (__fish_jvs_state)
    test "$st[1]" = "$argv[1]"; or return 1
    if set -q argv[2]
        test "$st[2]" = "$argv[2]"; or return 1
    end
    return 0
end

# Names only the repository knows, from 'jvs __complete KIND'.
function __fish_jvs_dyn
    set -l st (__fish_jvs_state)
    set -l tokens (commandline -opc)
    set -l repo
    for i in (seq 2 (count $tokens))
        if contains -- $tokens[$i] -R --repo
            set -l j (math $i + 1)
            set -q tokens[$j]; and set repo -R $tokens[$j]
        end
    end
    $tokens[1] $repo __complete $argv[1] $st[3..-1] 2>/dev/null
end

complete -c jvs -f
)SH";
  out += completes;
  return out;
}

}  // namespace

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
