// Object ids: the SHA-256 of an object's canonical encoding (for blobs, of the
// raw content). `Id<Kind>` gives each object kind its own type so a tree id
// cannot be passed where a blob id is expected. Value type, thread-compatible.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "jvs/base/result.h"

namespace jvs {

inline constexpr size_t kIdBytes = 32;
inline constexpr size_t kIdHexLength = 64;

using Digest = std::array<uint8_t, kIdBytes>;

std::string ToHex(const uint8_t* data, size_t n);
// Parses exactly 64 hex characters (either case; Id::FromHex wants lowercase).
Result<Digest> DigestFromHex(std::string_view hex);
bool IsHexString(std::string_view s);

template <typename Kind>
class Id {
 public:
  Id() { bytes_.fill(0); }
  explicit Id(const Digest& d) : bytes_(d) {}

  // Parses the canonical form: exactly 64 lowercase hex digits (so that every
  // encoded object has one spelling). User input is lowercased by the caller.
  static Result<Id> FromHex(std::string_view hex) {
    bool lower = true;
    for (char c : hex)
      if (c >= 'A' && c <= 'F') lower = false;
    auto d = lower ? DigestFromHex(hex) : Result<Digest>(Error(ErrorCode::kCorrupt, "uppercase"));
    if (!d.ok())
      return Error(ErrorCode::kCorrupt, std::string("invalid ") + Kind::kName + " id '" +
                                            std::string(hex.substr(0, 80)) + "'");
    return Id(*d);
  }
  std::string hex() const { return ToHex(bytes_.data(), bytes_.size()); }
  const Digest& bytes() const { return bytes_; }
  bool is_zero() const {
    for (uint8_t b : bytes_)
      if (b) return false;
    return true;
  }
  auto operator<=>(const Id&) const = default;

 private:
  Digest bytes_;
};

struct BlobKind { static constexpr const char* kName = "blob"; };
struct TreeKind { static constexpr const char* kName = "tree"; };
struct SnapshotKind { static constexpr const char* kName = "snapshot"; };
struct OperationKind { static constexpr const char* kName = "operation"; };
struct ViewKind { static constexpr const char* kName = "view"; };

using BlobId = Id<BlobKind>;
using TreeId = Id<TreeKind>;
using SnapshotId = Id<SnapshotKind>;
using OperationId = Id<OperationKind>;
using ViewId = Id<ViewKind>;

struct IdHash {
  template <typename K>
  size_t operator()(const Id<K>& id) const {
    size_t h;
    std::memcpy(&h, id.bytes().data(), sizeof(h));
    return h;
  }
};

}  // namespace jvs
