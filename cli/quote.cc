#include "quote.h"

namespace jvs::cli {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when the byte there does
// not start one.
size_t Utf8SeqLen(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

bool IsC1(std::string_view s, size_t i, size_t n) {
  return n == 2 && static_cast<unsigned char>(s[i]) == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
}

void Octal(std::string& out, unsigned char c) {
  out += '\\';
  out += static_cast<char>('0' + ((c >> 6) & 7));
  out += static_cast<char>('0' + ((c >> 3) & 7));
  out += static_cast<char>('0' + (c & 7));
}

// Appends s[i] escaped when it is a control byte; false when it is not one.
bool EscapeControl(std::string& out, unsigned char c) {
  switch (c) {
    case '\a': out += "\\a"; return true;
    case '\b': out += "\\b"; return true;
    case '\t': out += "\\t"; return true;
    case '\n': out += "\\n"; return true;
    case '\v': out += "\\v"; return true;
    case '\f': out += "\\f"; return true;
    case '\r': out += "\\r"; return true;
    default: break;
  }
  if (c < 0x20 || c == 0x7F) {
    Octal(out, c);
    return true;
  }
  return false;
}

// Escapes `s` into `out`; `quote_specials` also escapes '"' and '\'.
// Returns true when anything was escaped. Stops after `max_chars` characters
// (sets *cut).
bool Escape(std::string_view s, bool quote_specials, std::string& out, size_t max_chars = std::string::npos,
            bool* cut = nullptr) {
  bool escaped = false;
  size_t chars = 0;
  for (size_t i = 0; i < s.size();) {
    if (chars == max_chars) {
      if (cut) *cut = true;
      break;
    }
    ++chars;
    auto c = static_cast<unsigned char>(s[i]);
    if (quote_specials && (c == '"' || c == '\\')) {
      out += '\\';
      out += static_cast<char>(c);
      escaped = true;
      ++i;
      continue;
    }
    if (EscapeControl(out, c)) {
      escaped = true;
      ++i;
      continue;
    }
    size_t n = Utf8SeqLen(s, i);
    if (n == 0) {
      Octal(out, c);
      escaped = true;
      ++i;
    } else if (IsC1(s, i, n)) {
      Octal(out, static_cast<unsigned char>(s[i]));
      Octal(out, static_cast<unsigned char>(s[i + 1]));
      escaped = true;
      i += n;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return escaped;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SeqLen(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string QuoteName(std::string_view name) {
  std::string body;
  if (!Escape(name, true, body)) return std::string(name);
  return "\"" + body + "\"";
}

std::string EscapeText(std::string_view text) {
  std::string out;
  Escape(text, false, out);
  return out;
}

std::string NoteSummary(std::string_view note, size_t width) {
  std::string_view first = note.substr(0, note.find('\n'));
  std::string out;
  bool cut = false;
  Escape(first, false, out, width, &cut);
  if (cut) out += "\xE2\x80\xA6";  // …
  return out;
}

std::string Base64(std::string_view bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
  }
  if (size_t rest = bytes.size() - i) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

void SetNameJson(nlohmann::json& j, const std::string& key, std::string_view name) {
  if (IsValidUtf8(name)) {
    j[key] = std::string(name);
    return;
  }
  std::string shown;
  for (size_t i = 0; i < name.size();) {
    size_t n = Utf8SeqLen(name, i);
    if (n == 0) {
      shown += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      shown.append(name.substr(i, n));
      i += n;
    }
  }
  j[key] = shown;
  j[key + "_b64"] = Base64(name);
}

void SetNamesJson(nlohmann::json& j, const std::string& key, const std::vector<std::string>& names) {
  nlohmann::json shown = nlohmann::json::array(), exact = nlohmann::json::array();
  bool all_valid = true;
  for (const auto& n : names) {
    nlohmann::json one;
    SetNameJson(one, "n", n);
    shown.push_back(one["n"]);
    exact.push_back(Base64(n));
    all_valid = all_valid && IsValidUtf8(n);
  }
  j[key] = shown;
  if (!all_valid) j[key + "_b64"] = exact;
}

}  // namespace jvs::cli
