// LEB128 unsigned varints for the binary on-disk formats.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace jvs {

inline void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Consumes a varint from the front of *in; false if truncated, over 64 bits,
// or not minimally encoded (so every value has exactly one encoding).
inline bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    uint8_t b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    if (shift == 63 && b > 1) return false;
    result |= uint64_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) {
      if (b == 0 && shift > 0) return false;  // non-minimal: one value, one encoding
      *v = result;
      return true;
    }
  }
  return false;
}

inline void PutFixed64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

inline bool GetFixed64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  uint64_t r = 0;
  for (int i = 0; i < 8; ++i) r |= uint64_t{static_cast<uint8_t>((*in)[i])} << (8 * i);
  in->remove_prefix(8);
  *v = r;
  return true;
}

}  // namespace jvs
