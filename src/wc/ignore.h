// IgnoreMatcher: decides whether a workspace path is excluded by `.jvsignore`
// files, using gitignore(5) syntax. A matcher is a chain of rule sets, one per
// directory that has a .jvsignore, from the workspace root downward; patterns
// are compiled once in `WithRules`. Immutable after construction, so one
// instance may be shared and queried from any number of threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/base/repo_path.h"

namespace jvs {

class IgnoreMatcher {
 public:
  // No rules: nothing is ignored.
  static std::shared_ptr<const IgnoreMatcher> Empty();

  // A matcher with the rules of this one plus the rules in `content` (the text
  // of a .jvsignore file located in directory `dir`, relative to the workspace
  // root). Rules of deeper files take precedence over rules of shallower ones
  // whatever the order of the calls; for two files of the same directory the
  // one added last wins. Malformed patterns (a trailing unescaped '\', an
  // unknown "[:class:]") never match, like in git. `this` is not modified.
  std::shared_ptr<const IgnoreMatcher> WithRules(const RepoPath& dir,
                                                 std::string_view content) const;

  // True if `path` (a file, or a directory when is_dir) is ignored by the rules.
  // Callers walk top-down and never descend into an ignored directory, so this
  // only decides for `path` itself (like git, a file inside an excluded
  // directory cannot be re-included; callers never ask about it). The root is
  // never ignored. Allocation-free.
  bool IsIgnored(const RepoPath& path, bool is_dir) const;

  // True if no rule at all is loaded.
  bool empty() const { return sets_.empty(); }

 private:
  struct RuleSet;  // the compiled rules of one .jvsignore (defined in ignore.cc)

  IgnoreMatcher() = default;

  // Ordered by directory depth, shallowest first; queried from the back.
  std::vector<std::shared_ptr<const RuleSet>> sets_;
};

}  // namespace jvs
