// Template text to tree: a hand-written lexer and recursive descent parser.
// Grammar, lowest precedence first (docs/templates.md):
//   template := or ('++' or)*          (empty input: the empty template)
//   or       := and ('||' and)*
//   and      := unary ('&&' unary)*
//   unary    := '!' unary | postfix
//   postfix  := primary ('.' NAME '(' args? ')')*
//   primary  := STRING | INTEGER | NAME | NAME '(' args? ')' | '(' template ')'
//   args     := template (',' template)*
#include <charconv>
#include <fmt/format.h>

#include "template/internal.h"

namespace jvs::templates {

namespace {

enum class Tok { kString, kInteger, kName, kLParen, kRParen, kComma, kDot, kConcat, kNot, kAnd, kOr, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  size_t offset = 0;
  size_t length = 0;
  std::string text;  // kString: the value; kName: the name; kInteger: the digits
};

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view TokName(Tok t) {
  switch (t) {
    case Tok::kString: return "a string";
    case Tok::kInteger: return "a number";
    case Tok::kName: return "a name";
    case Tok::kLParen: return "'('";
    case Tok::kRParen: return "')'";
    case Tok::kComma: return "','";
    case Tok::kDot: return "'.'";
    case Tok::kConcat: return "'++'";
    case Tok::kNot: return "'!'";
    case Tok::kAnd: return "'&&'";
    case Tok::kOr: return "'||'";
    case Tok::kEnd: return "the end";
  }
  return "?";
}

class Parser {
 public:
  explicit Parser(std::string_view src) : src_(src) {}

  std::variant<Node, TemplateError> Run() {
    if (!Lex()) return err_;
    Node root;
    if (Peek().kind == Tok::kEnd) {
      root.kind = NodeKind::kConcat;  // the empty template
    } else if (!Template(root, 0)) {
      return err_;
    }
    if (Peek().kind != Tok::kEnd) {
      const Token& t = Peek();
      Fail(t, fmt::format("expected '++' or the end, found {}", TokName(t.kind)),
           t.kind == Tok::kString || t.kind == Tok::kName ? "join pieces with '++': \"a\" ++ b" : "");
      return err_;
    }
    return root;
  }

 private:
  void Fail(size_t offset, size_t length, std::string message, std::string hint = {}) {
    err_ = TemplateError{offset, length, std::move(message), std::move(hint), {}};
  }
  void Fail(const Token& t, std::string message, std::string hint = {}) {
    Fail(t.offset, t.length, std::move(message), std::move(hint));
  }

  bool Lex() {
    size_t i = 0;
    while (i < src_.size()) {
      char c = src_[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
        continue;
      }
      Token t;
      t.offset = i;
      auto two = [&](std::string_view op) { return src_.substr(i, 2) == op; };
      if (c == '"' || c == '\'') {
        if (!LexString(i, t)) return false;
      } else if (IsDigit(c)) {
        size_t j = i;
        while (j < src_.size() && IsDigit(src_[j])) ++j;
        t.kind = Tok::kInteger;
        t.text = std::string(src_.substr(i, j - i));
        i = j;
      } else if (IsNameStart(c)) {
        size_t j = i;
        while (j < src_.size() && (IsNameStart(src_[j]) || IsDigit(src_[j]))) ++j;
        t.kind = Tok::kName;
        t.text = std::string(src_.substr(i, j - i));
        i = j;
      } else if (two("++")) {
        t.kind = Tok::kConcat, i += 2;
      } else if (two("&&")) {
        t.kind = Tok::kAnd, i += 2;
      } else if (two("||")) {
        t.kind = Tok::kOr, i += 2;
      } else if (c == '(' || c == ')' || c == ',' || c == '.' || c == '!') {
        t.kind = c == '(' ? Tok::kLParen : c == ')' ? Tok::kRParen : c == ',' ? Tok::kComma
                 : c == '.' ? Tok::kDot : Tok::kNot;
        ++i;
      } else {
        size_t n = 1;  // the whole UTF-8 character
        while (i + n < src_.size() && (static_cast<unsigned char>(src_[i + n]) & 0xC0) == 0x80) ++n;
        Fail(i, n, fmt::format("unexpected character '{}'", src_.substr(i, n)),
             c == '+' ? "concatenation is '++'" : "text goes in quotes: \"...\"");
        return false;
      }
      t.length = i - t.offset;
      toks_.push_back(std::move(t));
    }
    toks_.push_back(Token{Tok::kEnd, src_.size(), 0, {}});
    return true;
  }

  // "..." with \" \\ \n \t \r \0 escapes, or '...' taken literally.
  bool LexString(size_t& i, Token& t) {
    const char quote = src_[i];
    size_t j = i + 1;
    std::string value;
    for (;;) {
      if (j >= src_.size()) {
        Fail(i, 1, "this string is not closed", fmt::format("end it with {}", quote));
        return false;
      }
      char c = src_[j];
      if (c == quote) break;
      if (c == '\\' && quote == '"') {
        if (j + 1 >= src_.size()) {
          j = src_.size();  // reported as not closed
          continue;
        }
        char e = src_[j + 1];
        switch (e) {
          case '"': value += '"'; break;
          case '\\': value += '\\'; break;
          case 'n': value += '\n'; break;
          case 't': value += '\t'; break;
          case 'r': value += '\r'; break;
          case '0': value += '\0'; break;
          default:
            Fail(j, 2, fmt::format("unknown escape '\\{}'", e),
                 "the escapes are \\\" \\\\ \\n \\t \\r \\0; in '...' nothing is escaped");
            return false;
        }
        j += 2;
        continue;
      }
      value += c;
      ++j;
    }
    t.kind = Tok::kString;
    t.text = std::move(value);
    i = j + 1;
    return true;
  }

