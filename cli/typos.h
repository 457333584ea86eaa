// "Did you mean ...?" for usage errors: after CLI11 rejects a command line,
// finds the first unknown command or long option in it and suggests the
// closest known names (by edit distance, jvs/suggest.h).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace jvs::cli {

struct UsageTypo {
  std::string message;  // "unknown command 'snapshto'"
  std::string hint;     // "did you mean 'snapshot'? ..."
  bool unknown_command = false;  // a command name (not an option) is unknown
};

// `args` are the arguments after the program name (before any "--").
// Returns nothing when no unknown command or option is found.
std::optional<UsageTypo> FindUsageTypo(const CLI::App& app, const std::vector<std::string>& args);

}  // namespace jvs::cli
