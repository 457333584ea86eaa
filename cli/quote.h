// Terminal-safe text for names and notes. Every path, tag, worktree name and
// note that jvs writes as text goes through these functions, so that no
// control byte (ESC, BEL, CR, a newline...) from a name reaches the terminal
// and a name always stays on one line. Also the exact JSON form of names that
// are not valid UTF-8. Pure functions; thread-safe.
//
// The rule (docs/cli.md, "Names in output"): a name made of printable
// characters of valid UTF-8, without '"' or '\', is printed as it is.
// Otherwise it is printed in double quotes with C escapes, as git does with
// core.quotePath=false: \a \b \t \n \v \f \r \" \\, and \ooo (three octal
// digits) for every other control byte, DEL, the C1 controls U+0080..U+009F
// (each of their two bytes) and every byte that is not part of valid UTF-8.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace jvs::cli {

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code
// points above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// `name` for text output, quoted when needed (see above).
std::string QuoteName(std::string_view name);

// Free text (messages, hints, operation descriptions): control bytes and bytes
// that are not valid UTF-8 are escaped as in QuoteName; quotes and
// backslashes stay, and no quotes are added.
std::string EscapeText(std::string_view text);

// Width, in characters, of a note in listings.
inline constexpr size_t kNoteWidth = 72;

// A note in a listing: its first line, escaped like EscapeText, cut to
// `width` characters with "…" at the end when longer. The full note stays in
// --json.
std::string NoteSummary(std::string_view note, size_t width = kNoteWidth);

// Standard base64 (RFC 4648, with '=' padding).
std::string Base64(std::string_view bytes);

// The JSON form of a name (file path, tag, worktree, note): j[key] is the name
// as a string (valid UTF-8 unchanged; each invalid byte as U+FFFD, for
// display only) and, only when the name is not valid UTF-8, j[key + "_b64"]
// holds its exact bytes in base64. Two names that differ only in invalid
// bytes therefore always differ in `KEY_b64`.
void SetNameJson(nlohmann::json& j, const std::string& key, std::string_view name);
// A list of names: j[key] is the array of names as strings and, only when one
// of them is not valid UTF-8, j[key + "_b64"] is the array of every name's
// bytes in base64 (same order).
void SetNamesJson(nlohmann::json& j, const std::string& key, const std::vector<std::string>& names);

}  // namespace jvs::cli
