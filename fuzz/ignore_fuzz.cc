// .jvsignore: any rule text compiles and any path is matched without a crash
// or a blow-up (the matcher is linear-backtracking), and the rules behave as
// documented whatever they are:
// - the workspace root is never ignored;
// - a .jvsignore only applies below its own directory;
// - within one file the last matching rule wins, so appending "!*" un-ignores
//   every path and appending "*" ignores every path (below that directory);
// - the answer does not depend on how many times it is asked.
// Input: the rules text, then after a NUL byte the '/'-free components of the
// directory holding the file and of the queried paths, separated by newlines.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "jvs/base/repo_path.h"
#include "wc/ignore.h"

namespace {

// Turns arbitrary bytes into a valid path: components split at '/', invalid
// ones (empty, ".", "..", NUL) dropped.
jvs::RepoPath ToPath(std::string_view s) {
  jvs::RepoPath p;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('/', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view comp = s.substr(start, end - start);
    if (jvs::ValidateName(comp).ok()) p = p.Join(comp);
    start = end + 1;
  }
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = AsView(data, size);
  size_t nul = in.find('\0');
  std::string_view rules = in.substr(0, nul);
  std::vector<jvs::RepoPath> paths;
  jvs::RepoPath dir;
  if (nul != std::string_view::npos) {
    std::string_view rest = in.substr(nul + 1);
    bool first = true;
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      std::string clean(line);
      for (char& c : clean)
        if (c == '\0') c = '_';
      if (first) {
        dir = ToPath(clean);
        first = false;
      } else if (paths.size() < 16) {
        paths.push_back(ToPath(clean));
      }
    }
  }
  if (paths.empty()) paths = {ToPath("a"), ToPath("a/b"), ToPath("dir/x.txt"), ToPath(".hidden")};
  // Queries below the rules' directory, and the same names elsewhere.
  std::vector<jvs::RepoPath> below;
  for (const auto& p : paths) {
    jvs::RepoPath q = dir;
    for (std::string_view comp : p.components()) q = q.Join(comp);
    below.push_back(q);
  }

  auto m = jvs::IgnoreMatcher::Empty()->WithRules(dir, rules);
  auto none = jvs::IgnoreMatcher::Empty()->WithRules(dir, std::string(rules) + "\n!*\n");
  auto all = jvs::IgnoreMatcher::Empty()->WithRules(dir, std::string(rules) + "\n*\n");
  for (bool is_dir : {false, true}) {
    FUZZ_CHECK(!m->IsIgnored(jvs::RepoPath(), is_dir));
    FUZZ_CHECK(!all->IsIgnored(jvs::RepoPath(), is_dir));
    for (const auto& p : below) {
      bool ignored = m->IsIgnored(p, is_dir);
      FUZZ_CHECK(ignored == m->IsIgnored(p, is_dir));
      if (p == dir) {
        FUZZ_CHECK(!ignored);  // a file's rules never apply to its own directory
        continue;
      }
      FUZZ_CHECK(!none->IsIgnored(p, is_dir));
      FUZZ_CHECK(all->IsIgnored(p, is_dir));
    }
    for (const auto& p : paths) {
      if (p.StartsWith(dir) && !dir.is_root()) continue;
      if (!dir.is_root()) FUZZ_CHECK(!m->IsIgnored(p, is_dir));  // outside its directory
    }
  }
  // A deeper file wins over a shallower one: rules of the root that ignore
  // everything are overridden by "!*" in the deeper directory.
  if (!dir.is_root()) {
    auto layered =
        jvs::IgnoreMatcher::Empty()->WithRules(dir, "!*\n")->WithRules(jvs::RepoPath(), rules);
    for (const auto& p : below)
      if (!(p == dir)) FUZZ_CHECK(!layered->IsIgnored(p, false));
  }
  return 0;
}
