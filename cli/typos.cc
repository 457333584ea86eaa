#include "typos.h"

#include "jvs/base/suggest.h"

namespace jvs::cli {

namespace {

// The option `name` ("--x" or "-x") of `app` or of an app it falls through to.
const CLI::Option* FindOption(const CLI::App* app, const std::string& name) {
  for (; app; app = app->get_parent())
    if (const CLI::Option* o = app->get_option_no_throw(name)) return o;
  return nullptr;
}

std::string CommandPath(const CLI::App* app) {
  std::string path;
  for (; app && app->get_parent(); app = app->get_parent())
    path = app->get_name() + (path.empty() ? "" : " ") + path;
  return path;
}

}  // namespace

std::optional<UsageTypo> FindUsageTypo(const CLI::App& root, const std::vector<std::string>& args) {
  const CLI::App* cur = &root;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 1 && a[0] == '-') {
      std::string name = a.substr(0, a.find('='));
      if (const CLI::Option* o = FindOption(cur, name)) {
        if (o->get_expected_min() > 0 && o->get_type_size() > 0 && name.size() == a.size())
          ++i;  // its value
        continue;
      }
      if (a.rfind("--", 0) != 0) continue;  // short options: too short to guess
      std::vector<std::string> names;
      for (const CLI::App* app = cur; app; app = app->get_parent())
        for (const CLI::Option* o : app->get_options())
          for (const auto& l : o->get_lnames()) names.push_back("--" + l);
      std::string where = CommandPath(cur);
      std::string help = where.empty() ? "jvs --help" : "jvs " + where + " --help";
      std::string dym = DidYouMean(ClosestNames(name, names));
      return UsageTypo{
          "unknown option '" + name + "'" + (where.empty() ? "" : " for 'jvs " + where + "'"),
          (dym.empty() ? "" : dym + " ") + "'" + help + "' lists the options"};
    }
    std::vector<const CLI::App*> subs = cur->get_subcommands([](const CLI::App*) { return true; });
    if (subs.empty()) continue;  // a positional argument of a command
    const CLI::App* next = nullptr;
    for (const CLI::App* s : subs)
      if (s->check_name(a)) next = s;
    if (next) {
      cur = next;
      continue;
    }
    std::vector<std::string> names;
    for (const CLI::App* s : subs) {
      names.push_back(s->get_name());
      for (const auto& alias : s->get_aliases()) names.push_back(alias);
    }
    std::string where = CommandPath(cur);
    std::string help = where.empty() ? "jvs --help" : "jvs " + where + " --help";
    std::string dym = DidYouMean(ClosestNames(a, names));
    return UsageTypo{"unknown command '" + (where.empty() ? "" : where + " ") + a + "'",
                     (dym.empty() ? "" : dym + " ") + "'" + help + "' lists the commands", true};
  }
  return std::nullopt;
}

}  // namespace jvs::cli
