// .jvsignore matching: gitignore syntax compiled into per-segment matchers
// (glob, character classes, **) and evaluated last-rule-wins per directory.
// Over 400 lines on purpose: the pattern compiler and the matcher share one
// private representation (Segment) and are one algorithm.
#include "wc/ignore.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>

namespace jvs {
namespace {

// ---------------------------------------------------------------------------
// Compiled patterns.
//
// A pattern is split at '/' into segments. Each segment matches exactly one
// path component (a name), except a globstar ("**"), which matches zero or
// more whole components. Within a segment, '*' matches any run of bytes, '?'
// and classes match one byte; none of them can match '/' because a component
// never contains one. Both levels use the same linear-backtracking wildcard
// algorithm (one resume point per level), which is O(pattern * text) in the
// worst case instead of exponential.

using ByteSet = std::array<uint64_t, 4>;

bool SetHas(const ByteSet& s, unsigned char c) { return (s[c >> 6] >> (c & 63)) & 1; }
void SetAdd(ByteSet& s, unsigned char c) { s[c >> 6] |= uint64_t{1} << (c & 63); }

enum class TokKind : uint8_t { kChar, kAnyChar, kClass, kStar };

struct Token {
  TokKind kind;
  unsigned char ch;  // kChar
  uint32_t cls;      // kClass: index into Segment::classes
};

enum class SegKind : uint8_t {
  kLiteral,   // "name"
  kPrefix,    // "name*"
  kSuffix,    // "*.ext"
  kContains,  // "*part*"
  kAny,       // "*": any single component
  kGlob,      // anything else within one component
  kGlobstar,  // "**" between slashes: zero or more components
};

struct Segment {
  SegKind kind = SegKind::kGlob;
  std::string lit;            // kLiteral, kPrefix, kSuffix, kContains
  std::vector<Token> tokens;  // kGlob
  std::vector<ByteSet> classes;

  bool Matches(std::string_view s) const;

