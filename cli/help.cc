// Examples in --help, walking the command tree, and the man page.
#include "help.h"

#include <algorithm>
#include <cstdio>

#include "jvs/config/config.h"

namespace jvs::cli {

// ---------------------------------------------------------------- the tree

std::string CommandPath(const CLI::App& cmd) {
  std::vector<std::string> parts;
  for (const CLI::App* a = &cmd; a; a = a->get_parent()) parts.push_back(a->get_name());
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += (out.empty() ? "" : " ") + *it;
  return out;
}

std::vector<const CLI::App*> VisibleSubcommands(const CLI::App& app) {
  return app.get_subcommands(
      [](const CLI::App* a) { return !a->get_group().empty() && !a->get_name().empty(); });
}

std::vector<const CLI::App*> AllCommands(const CLI::App& app) {
  std::vector<const CLI::App*> out;
  for (const CLI::App* sub : VisibleSubcommands(app)) {
    out.push_back(sub);
    for (const CLI::App* s : AllCommands(*sub)) out.push_back(s);
  }
  return out;
}

std::vector<const CLI::Option*> VisibleOptions(const CLI::App& app) {
  const CLI::Option* help = app.get_help_ptr();
  return app.get_options(
      [help](const CLI::Option* o) { return o != help && !o->get_group().empty(); });
}

bool TakesValue(const CLI::Option& opt) { return opt.get_expected_max() > 0; }

std::string Synopsis(const CLI::App& cmd) {
  std::string out = CommandPath(cmd);
  bool has_flags = false;
  for (const CLI::Option* o : VisibleOptions(cmd)) {
    if (o->nonpositional()) {
      has_flags = true;
      continue;
    }
    std::string name = o->get_name();
    // "REF NAME" taking 1 or 2 words: the leading words are the optional ones.
    int min = o->get_items_expected_min(), max = o->get_items_expected_max();
    size_t words = static_cast<size_t>(std::count(name.begin(), name.end(), ' ')) + 1;
    if (words > 1 && min >= 1 && max == static_cast<int>(words) && min < max) {
      size_t cut = 0;
      for (int k = 0; k < max - min; ++k) cut = name.find(' ', cut) + 1;
      name = "[" + name.substr(0, cut - 1) + "] " + name.substr(cut);
    }
    out += " " + (o->get_required() ? name : "[" + name + "]");
    if (o->get_items_expected_max() > 1 && name.find(' ') == std::string::npos) out += "...";
  }
  if (!VisibleSubcommands(cmd).empty()) out += " COMMAND";
  if (has_flags) out += " [OPTIONS]";
  return out;
}

// ---------------------------------------------------------------- examples

std::vector<Example> ExamplesOf(const CLI::App& cmd) {
  std::string path = CommandPath(cmd);
  std::string key = path.size() > 4 ? path.substr(4) : std::string();  // without "jvs "
  for (const auto& [k, ex] : CommandExamples())
    if (k == key) return ex;
  return {};
}

std::string ExamplesText(const std::vector<Example>& examples) {
  if (examples.empty()) return {};
  size_t width = 0;
  for (const auto& e : examples)
    if (!e.comment.empty()) width = std::max(width, e.command.size());
  std::string out = "Examples:";
  for (const auto& e : examples) {
    std::string line = "  " + e.command;
    if (!e.comment.empty()) {
      line.resize(2 + width, ' ');
      line += "  # " + e.comment;
    }
    out += "\n" + line;
  }
  return out;
}

namespace {
void ApplyExamplesTo(CLI::App& app) {
  std::string text = ExamplesText(ExamplesOf(app));
  if (!text.empty()) {
    // A hand-written "Examples:" footer is replaced by the table's.
    std::string footer = app.get_footer();
    if (footer.rfind("Examples:", 0) == 0) footer.clear();
    app.footer(footer.empty() ? text : text + "\n\n" + footer);
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) ApplyExamplesTo(*sub);
}
}  // namespace

void ApplyExamples(CLI::App& app) { ApplyExamplesTo(app); }

// ---------------------------------------------------------------- man page

namespace {

// Escapes text for troff: backslashes, and a leading '.' or '\'' that would
// read as a request.
std::string Esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

// Plain prose: like Esc, but hyphens stay (they are words, not options).
std::string Prose(const std::string& s) {
  std::string out;
  for (char c : s) out += (c == '\\') ? std::string("\\e") : std::string(1, c);
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::string OptionLine(const CLI::Option& o) {
  std::string out;
  for (const auto& s : o.get_snames())
    out += (out.empty() ? "" : ", ") + std::string("\\fB\\-") + Esc(s) + "\\fR";
  for (const auto& l : o.get_lnames())
    out += (out.empty() ? "" : ", ") + std::string("\\fB\\-\\-") + Esc(l) + "\\fR";
  if (TakesValue(o)) {
    std::string type = o.get_type_name();
    out += " \\fI" + Esc(type.empty() ? "VALUE" : type) + "\\fR";
  }
  return out;
}

void Options(std::string& out, const CLI::App& cmd) {
  for (const CLI::Option* o : VisibleOptions(cmd)) {
    out += ".TP\n";
    out += o->nonpositional() ? OptionLine(*o) : "\\fI" + Esc(o->get_name()) + "\\fR";
    out += "\n" + Prose(o->get_description()) + "\n";
  }
}

void Examples(std::string& out, const std::vector<Example>& examples) {
  if (examples.empty()) return;
  out += ".PP\nExamples:\n.RS 4\n.nf\n";
  size_t width = 0;
  for (const auto& e : examples)
    if (!e.comment.empty()) width = std::max(width, e.command.size());
  for (const auto& e : examples) {
    std::string pad = e.comment.empty() ? "" : std::string(width - e.command.size() + 2, ' ');
    out += Esc(e.command) + (e.comment.empty() ? "" : pad + "# " + Prose(e.comment)) + "\n";
  }
  out += ".fi\n.RE\n";
}

void Command(std::string& out, const CLI::App& cmd) {
  out += ".SS \"" + Esc(Synopsis(cmd)) + "\"\n";
  out += Prose(cmd.get_description()) + "\n";
  if (!cmd.get_aliases().empty()) {
    std::string aliases;
    for (const auto& a : cmd.get_aliases())
      aliases += (aliases.empty() ? "" : ", ") + std::string("\\fB") + Esc(a) + "\\fR";
    out += ".PP\nAlias: " + aliases + ".\n";
  }
  auto subs = VisibleSubcommands(cmd);
  if (!subs.empty()) {
    out += ".PP\nCommands:";
    for (size_t i = 0; i < subs.size(); ++i)
      out += std::string(i ? "," : "") + " \\fB" + Esc(subs[i]->get_name()) + "\\fR";
    out += ".\n";
  }
  if (!VisibleOptions(cmd).empty()) {
    out += ".PP\n";
    Options(out, cmd);
  }
  Examples(out, ExamplesOf(cmd));
}

}  // namespace

std::string ManPage(const CLI::App& app) {
  std::string out;
  out += ".\\\" Generated by 'jvs __man' from the command definitions; do not edit.\n";
  out += ".TH JVS 1 \"\" \"jvs " JVS_VERSION "\" \"User Commands\"\n";
  out += ".SH NAME\njvs \\- version control for whole directories of any size and type\n";
  out += ".SH SYNOPSIS\n.B jvs\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n";
  out +=
      ".SH DESCRIPTION\n"
      "\\fBjvs\\fR records whole directories as snapshots, cheaply: files are cloned (reflink, "
      "JuiceFS) "
      "where the filesystem allows and copied otherwise. Every command is recorded in an operation "
      "log, "
      "so any step can be undone. Worktrees are parallel workspaces sharing one store.\n"
      ".PP\nEvery command accepts \\fB\\-h\\fR, \\fB\\-\\-help\\fR and \\fB\\-\\-json\\fR.\n";
  out += ".SH GLOBAL OPTIONS\n";
  Options(out, app);
  out += ".SH COMMANDS\n";
  for (const CLI::App* cmd : AllCommands(app)) Command(out, *cmd);
  Examples(out, ExamplesOf(app));
  out +=
      ".SH REFERENCES\n"
      "A snapshot (\\fIREF\\fR) is named by: \\fB@\\fR or \\fBHEAD\\fR (the snapshot the worktree "
      "is at; in "
      "\\fBrestore\\fR, \\fBHEAD\\fR means \\fBlatest\\fR); \\fBlatest\\fR (the newest snapshot of "
      "this "
      "worktree); a tag; a unique prefix of a snapshot id (4 or more hex digits); a unique prefix "
      "of a note. "
      "\\fIREF\\fB~\\fIN\\fR is the \\fIN\\fR\\-th first parent. An operation (\\fIOP\\fR) is "
      "\\fB@\\fR, "
      "\\fB@\\-\\fR (its parent) or a unique id prefix.\n";
  out +=
      ".SH CONFIGURATION\n"
      "Settings are read from the user file \\fI~/.config/jvs/config.toml\\fR (or "
      "\\fI$XDG_CONFIG_HOME/jvs/config.toml\\fR) and the repository file \\fI.jvs/config.toml\\fR, "
      "in TOML. "
      "The repository file overrides the user file; environment variables override both. "
      "Use \\fBjvs config\\fR to read and write them.\n";
  for (const auto& k : ConfigKeys()) {
    out += ".TP\n\\fB" + Esc(std::string(k.name)) + "\\fR";
    if (!k.choices.empty()) {
      std::string c;
      for (auto ch : k.choices) c += (c.empty() ? "" : "|") + std::string(ch);
      out += " (" + Esc(c) + ")";
    }
    out += "\n" + Prose(std::string(k.description)) + ".";
    if (!k.default_value.empty()) out += " Default: " + Prose(std::string(k.default_value)) + ".";
    if (!k.env_var.empty()) out += " Environment: \\fB" + Esc(std::string(k.env_var)) + "\\fR.";
    out += "\n";
  }
  out +=
      ".SH ENVIRONMENT\n"
      ".TP\n\\fBJVS_TIMESTAMP\\fR\nPin every timestamp (RFC 3339 or seconds since the epoch), for "
      "tests.\n"
      ".TP\n\\fBJVS_RANDOMNESS_SEED\\fR\nDeterministic change ids, for tests.\n"
      ".TP\n\\fBJVS_HOST\\fR\nThe host name recorded in snapshots and operations.\n"
      ".TP\n\\fBJVS_LOCK_TIMEOUT_MS\\fR\nHow long a command waits for a busy worktree (default "
      "10000).\n"
      ".TP\n\\fBJVS_THREADS\\fR\nSize of the worker pool.\n"
      ".TP\n\\fBJVS_HUGEPAGES\\fR\n0: never re-execute with glibc's malloc huge pages (for valgrind); 1 "
      "(default): do so where transparent huge pages are in madvise mode.\n"
      ".TP\n\\fBNO_COLOR\\fR\nNever use colour.\n"
      ".PP\nThe variables overriding configuration keys are listed under CONFIGURATION.\n";
  out +=
      ".SH EXIT STATUS\n"
      ".TP\n0\nSuccess.\n.TP\n1\nThe command failed (bad reference, refused, nothing to do).\n"
      ".TP\n2\nUsage error (unknown flag, missing or malformed argument, bad configuration).\n"
      ".TP\n3\nIntegrity failure (corrupt or tampered data).\n"
      ".TP\n4\nThe repository is locked beyond the wait limit.\n.TP\n130\nInterrupted.\n";
  out +=
      ".SH FILES\n"
      ".TP\n\\fIROOT/.jvs/\\fR\nThe control folder: store, operation log, worktree state, "
      "\\fIconfig.toml\\fR.\n"
      ".TP\n\\fI.jvsignore\\fR\nIgnore rules of a directory (gitignore syntax).\n";
  out += ".SH SEE ALSO\n\\fBgit\\fR(1), \\fBjj\\fR(1)\n";
  return out;
}

void RegisterHelpCommands(CLI::App& app, Context& ctx) {
  auto* man = app.add_subcommand("__man", "Print the manual page (troff)");
  man->group("");
  man->callback([&ctx, &app] {
    ctx.RejectPaths();
    std::string page = ManPage(app);
    std::fwrite(page.data(), 1, page.size(), stdout);
  });
}

}  // namespace jvs::cli
