#include "usage_errors.h"

#include <algorithm>

#include "help.h"
#include "quote.h"

namespace jvs::cli {

namespace {

// Options of `app` and of the commands it falls through to (global options).
// `name` may list several names ("-n,--limit", as CLI11 writes them).
const CLI::Option* FindOption(const CLI::App* app, const std::string& name) {
  for (; app; app = app->get_parent()) {
    if (const CLI::Option* o = app->get_option_no_throw(name)) return o;
    for (size_t start = 0; start < name.size();) {
      size_t comma = name.find(',', start);
      std::string one = name.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!one.empty() && one != name)
        if (const CLI::Option* o = app->get_option_no_throw(one)) return o;
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return nullptr;
}

// What the arguments name: the deepest command and its positional words.
struct Walk {
  const CLI::App* cmd;
  std::vector<std::string> positionals;
};

Walk WalkArgs(const CLI::App& root, const std::vector<std::string>& args) {
  Walk w{&root, {}};
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 1 && a[0] == '-') {
      std::string name = a.substr(0, a.find('='));
      if (const CLI::Option* o = FindOption(w.cmd, name))
        if (o->get_expected_min() > 0 && o->get_type_size() > 0 && name.size() == a.size()) ++i;
      continue;
    }
    if (w.positionals.empty()) {
      const CLI::App* next = nullptr;
      for (const CLI::App* s : w.cmd->get_subcommands([](const CLI::App*) { return true; }))
        if (s->check_name(a)) next = s;
      if (next) {
        w.cmd = next;
        continue;
      }
    }
    w.positionals.push_back(a);
  }
  return w;
}

std::string Quoted(const std::string& s) { return "'" + EscapeText(s) + "'"; }

std::string Usage(const CLI::App& cmd) { return "usage: " + Synopsis(cmd) + "; '" + CommandPath(cmd) + " --help' says more"; }

// The option named at the start of a CLI11 message ("--limit: ...", "REF NAME: ...").
const CLI::Option* OptionInMessage(const CLI::App* cmd, const std::string& what) {
  size_t colon = what.find(':');
  if (colon == std::string::npos) return nullptr;
  return FindOption(cmd, what.substr(0, colon));
}

// "--limit" / "-n" / "NAME": how users write the option.
std::string OptionLabel(const CLI::Option& o) {
  if (!o.nonpositional()) return o.get_name();
  if (!o.get_lnames().empty()) return "--" + o.get_lnames()[0];
  if (!o.get_snames().empty()) return "-" + o.get_snames()[0];
  return o.get_name();
}

// The value given to `o` (the last one), if any.
std::string GivenValue(const CLI::Option& o) { return o.results().empty() ? std::string() : o.results().back(); }

std::vector<std::string> SubcommandNames(const CLI::App& cmd) {
  std::vector<std::string> names;
  for (const CLI::App* s : VisibleSubcommands(cmd)) names.push_back(s->get_name());
  return names;
}

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Positional capacity of `cmd` (total words it takes at most).
size_t PositionalMax(const CLI::App& cmd) {
  size_t n = 0;
  for (const CLI::Option* o : cmd.get_options([](const CLI::Option* o) { return o->get_positional(); }))
    n += static_cast<size_t>(std::max(0, o->get_items_expected_max()));
  return n;
}

}  // namespace

Error UsageErrorFor(const CLI::App& root, const CLI::ParseError& e, const std::vector<std::string>& args) {
  Walk w = WalkArgs(root, args);
  const CLI::App& cmd = *w.cmd;
  const std::string path = CommandPath(cmd);
  const std::string what = e.what();
  auto err = [](std::string message, std::string hint) {
    return Error(ErrorCode::kInvalidArgument, std::move(message), std::move(hint));
  };

  if (dynamic_cast<const CLI::RequiredError*>(&e)) {
    auto subs = SubcommandNames(cmd);
    if (!subs.empty() && cmd.get_require_subcommand_min() > 0 && w.positionals.empty()) {
      if (&cmd == &root)
        return err("no command given", "for example 'jvs status' or 'jvs snapshot \"note\"'; 'jvs --help' lists the commands");
      return err("'" + path + "' needs a command: " + Join(subs, ", "), "'" + path + " --help' says what each does");
    }
    for (const CLI::Option* o : cmd.get_options([](const CLI::Option* o) { return o->get_required(); }))
      if (o->count() == 0)
        return err("'" + path + "' needs " + OptionLabel(*o), Usage(cmd));
    return err("'" + path + "' is missing an argument", Usage(cmd));
  }

  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
    const CLI::Option* o = OptionInMessage(&cmd, what);
    if (o && o->nonpositional())
      return err("option " + OptionLabel(*o) + " of '" + path + "' needs a value", Usage(cmd));
    size_t max = PositionalMax(cmd);
    if (w.positionals.size() > max)
      return err("too many arguments for '" + path + "': it takes at most " + std::to_string(max) + ", got " +
                     std::to_string(w.positionals.size()),
                 Usage(cmd));
    return err("wrong number of arguments for '" + path + "'", Usage(cmd));
  }

  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    std::vector<std::string> extra = root.remaining(true);
    std::string list;
    for (const auto& x : extra) list += (list.empty() ? "" : " ") + Quoted(x);
    bool option = !extra.empty() && extra[0].size() > 1 && extra[0][0] == '-';
    std::string hint = Usage(cmd);
    if (option) hint += "; a value that starts with '-' goes after '--'";
    return err((extra.size() > 1 ? "unexpected arguments " : "unexpected argument ") + list + " for '" + path + "'",
               hint);
  }

  if (dynamic_cast<const CLI::ValidationError*>(&e) || dynamic_cast<const CLI::ConversionError*>(&e)) {
    const CLI::Option* o = OptionInMessage(&cmd, what);
    if (!o) {
      // "Could not convert: --limit = abc" / "The value x is not an allowed value for --limit"
      for (const std::string& marker : {std::string("Could not convert: "), std::string("allowed value for ")}) {
        size_t at = what.find(marker);
        if (at == std::string::npos) continue;
        std::string name = what.substr(at + marker.size());
        name = name.substr(0, name.find(' '));
        o = FindOption(&cmd, name);
      }
    }
    if (o) {
      std::string given = GivenValue(*o);
      std::string hint = OptionLabel(*o) + ": " + o->get_description();
      if (what.find("not in range") != std::string::npos) hint = OptionLabel(*o) + " takes a whole number, 0 or more";
      return err("invalid value " + Quoted(given) + " for " + OptionLabel(*o) + " of '" + path + "'", hint);
    }
    return err("invalid value on the command line of '" + path + "'", Usage(cmd));
  }

  return err("the command line of '" + path + "' could not be read", Usage(cmd));
}

namespace {

class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App* app, std::string) const override {
    return "Usage: " + Synopsis(*app) + "\n";
  }
};

}  // namespace

std::shared_ptr<CLI::Formatter> MakeHelpFormatter() { return std::make_shared<HelpFormatter>(); }

}  // namespace jvs::cli
