// Change id alphabets (see jvs/base/change_id.h).
#include "jvs/base/change_id.h"

namespace jvs {

namespace {

// The value 0..15 of a hex digit, or -1.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value 0..15 of a reverse-hex letter (z=0 ... k=15), or -1.
int ReverseHexValue(char c) {
  if (c >= 'k' && c <= 'z') return 'z' - c;
  if (c >= 'K' && c <= 'Z') return 'Z' - c;
  return -1;
}

}  // namespace

std::optional<std::string> ChangeIdToReverseHex(std::string_view hex) {
  std::string out(hex.size(), '\0');
  for (size_t i = 0; i < hex.size(); ++i) {
    int v = HexValue(hex[i]);
    if (v < 0) return std::nullopt;
    out[i] = static_cast<char>('z' - v);
  }
  return out;
}

std::optional<std::string> ReverseHexToChangeId(std::string_view reverse_hex) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(reverse_hex.size(), '\0');
  for (size_t i = 0; i < reverse_hex.size(); ++i) {
    int v = ReverseHexValue(reverse_hex[i]);
    if (v < 0) return std::nullopt;
    out[i] = kDigits[v];
  }
  return out;
}

bool IsReverseHex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (ReverseHexValue(c) < 0) return false;
  return true;
}

}  // namespace jvs