 private:
  bool GlobMatches(std::string_view s) const;
};

bool Segment::GlobMatches(std::string_view s) const {
  const size_t n = tokens.size();
  size_t pi = 0, si = 0;
  size_t star_pi = std::string_view::npos, star_si = 0;
  while (si < s.size()) {
    if (pi < n) {
      const Token& t = tokens[pi];
      if (t.kind == TokKind::kStar) {
        star_pi = pi++;
        star_si = si;
        continue;
      }
      const unsigned char c = static_cast<unsigned char>(s[si]);
      bool ok = false;
      switch (t.kind) {
        case TokKind::kChar:
          ok = c == t.ch;
          break;
        case TokKind::kAnyChar:
          ok = true;
          break;
        case TokKind::kClass:
          ok = SetHas(classes[t.cls], c);
          break;
        case TokKind::kStar:
          break;
      }
      if (ok) {
        ++pi;
        ++si;
        continue;
      }
    }
    // Mismatch: let the last '*' swallow one more byte and retry after it.
    if (star_pi == std::string_view::npos) return false;
    pi = star_pi + 1;
    si = ++star_si;
  }
  while (pi < n && tokens[pi].kind == TokKind::kStar) ++pi;
  return pi == n;
}

bool Segment::Matches(std::string_view s) const {
  switch (kind) {
    case SegKind::kLiteral:
      return s == lit;
    case SegKind::kPrefix:
      return s.starts_with(lit);
    case SegKind::kSuffix:
      return s.ends_with(lit);
    case SegKind::kContains:
      return s.find(lit) != std::string_view::npos;
    case SegKind::kAny:
      return true;
    case SegKind::kGlob:
      return GlobMatches(s);
    case SegKind::kGlobstar:
      return true;
  }
  return false;
}

struct Rule {
  bool negated = false;
  bool dir_only = false;
  // Anchored rules match the whole path relative to the .jvsignore directory
  // against `segs`; the others match the last component against segs[0].
  bool anchored = false;
  std::vector<Segment> segs;
};

// Matches `rel` (a non-empty '/'-separated relative path) against segments
// that may contain globstars.
bool MatchSegments(const std::vector<Segment>& segs, std::string_view rel) {
  const size_t n = segs.size();
  const size_t end = rel.size() + 1;  // position past the last component
  size_t pi = 0, ti = 0;
  size_t star_pi = std::string_view::npos, star_ti = 0;
  auto next = [&](size_t pos) {
    size_t slash = rel.find('/', pos);
    return slash == std::string_view::npos ? end : slash + 1;
  };
  while (ti < end) {
    if (pi < n) {
      const Segment& seg = segs[pi];
      if (seg.kind == SegKind::kGlobstar) {
        star_pi = pi++;
        star_ti = ti;
        continue;
      }
      size_t nt = next(ti);
      if (seg.Matches(rel.substr(ti, nt - 1 - ti))) {
        ++pi;
        ti = nt;
        continue;
      }
    }
    // Mismatch: let the last "**" swallow one more component.
    if (star_pi == std::string_view::npos) return false;
    pi = star_pi + 1;
    star_ti = next(star_ti);
    ti = star_ti;
  }
  while (pi < n && segs[pi].kind == SegKind::kGlobstar) ++pi;
  return pi == n;
}

// ---------------------------------------------------------------------------
// Parsing.

bool IsDigit(int c) { return c >= '0' && c <= '9'; }
bool IsUpper(int c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(int c) { return c >= 'a' && c <= 'z'; }
bool IsAlpha(int c) { return IsUpper(c) || IsLower(c); }
bool IsGraph(int c) { return c > ' ' && c < 127; }

// Adds the ASCII members of "[:name:]" to `set`; false for an unknown name.
bool AddPosixClass(std::string_view name, ByteSet& set) {
  struct Named {
    std::string_view name;
    bool (*pred)(int);
  };
  static constexpr Named kClasses[] = {
      {"alnum", [](int c) { return IsAlpha(c) || IsDigit(c); }},
      {"alpha", IsAlpha},
      {"blank", [](int c) { return c == ' ' || c == '\t'; }},
      {"cntrl", [](int c) { return c < ' ' || c == 127; }},
      {"digit", IsDigit},
      {"graph", IsGraph},
      {"lower", IsLower},
      {"print", [](int c) { return c == ' ' || IsGraph(c); }},
      {"punct", [](int c) { return IsGraph(c) && !IsAlpha(c) && !IsDigit(c); }},
      {"space", [](int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }},
      {"upper", IsUpper},
      {"xdigit", [](int c) { return IsDigit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'); }},
  };
  for (const Named& cls : kClasses) {
    if (cls.name != name) continue;
    for (int c = 0; c < 128; ++c)
      if (cls.pred(c)) SetAdd(set, static_cast<unsigned char>(c));
    return true;
  }
  return false;
}

enum class ClassParse { kOk, kUnterminated, kInvalid };

// Parses the bracket expression starting at raw[open] == '['. On success
// stores the set and the index just past the closing ']'.
ClassParse ParseClass(std::string_view raw, size_t open, ByteSet& out, size_t& after) {
  const size_t n = raw.size();
  size_t j = open + 1;
  bool negate = false;
  if (j < n && (raw[j] == '!' || raw[j] == '^')) {
    negate = true;
    ++j;
  }
  ByteSet set{};
  bool first = true;
  // Reads one possibly escaped member byte at j.
  auto read_byte = [&](unsigned char& c) {
    if (raw[j] == '\\') {
      if (j + 1 >= n) return false;
      c = static_cast<unsigned char>(raw[j + 1]);
      j += 2;
    } else {
      c = static_cast<unsigned char>(raw[j]);
      ++j;
    }
    return true;
  };
  while (true) {
    if (j >= n) return ClassParse::kUnterminated;
    if (raw[j] == ']' && !first) {
      ++j;
      break;
    }
    first = false;
    if (raw[j] == '[' && j + 1 < n && raw[j + 1] == ':') {
      size_t k = j + 2;
      while (k < n && raw[k] >= 'a' && raw[k] <= 'z') ++k;
      if (k + 1 < n && raw[k] == ':' && raw[k + 1] == ']') {
        if (!AddPosixClass(raw.substr(j + 2, k - j - 2), set)) return ClassParse::kInvalid;
        j = k + 2;
        continue;
      }
      // Not a class name: '[' is an ordinary member.
    }
    unsigned char lo = 0;
    if (!read_byte(lo)) return ClassParse::kUnterminated;
    if (j + 1 < n && raw[j] == '-' && raw[j + 1] != ']') {
      ++j;
      unsigned char hi = 0;
      if (!read_byte(hi)) return ClassParse::kUnterminated;
      for (unsigned c = lo; c <= hi; ++c) SetAdd(set, static_cast<unsigned char>(c));
    } else {
      SetAdd(set, lo);
    }
  }
  if (negate)
    for (auto& w : set) w = ~w;
  out = set;
  after = j;
  return ClassParse::kOk;
}

// Compiles one component pattern (escapes still in it). Returns nullopt for
// a malformed pattern, which then never matches.
std::optional<Segment> CompileSegment(std::string_view raw) {
  Segment seg;
  const size_t n = raw.size();
  size_t i = 0;
  auto push_char = [&](char c) {
    seg.tokens.push_back({TokKind::kChar, static_cast<unsigned char>(c), 0});
  };
  while (i < n) {
    const char c = raw[i];
    if (c == '\\') {
      if (i + 1 >= n) return std::nullopt;  // a trailing lone backslash
      push_char(raw[i + 1]);
      i += 2;
    } else if (c == '*') {
      if (seg.tokens.empty() || seg.tokens.back().kind != TokKind::kStar)
        seg.tokens.push_back({TokKind::kStar, 0, 0});
      ++i;
    } else if (c == '?') {
      seg.tokens.push_back({TokKind::kAnyChar, 0, 0});
      ++i;
    } else if (c == '[') {
      ByteSet set;
      size_t after = 0;
      switch (ParseClass(raw, i, set, after)) {
        case ClassParse::kOk:
          seg.tokens.push_back({TokKind::kClass, 0, static_cast<uint32_t>(seg.classes.size())});
          seg.classes.push_back(set);
          i = after;
          break;
        case ClassParse::kUnterminated:  // like fnmatch: a literal '['
          push_char('[');
          ++i;
          break;
        case ClassParse::kInvalid:
          return std::nullopt;
      }
    } else {
      push_char(c);
      ++i;
    }
  }

  // Pick a fast form when the pattern is a literal with stars only at the ends.
  const auto& t = seg.tokens;
  size_t b = 0, e = t.size();
  const bool lead = b < e && t[b].kind == TokKind::kStar;
  if (lead) ++b;
  const bool trail = b < e && t[e - 1].kind == TokKind::kStar;
  if (trail) --e;
  bool literal = true;
  for (size_t k = b; k < e; ++k) literal = literal && t[k].kind == TokKind::kChar;
  if (literal) {
    std::string lit;
    for (size_t k = b; k < e; ++k) lit.push_back(static_cast<char>(t[k].ch));
    if (lit.empty()) {
      seg.kind = lead ? SegKind::kAny : SegKind::kLiteral;  // "*" or ""
    } else {
      seg.kind = lead && trail ? SegKind::kContains
                 : lead        ? SegKind::kSuffix
                 : trail       ? SegKind::kPrefix
                               : SegKind::kLiteral;
    }
    seg.lit = std::move(lit);
    seg.tokens.clear();
    seg.classes.clear();
  }
  return seg;
}

bool IsGlobstar(std::string_view raw) {
  return raw.size() >= 2 && raw.find_first_not_of('*') == std::string_view::npos;
}

// Removes trailing unescaped spaces; "\ " keeps its space.
std::string_view TrimTrailingSpaces(std::string_view s) {
  size_t keep = 0;  // length up to the last byte that must stay
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
      keep = i + 1;
    } else if (s[i] != ' ') {
      keep = i + 1;
    }
  }
  return s.substr(0, keep);
}

std::optional<Rule> ParseLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty() || line.front() == '#') return std::nullopt;
  line = TrimTrailingSpaces(line);
  if (line.empty()) return std::nullopt;

