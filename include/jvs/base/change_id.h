// Change ids as users see them. A snapshot's change id is stored as 32
// lowercase hex digits (jvs/store/objects.h); it is shown and typed in
// Jujutsu's "reverse hex" alphabet, where 0..f become z..k (0->z, 1->y, ...,
// f->k), so that a change id can never be mistaken for a snapshot id prefix.
// Pure functions on strings; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jvs {

// Hex digits (0-9, a-f, either case) to reverse hex; nullopt on any other character.
std::optional<std::string> ChangeIdToReverseHex(std::string_view hex);
// Reverse hex (k-z, either case) to lowercase hex; nullopt on any other character.
std::optional<std::string> ReverseHexToChangeId(std::string_view reverse_hex);
// Whether `s` is non-empty and made only of reverse-hex letters (k-z, either case).
bool IsReverseHex(std::string_view s);

}  // namespace jvs
