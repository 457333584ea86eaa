#include "jvs/base/object_id.h"

#include <array>

namespace jvs {

namespace {
// -1 for anything that is not a hex digit (ids are parsed by the thousand
// when a history is listed: a table beats three range checks per digit).
constexpr std::array<int8_t, 256> kHexValues = [] {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<int8_t>(c - 'A' + 10);
  return t;
}();
int HexValue(char c) { return kHexValues[static_cast<unsigned char>(c)]; }
}  // namespace

std::string ToHex(const uint8_t* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '\0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 15];
  }
  return out;
}

bool IsHexString(std::string_view s) {
  for (char c : s)
    if (HexValue(c) < 0) return false;
  return true;
}

Result<Digest> DigestFromHex(std::string_view hex) {
  if (hex.size() != kIdHexLength || !IsHexString(hex))
    return Error(ErrorCode::kInvalidArgument, "not a 64-digit hex id");
  Digest d;
  for (size_t i = 0; i < kIdBytes; ++i)
    d[i] = static_cast<uint8_t>(HexValue(hex[2 * i]) << 4 | HexValue(hex[2 * i + 1]));
  return d;
}

}  // namespace jvs
