// Revset errors: the library Error and the caret drawing (jvs/revset/parse.h).
#include <fmt/format.h>

#include "jvs/revset/parse.h"

namespace jvs::revset {

Error RevsetError::ToError() const {
  std::string where = alias.empty() ? "revset" : fmt::format("revset alias '{}'", alias);
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("{}: column {}: {}", where, offset + 1, message), hint);
}

std::string RenderRevsetError(std::string_view source, const RevsetError& error) {
  std::string_view text = error.alias.empty() ? source : std::string_view(error.alias_body);
  size_t at = std::min(error.offset, text.size());
  size_t newline = text.substr(0, at).rfind('\n');
  size_t begin = newline == std::string_view::npos ? 0 : newline + 1;
  size_t end = text.find('\n', at);
  if (end == std::string_view::npos) end = text.size();
  std::string line(text.substr(begin, end - begin));
  for (char& c : line)
    if (c == '\t' || c == '\r') c = ' ';
  // One column per character: UTF-8 continuation bytes take none.
  size_t column = 0;
  for (size_t i = begin; i < at; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  std::string out;
  if (!error.alias.empty()) out += fmt::format("in alias '{}':\n", error.alias);
  out += "  " + line + "\n  " + std::string(column, ' ') + "^ " + error.message;
  if (!error.hint.empty()) out += "\nhint: " + error.hint;
  return out;
}

}  // namespace jvs::revset
