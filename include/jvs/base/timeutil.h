// RFC 3339 formatting and parsing of UTC timestamps (nanoseconds since epoch).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "jvs/base/result.h"

namespace jvs {

// "2026-11-21T10:00:00.123Z" (milliseconds; ".000" kept for fixed width).
std::string FormatRfc3339(int64_t ns);
// Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" or integer seconds since epoch.
Result<int64_t> ParseTimestamp(std::string_view s);

}  // namespace jvs
