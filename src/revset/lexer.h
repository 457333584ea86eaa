// The tokens of a revset expression (docs/revsets.md "Tokens"). Private to
// the revset layer: the parser and IsBareIdentifier use it. Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/revset/parse.h"

namespace jvs::revset {

enum class Tok {
  kIdent,     // text: the identifier
  kString,    // text: the decoded string ("..." or '...')
  kAt,        // @
  kLParen,    // (
  kRParen,    // )
  kComma,     // ,
  kEquals,    // =
  kColon,     // : (a pattern's kind separator)
  kDagRange,  // ::
  kRange,     // ..
  kPipe,      // |
  kAmp,       // &
  kTilde,     // ~
  kMinus,     // -
  kPlus,      // +
  kEnd,       // the end of the text
};

struct Token {
  Tok kind = Tok::kEnd;
  size_t offset = 0;
  size_t length = 0;
  bool space_before = false;  // whitespace between this token and the previous one
  std::string text;
};

// "'|'", "identifier", ...: for messages.
std::string TokenName(const Token& t);

// The tokens of `text`, ending with a kEnd token; or the first lexical error
// (an unexpected character, an unterminated string, a bad escape).
RevsetResult<std::vector<Token>> Tokenize(std::string_view text);

bool IsIdentChar(unsigned char c);

}  // namespace jvs::revset