  Rule rule;
  if (line.front() == '!') {
    rule.negated = true;
    line.remove_prefix(1);
  }
  while (!line.empty() && line.back() == '/') {
    rule.dir_only = true;
    line.remove_suffix(1);
  }
  if (!line.empty() && line.front() == '/') rule.anchored = true;

  // Split at '/' ("\/" counts as a separator too); drop empty components.
  std::vector<std::string_view> parts;
  size_t start = 0, i = 0;
  while (i < line.size()) {
    const bool escaped_slash = line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '/';
    if (line[i] == '\\' && !escaped_slash) {
      i += 2;  // an escape pair never separates (a lone trailing '\\' stays)
      continue;
    }
    if (line[i] != '/' && !escaped_slash) {
      ++i;
      continue;
    }
    if (i > start) parts.push_back(line.substr(start, i - start));
    i += escaped_slash ? 2 : 1;
    start = i;
  }
  if (start < line.size()) parts.push_back(line.substr(start));
  if (parts.empty()) return std::nullopt;
  if (parts.size() > 1) rule.anchored = true;

  if (!rule.anchored) {
    auto seg = CompileSegment(parts[0]);
    if (!seg) return std::nullopt;
    rule.segs.push_back(std::move(*seg));
    return rule;
  }

  for (std::string_view part : parts) {
    if (IsGlobstar(part)) {
      if (!rule.segs.empty() && rule.segs.back().kind == SegKind::kGlobstar) continue;
      Segment gs;
      gs.kind = SegKind::kGlobstar;
      rule.segs.push_back(std::move(gs));
      continue;
    }
    auto seg = CompileSegment(part);
    if (!seg) return std::nullopt;
    rule.segs.push_back(std::move(*seg));
  }
  if (rule.segs.back().kind == SegKind::kGlobstar) {
    // A trailing "/**" matches everything inside, not the directory itself:
    // one component or more.
    Segment any;
    any.kind = SegKind::kAny;
    rule.segs.insert(rule.segs.end() - 1, std::move(any));
  }
  if (rule.segs.size() == 2 && rule.segs[0].kind == SegKind::kGlobstar &&
      rule.segs[1].kind != SegKind::kGlobstar) {
    // "**/name" is the same as an unanchored "name": match the last component.
    rule.segs.erase(rule.segs.begin());
    rule.anchored = false;
  }
  return rule;
}

}  // namespace

