// Shared by the files of src/config (keys.cc, config_file.cc, config.cc).
#pragma once

#include <string>
#include <string_view>

#include "jvs/config/config.h"

namespace jvs::config_internal {

// Per-key checks beyond the type (shared by files, the command line and the
// environment). Empty when `value` is acceptable.
std::string Problem(const ConfigKey& key, const ConfigValue& value);

// "a non-negative integer", "true or false", ...
std::string_view TypeName(const ConfigKey& key);

}  // namespace jvs::config_internal
