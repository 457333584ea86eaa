#include "jvs/object_id.h"

namespace jvs {

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
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
