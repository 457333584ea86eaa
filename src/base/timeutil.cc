#include "jvs/base/timeutil.h"

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

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
                 "use RFC 3339 (2026-01-02T03:04:05Z) or seconds since the epoch, between the years 1678 and "
                 "2261");
  };
  // Nanoseconds since the epoch must fit in int64: about 1677-09-21 to 2262-04-11.
  constexpr int64_t kMaxSeconds = INT64_MAX / 1000000000 - 1;
  if (s.empty()) return bad();
  bool all_digits = true;
  for (char c : s)
    if (c < '0' || c > '9') all_digits = false;
  if (all_digits) {
    if (s.size() > 12) return bad();
    int64_t secs = std::stoll(std::string(s));
    if (secs > kMaxSeconds) return bad();
    return secs * 1000000000;
  }
  // YYYY-MM-DDTHH:MM:SS, every field exactly its digits (no sign, no spaces).
  auto num = [&](size_t pos, size_t len, int* out) {
    if (pos + len > s.size()) return false;
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int y, mo, d, h, mi, sec;
  if (s.size() < 19 || !num(0, 4, &y) || s[4] != '-' || !num(5, 2, &mo) || s[7] != '-' || !num(8, 2, &d) ||
      (s[10] != 'T' && s[10] != 't') || !num(11, 2, &h) || s[13] != ':' || !num(14, 2, &mi) || s[16] != ':' ||
      !num(17, 2, &sec))
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
    int oh = 0, om = 0;
    std::string_view off = rest;
    auto digits2 = [](std::string_view v, size_t pos, int* out) {
      if (v[pos] < '0' || v[pos] > '9' || v[pos + 1] < '0' || v[pos + 1] > '9') return false;
      *out = (v[pos] - '0') * 10 + (v[pos + 1] - '0');
      return true;
    };
    if (!digits2(off, 1, &oh) || !digits2(off, 4, &om) || oh > 23 || om > 59) return bad();
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
  if (t > kMaxSeconds || t < -kMaxSeconds) return bad();
  return t * 1000000000 + frac_ns;
}

}  // namespace jvs
