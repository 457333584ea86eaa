#include "humanize.h"

#include <cmath>
#include <cstdio>

namespace jvs::cli {

std::string HumanBytes(uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof(buf), "%llu B", static_cast<unsigned long long>(n));
  else
    std::snprintf(buf, sizeof(buf), "%.1f %s", v, units[u]);
  return buf;
}

std::string HumanCount(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string HumanDuration(double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // also NaN
  if (seconds >= 100 * 3600) return "99h+";
  auto s = static_cast<uint64_t>(std::llround(seconds));
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof(buf), "%llus", static_cast<unsigned long long>(s));
  else if (s < 3600)
    std::snprintf(buf, sizeof(buf), "%llum%02llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  else
    std::snprintf(buf, sizeof(buf), "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>((s / 60) % 60));
  return buf;
}

namespace {
std::string Ago(int64_t n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s") + " ago";
}
}  // namespace

std::string RelativeTime(int64_t then_ns, int64_t now_ns) {
  constexpr int64_t kSecond = 1000000000;
  int64_t d = now_ns - then_ns;
  if (d < -kSecond) return "in the future";
  int64_t s = d / kSecond;
  if (s < 1) return "just now";
  if (s < 90) return Ago(s, "second");
  int64_t m = (s + 30) / 60;
  if (m < 90) return Ago(m, "minute");
  int64_t h = (m + 30) / 60;
  if (h < 36) return Ago(h, "hour");
  int64_t days = (h + 12) / 24;
  if (days < 14) return Ago(days, "day");
  if (days < 70) return Ago((days + 3) / 7, "week");
  if (days < 365) return Ago((days + 15) / 30, "month");
  return Ago((days + 182) / 365, "year");
}

}  // namespace jvs::cli
