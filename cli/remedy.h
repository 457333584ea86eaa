// The words for what the user can do about an error: the library attaches
// remedies to errors as data (jvs::Remedy in jvs/base/result.h) and never
// names a command; the CLI words each one with its own commands here.
#pragma once

#include <string>

#include "jvs/base/result.h"

namespace jvs::cli {

// One remedy in words, e.g. "run 'jvs doctor' to inspect the repository".
std::string RemedyText(const RemedyStep& step);

// The hint shown for an error: its plain hint, then each remedy, joined by "; ".
std::string FullHint(const Error& error);

}  // namespace jvs::cli