struct IgnoreMatcher::RuleSet {
  std::string dir;  // "" for the workspace root
  std::vector<Rule> rules;
};

std::shared_ptr<const IgnoreMatcher> IgnoreMatcher::Empty() {
  static const std::shared_ptr<const IgnoreMatcher> empty(new IgnoreMatcher());
  return empty;
}

std::shared_ptr<const IgnoreMatcher> IgnoreMatcher::WithRules(const RepoPath& dir,
                                                              std::string_view content) const {
  auto set = std::make_shared<RuleSet>();
  set->dir = dir.str();
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);  // UTF-8 BOM
  while (!content.empty()) {
    size_t nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    if (auto rule = ParseLine(line)) set->rules.push_back(std::move(*rule));
  }

  std::shared_ptr<IgnoreMatcher> out(new IgnoreMatcher(*this));
  if (set->rules.empty()) return out;
  // Keep the chain ordered by depth so deeper files win even if the caller
  // adds them out of order. Rule sets that both apply to one path have nested
  // directories, so comparing the string length is enough.
  auto pos = std::upper_bound(
      out->sets_.begin(), out->sets_.end(), set->dir.size(),
      [](size_t len, const std::shared_ptr<const RuleSet>& s) { return len < s->dir.size(); });
  out->sets_.insert(pos, std::move(set));
  return out;
}

bool IgnoreMatcher::IsIgnored(const RepoPath& path, bool is_dir) const {
  const std::string& p = path.str();
  if (p.empty()) return false;
  const std::string_view full = p;
  const std::string_view name = path.name();
  for (auto it = sets_.rbegin(); it != sets_.rend(); ++it) {
    const RuleSet& set = **it;
    std::string_view rel = full;
    if (!set.dir.empty()) {
      const size_t d = set.dir.size();
      if (full.size() <= d + 1 || full[d] != '/' || full.compare(0, d, set.dir) != 0) continue;
      rel.remove_prefix(d + 1);
    }
    for (auto r = set.rules.rbegin(); r != set.rules.rend(); ++r) {
      if (r->dir_only && !is_dir) continue;
      const bool m = r->anchored ? MatchSegments(r->segs, rel) : r->segs.front().Matches(name);
      if (m) return !r->negated;
    }
  }
  return false;
}

}  // namespace jvs