  const Token& Peek() const { return toks_[pos_]; }
  const Token& Next() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
  bool Deep(size_t depth) {
    if (depth < kMaxDepth) return false;
    Fail(Peek(), fmt::format("the template nests deeper than {} levels", kMaxDepth));
    return true;
  }
  static void Span(Node& n, size_t begin, const Token& last) { n.offset = begin, n.length = last.offset + last.length - begin; }

  // One level of a left-associative binary operator: `op` between `sub`s.
  template <typename Sub>
  bool Binary(Node& out, size_t depth, Tok op, NodeKind kind, Sub sub) {
    if (Deep(depth)) return false;
    if (!(this->*sub)(out, depth + 1)) return false;
    if (Peek().kind != op) return true;
    Node joined;
    joined.kind = kind;
    joined.offset = out.offset;
    joined.args.push_back(std::move(out));
    while (Peek().kind == op) {
      Next();
      Node rhs;
      if (!(this->*sub)(rhs, depth + 1)) return false;
      joined.args.push_back(std::move(rhs));
    }
    const Node& last = joined.args.back();
    joined.length = last.offset + last.length - joined.offset;
    out = std::move(joined);
    return true;
  }
  bool Template(Node& out, size_t depth) { return Binary(out, depth, Tok::kConcat, NodeKind::kConcat, &Parser::Or); }
  bool Or(Node& out, size_t depth) { return Binary(out, depth, Tok::kOr, NodeKind::kOr, &Parser::And); }
  bool And(Node& out, size_t depth) { return Binary(out, depth, Tok::kAnd, NodeKind::kAnd, &Parser::Unary); }

  bool Unary(Node& out, size_t depth) {
    if (Deep(depth)) return false;
    if (Peek().kind != Tok::kNot) return Postfix(out, depth + 1);
    const Token bang = Next();
    Node operand;
    if (!Unary(operand, depth + 1)) return false;
    out.kind = NodeKind::kNot;
    out.offset = bang.offset;
    out.length = operand.offset + operand.length - bang.offset;
    out.args.push_back(std::move(operand));
    return true;
  }

  bool Postfix(Node& out, size_t depth) {
    if (!Primary(out, depth + 1)) return false;
    while (Peek().kind == Tok::kDot) {
      if (Deep(++depth)) return false;
      Next();
      const Token name = Next();
      if (name.kind != Tok::kName) {
        Fail(name, fmt::format("expected a method name after '.', found {}", TokName(name.kind)));
        return false;
      }
      Node m;
      m.kind = NodeKind::kMethod;
      m.text = name.text;
      m.name_offset = name.offset;
      m.offset = out.offset;
      m.args.push_back(std::move(out));
      if (Peek().kind != Tok::kLParen) {
        Fail(Peek(), fmt::format("expected '(' after method name '{}'", name.text),
             fmt::format("a method is called with parentheses: .{}()", name.text));
        return false;
      }
      if (!Args(m, depth)) return false;
      out = std::move(m);
    }
    return true;
  }

  // '(' args? ')' after a name; appends to n.args and ends n's span.
  bool Args(Node& n, size_t depth) {
    const Token open = Next();
    if (Peek().kind != Tok::kRParen) {
      for (;;) {
        Node arg;
        if (!Template(arg, depth + 1)) return false;
        n.args.push_back(std::move(arg));
        if (Peek().kind != Tok::kComma) break;
        Next();
      }
    }
    if (Peek().kind != Tok::kRParen) {
      Fail(Peek(), fmt::format("expected ',' or ')', found {}", TokName(Peek().kind)),
           Peek().kind == Tok::kEnd ? fmt::format("close the '(' at column {}", open.offset + 1) : "");
      return false;
    }
    Span(n, n.offset, Next());
    return true;
  }

  bool Primary(Node& out, size_t depth) {
    if (Deep(depth)) return false;
    const Token t = Next();
    out.offset = t.offset;
    out.length = t.length;
    switch (t.kind) {
      case Tok::kString:
        out.kind = NodeKind::kString;
        out.text = t.text;
        return true;
      case Tok::kInteger: {
        out.kind = NodeKind::kInteger;
        auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), out.integer);
        if (ec != std::errc() || p != t.text.data() + t.text.size()) {
          Fail(t, "this number is too large");
          return false;
        }
        return true;
      }
      case Tok::kName:
        out.text = t.text;
        out.name_offset = t.offset;
        if (Peek().kind != Tok::kLParen) {
          out.kind = NodeKind::kKeyword;
          return true;
        }
        out.kind = NodeKind::kCall;
        return Args(out, depth);
      case Tok::kLParen: {
        if (!Template(out, depth + 1)) return false;
        if (Peek().kind != Tok::kRParen) {
          Fail(Peek(), fmt::format("expected ')', found {}", TokName(Peek().kind)),
               fmt::format("close the '(' at column {}", t.offset + 1));
          return false;
        }
        Next();
        return true;
      }
      default:
        Fail(t, fmt::format("expected a string, a keyword or a function, found {}", TokName(t.kind)),
             t.kind == Tok::kEnd ? "the template ends too early" : "");
        return false;
    }
  }

  std::string_view src_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  TemplateError err_;
};

}  // namespace

std::variant<Node, TemplateError> Parse(std::string_view source) { return Parser(source).Run(); }

}  // namespace jvs::templates
