#include "revset/lexer.h"

#include <fmt/format.h>

#include "jvs/revset/ast.h"

namespace jvs::revset {

// Letters, digits, '_', '/', '*' and any byte of a non-ASCII UTF-8 character.
bool IsIdentChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '/' || c == '*' || c >= 0x80;
}

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

RevsetError LexError(size_t offset, size_t length, std::string message, std::string hint = {}) {
  return RevsetError{offset, length, std::move(message), std::move(hint), {}, {}};
}

// An identifier at `i`: runs of identifier characters joined by '.', '-'
// (one or more) or '+' when another run follows directly. So `a-b` and
// `v1.2` are one identifier, while `a-`, `a--`, `a+` and `a..b` end it.
size_t IdentEnd(std::string_view s, size_t i) {
  auto run = [&](size_t j) {
    while (j < s.size() && IsIdentChar(static_cast<unsigned char>(s[j]))) ++j;
    return j;
  };
  i = run(i);
  while (i < s.size()) {
    size_t j = i;
    if (s[j] == '.' || s[j] == '+') {
      ++j;
    } else if (s[j] == '-') {
      while (j < s.size() && s[j] == '-') ++j;
    } else {
      break;
    }
    if (j >= s.size() || !IsIdentChar(static_cast<unsigned char>(s[j]))) break;
    i = run(j);
  }
  return i;
}

}  // namespace

std::string TokenName(const Token& t) {
  switch (t.kind) {
    case Tok::kIdent: return fmt::format("'{}'", t.text);
    case Tok::kString: return QuoteString(t.text);
    case Tok::kAt: return "'@'";
    case Tok::kLParen: return "'('";
    case Tok::kRParen: return "')'";
    case Tok::kComma: return "','";
    case Tok::kEquals: return "'='";
    case Tok::kColon: return "':'";
    case Tok::kDagRange: return "'::'";
    case Tok::kRange: return "'..'";
    case Tok::kPipe: return "'|'";
    case Tok::kAmp: return "'&'";
    case Tok::kTilde: return "'~'";
    case Tok::kMinus: return "'-'";
    case Tok::kPlus: return "'+'";
    case Tok::kEnd: return "the end";
  }
  return "?";
}

RevsetResult<std::vector<Token>> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  bool space = false;
  while (true) {
    while (i < s.size() && IsSpace(s[i])) {
      ++i;
      space = true;
    }
    Token t;
    t.offset = i;
    t.space_before = space;
    space = false;
    if (i >= s.size()) {
      t.kind = Tok::kEnd;
      out.push_back(std::move(t));
      return out;
    }
    char c = s[i];
    auto two = [&](char a, char b) { return c == a && i + 1 < s.size() && s[i + 1] == b; };
    if (IsIdentChar(static_cast<unsigned char>(c))) {
      size_t end = IdentEnd(s, i);
      t.kind = Tok::kIdent;
      t.text = std::string(s.substr(i, end - i));
      i = end;
    } else if (c == '"') {
      size_t j = i + 1;
      while (true) {
        if (j >= s.size())
          return LexError(i, s.size() - i, "unterminated string", "close it with '\"'");
        if (s[j] == '"') break;
        if (s[j] != '\\') {
          t.text += s[j++];
          continue;
        }
        if (j + 1 >= s.size())
          return LexError(i, s.size() - i, "unterminated string", "close it with '\"'");
        char e = s[j + 1];
        switch (e) {
          case '"': t.text += '"'; break;
          case '\\': t.text += '\\'; break;
          case 'n': t.text += '\n'; break;
          case 't': t.text += '\t'; break;
          case 'r': t.text += '\r'; break;
          case '0': t.text += '\0'; break;
          case 'e': t.text += '\x1b'; break;
          case 'x': {
            int hi = j + 2 < s.size() ? HexValue(s[j + 2]) : -1;
            int lo = j + 3 < s.size() ? HexValue(s[j + 3]) : -1;
            if (hi < 0 || lo < 0)
              return LexError(j, 2, "invalid escape '\\x': two hex digits must follow");
            t.text += static_cast<char>(hi * 16 + lo);
            j += 2;
            break;
          }
          default:
            return LexError(j, 2, fmt::format("invalid escape '\\{}'", e),
                            "escapes: \\\" \\\\ \\n \\t \\r \\0 \\e \\xHH; '...' takes no escapes");
        }
        j += 2;
      }
      t.kind = Tok::kString;
      i = j + 1;
    } else if (c == '\'') {
      size_t end = s.find('\'', i + 1);
      if (end == std::string_view::npos)
        return LexError(i, s.size() - i, "unterminated string", "close it with \"'\"");
      t.kind = Tok::kString;
      t.text = std::string(s.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if (two(':', ':')) {
      t.kind = Tok::kDagRange;
      i += 2;
    } else if (two('.', '.')) {
      t.kind = Tok::kRange;
      i += 2;
    } else {
      switch (c) {
        case '@': t.kind = Tok::kAt; break;
        case '(': t.kind = Tok::kLParen; break;
        case ')': t.kind = Tok::kRParen; break;
        case ',': t.kind = Tok::kComma; break;
        case '=': t.kind = Tok::kEquals; break;
        case ':': t.kind = Tok::kColon; break;
        case '|': t.kind = Tok::kPipe; break;
        case '&': t.kind = Tok::kAmp; break;
        case '~': t.kind = Tok::kTilde; break;
        case '-': t.kind = Tok::kMinus; break;
        case '+': t.kind = Tok::kPlus; break;
        default: {
          // One whole UTF-8 character would be nicer, but every non-ASCII
          // byte is an identifier character, so this is ASCII.
          std::string shown = (c >= 0x20 && c < 0x7f) ? fmt::format("'{}'", c)
                                                      : fmt::format("byte 0x{:02x}", c & 0xff);
          std::string hint;
          if (c == '.') hint = "'..' is the range operator; a '.' joins two parts of a name";
          if (c == '^') hint = "use '-' for parents";
          if (c == '!') hint = "use '~' for negation";
          return LexError(i, 1, fmt::format("unexpected character {}", shown), hint);
        }
      }
      ++i;
    }
    t.length = i - t.offset;
    out.push_back(std::move(t));
  }
}

}  // namespace jvs::revset
