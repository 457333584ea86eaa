// Our own words for command lines CLI11 rejects. CLI11's messages ("A
// subcommand is required", "At Most 2 required but received 3", "Value 0 not
// in range 0.000000 to 1.79e308") never reach users: each parse error is
// turned into a message naming the command and the argument, with a hint
// (usually the command's usage line). Also the help formatter that prints
// our usage line. Stateless; not thread-safe only as far as CLI11 is not.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "jvs/base/result.h"

namespace jvs::cli {

// The error (kInvalidArgument) to show for `e`, raised while parsing `args`
// (the arguments after the program name, before any "--") against `root`.
Error UsageErrorFor(const CLI::App& root, const CLI::ParseError& e, const std::vector<std::string>& args);

// A CLI11 formatter whose "Usage:" line is Synopsis() ("jvs worktree fork
// [REF] NAME [OPTIONS]"). Set it on the root before adding subcommands.
std::shared_ptr<CLI::Formatter> MakeHelpFormatter();

}  // namespace jvs::cli
