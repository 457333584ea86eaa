// Numbers, sizes, durations and times as people read them ("1.5 MiB",
// "3m05s", "3 minutes ago"). Pure functions, thread-safe; no colour.
#pragma once

#include <cstdint>
#include <string>

namespace jvs::cli {

// "999 B", "1.5 KiB", "12.0 MiB" (binary units, one decimal above bytes).
std::string HumanBytes(uint64_t n);
// "1,234,567": thousands separated by commas.
std::string HumanCount(uint64_t n);
// A duration in whole seconds, for ETAs: "7s", "3m05s", "2h03m" (and "99h+" beyond).
std::string HumanDuration(double seconds);
// How long before `now_ns` the time `then_ns` was: "just now", "1 second ago",
// "5 minutes ago", "3 hours ago", "2 days ago", "3 weeks ago", "4 months ago",
// "2 years ago"; "in the future" when then > now by more than a second
// (thresholds as in git: <90 s seconds, <90 min minutes, <36 h hours,
// <14 days days, <10 weeks weeks, <1 year months).
std::string RelativeTime(int64_t then_ns, int64_t now_ns);

}  // namespace jvs::cli
