#include "jvs/timeutil.h"

#include <cstdio>
#include <ctime>

namespace jvs {

std::string FormatRfc3339(int64_t ns) {
  int64_t secs = ns / 1000000000;
  int64_t rem = ns % 1000000000;
  if (rem < 0) {
    rem += 1000000000;
    secs -= 1;
  }
  time_t t = static_cast<time_t>(secs);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(rem / 1000000));
  return buf;
}

Result<int64_t> ParseTimestamp(std::string_view s) {
  auto bad = [&] {
    return Error(ErrorCode::kInvalidArgument, "invalid timestamp '" + std::string(s) + "'",
                 "use RFC 3339 (2026-01-02T03:04:05Z) or seconds since the epoch");
  };
  if (s.empty()) return bad();
  bool all_digits = true;
  for (char c : s)
    if (c < '0' || c > '9') all_digits = false;
  if (all_digits) {
    if (s.size() > 12) return bad();
    return static_cast<int64_t>(std::stoll(std::string(s))) * 1000000000;
  }
  int y, mo, d, h, mi, sec;
  int consumed = 0;
  std::string str(s);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &consumed) != 6 ||
      consumed != 19)
    return bad();
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return bad();
  std::string_view rest = s.substr(19);
  int64_t frac_ns = 0;
  if (!rest.empty() && rest[0] == '.') {
    rest.remove_prefix(1);
    int64_t scale = 100000000;
    size_t n = 0;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') {
      frac_ns += (rest[n] - '0') * scale;
      scale /= 10;
      ++n;
    }
    if (n == 0) return bad();
    rest.remove_prefix(n);
  }
  int64_t offset = 0;
  if (rest == "Z" || rest == "z") {
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = (rest[1] - '0') * 10 + (rest[2] - '0');
    int om = (rest[4] - '0') * 10 + (rest[5] - '0');
    offset = (oh * 3600 + om * 60) * (rest[0] == '+' ? 1 : -1);
  } else {
    return bad();
  }
  struct tm tm = {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  int64_t t = static_cast<int64_t>(timegm(&tm)) - offset;
  return t * 1000000000 + frac_ns;
}

}  // namespace jvs
