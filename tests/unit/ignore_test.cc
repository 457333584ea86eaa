// Unit tests of .jvsignore matching (wc/ignore.h): rule syntax, anchoring, negation, directories.
// Over 400 lines on purpose: one case per gitignore rule kind, read together against one matcher.
#include "wc/ignore.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace jvs {
namespace {

using Matcher = std::shared_ptr<const IgnoreMatcher>;

RepoPath P(std::string_view s) {
  auto p = RepoPath::Parse(s);
  EXPECT_TRUE(p.ok()) << s;
  return p.ok() ? *p : RepoPath();
}

Matcher Rules(std::string_view content, std::string_view dir = "") {
  return IgnoreMatcher::Empty()->WithRules(P(dir), content);
}

bool File(const Matcher& m, std::string_view path) { return m->IsIgnored(P(path), false); }
bool Dir(const Matcher& m, std::string_view path) { return m->IsIgnored(P(path), true); }

TEST(IgnoreMatcher, EmptyIgnoresNothing) {
  auto m = IgnoreMatcher::Empty();
  EXPECT_TRUE(m->empty());
  EXPECT_FALSE(File(m, "a"));
  EXPECT_FALSE(Dir(m, "a/b"));
  EXPECT_EQ(IgnoreMatcher::Empty(), IgnoreMatcher::Empty());
}

TEST(IgnoreMatcher, BlankLinesAndCommentsAreNotRules) {
  auto m = Rules("\n\n# comment\n   \n#*\n");
  EXPECT_TRUE(m->empty());
  EXPECT_FALSE(File(m, "# comment"));
  EXPECT_FALSE(File(m, "anything"));
  EXPECT_FALSE(Rules("x")->empty());
}

TEST(IgnoreMatcher, RootIsNeverIgnored) {
  auto m = Rules("*\n**\n");
  EXPECT_FALSE(Dir(m, ""));
  EXPECT_TRUE(Dir(m, "a"));
}

TEST(IgnoreMatcher, LiteralNameMatchesAtAnyDepth) {
  auto m = Rules("foo\n");
  EXPECT_TRUE(File(m, "foo"));
  EXPECT_TRUE(File(m, "a/foo"));
  EXPECT_TRUE(File(m, "a/b/c/foo"));
  EXPECT_TRUE(Dir(m, "a/foo"));
  EXPECT_FALSE(File(m, "foobar"));
  EXPECT_FALSE(File(m, "afoo"));
  EXPECT_FALSE(File(m, "Foo"));  // case-sensitive
  EXPECT_FALSE(Dir(m, "foo2"));
}

TEST(IgnoreMatcher, StarMatchesWithinAName) {
  auto m = Rules("*.o\nlib*\n*tmp*\n");
  EXPECT_TRUE(File(m, "a.o"));
  EXPECT_TRUE(File(m, ".o"));
  EXPECT_TRUE(File(m, "x/y/b.o"));
  EXPECT_FALSE(File(m, "a.oo"));
  EXPECT_FALSE(File(m, "a.o.c"));
  EXPECT_TRUE(File(m, "lib"));
  EXPECT_TRUE(File(m, "src/libfoo.a"));
  EXPECT_FALSE(File(m, "mylib"));
  EXPECT_TRUE(File(m, "tmp"));
  EXPECT_TRUE(File(m, "a/xtmpy"));
  EXPECT_FALSE(File(m, "a/tm"));

  auto g = Rules("a*b*c\n*x?\n");
  EXPECT_TRUE(File(g, "abc"));
  EXPECT_TRUE(File(g, "aXXbYYc"));
  EXPECT_TRUE(File(g, "abcbc"));
  EXPECT_FALSE(File(g, "abcd"));
  EXPECT_FALSE(File(g, "acb"));
  EXPECT_TRUE(File(g, "xy"));
  EXPECT_TRUE(File(g, "axxz"));
  EXPECT_FALSE(File(g, "x"));
}

TEST(IgnoreMatcher, StarDoesNotCrossSlash) {
  auto m = Rules("a/*.c\n");
  EXPECT_TRUE(File(m, "a/x.c"));
  EXPECT_TRUE(File(m, "a/.c"));
  EXPECT_FALSE(File(m, "a/b/x.c"));
  EXPECT_FALSE(File(m, "b/a/x.c"));
  auto d = Rules("a/*\n");
  EXPECT_TRUE(Dir(d, "a/b"));  // the caller then never descends into a/b
  EXPECT_TRUE(File(d, "a/b"));
  EXPECT_FALSE(Dir(d, "a"));
}

TEST(IgnoreMatcher, QuestionMarkMatchesOneByte) {
  auto m = Rules("?.txt\n");
  EXPECT_TRUE(File(m, "a.txt"));
  EXPECT_TRUE(File(m, "d/b.txt"));
  EXPECT_FALSE(File(m, "ab.txt"));
  EXPECT_FALSE(File(m, ".txt"));
  auto s = Rules("a?b\n");
  EXPECT_FALSE(File(s, "a/b"));
}

TEST(IgnoreMatcher, CharacterClasses) {
  auto m = Rules("[abc].c\n");
  EXPECT_TRUE(File(m, "a.c"));
  EXPECT_TRUE(File(m, "c.c"));
  EXPECT_FALSE(File(m, "d.c"));
  EXPECT_FALSE(File(m, "ab.c"));

  auto r = Rules("f[0-9a-c]\n");
  EXPECT_TRUE(File(r, "f0"));
  EXPECT_TRUE(File(r, "f9"));
  EXPECT_TRUE(File(r, "fb"));
  EXPECT_FALSE(File(r, "fd"));
  EXPECT_FALSE(File(r, "f-"));

  auto n = Rules("x[!a-c]\ny[^a]\n");
  EXPECT_FALSE(File(n, "xa"));
  EXPECT_FALSE(File(n, "xc"));
  EXPECT_TRUE(File(n, "xd"));
  EXPECT_TRUE(File(n, "x!"));
  EXPECT_FALSE(File(n, "ya"));
  EXPECT_TRUE(File(n, "yb"));
  EXPECT_TRUE(File(n, "y^"));

  // ']' first is a member; '-' first or last is a member.
  auto b = Rules("a[]]\nb[!]]\nc[-z]\nd[z-]\n");
  EXPECT_TRUE(File(b, "a]"));
  EXPECT_FALSE(File(b, "ab"));
  EXPECT_FALSE(File(b, "b]"));
  EXPECT_TRUE(File(b, "bx"));
  EXPECT_TRUE(File(b, "c-"));
  EXPECT_TRUE(File(b, "cz"));
  EXPECT_FALSE(File(b, "cm"));
  EXPECT_TRUE(File(b, "d-"));
  EXPECT_TRUE(File(b, "dz"));

  // Escapes inside a class; a reversed range matches nothing.
  auto e = Rules("e[\\]x]\nf[z-a]\n");
  EXPECT_TRUE(File(e, "e]"));
  EXPECT_TRUE(File(e, "ex"));
  EXPECT_FALSE(File(e, "e\\"));
  EXPECT_FALSE(File(e, "fa"));
  EXPECT_FALSE(File(e, "fm"));

  // POSIX classes.
  auto p = Rules("v[[:digit:]]\nw[[:upper:][:space:]]\nz[![:alpha:]]\n");
  EXPECT_TRUE(File(p, "v7"));
  EXPECT_FALSE(File(p, "vx"));
  EXPECT_TRUE(File(p, "wQ"));
  EXPECT_TRUE(File(p, "w "));
  EXPECT_FALSE(File(p, "wq"));
  EXPECT_TRUE(File(p, "z1"));
  EXPECT_FALSE(File(p, "zQ"));
  auto q = Rules("a[[:alnum:]]\np[[:punct:]]\nx[[:xdigit:]]\nl[[:lower:]]\n");
  EXPECT_TRUE(File(q, "a7"));
  EXPECT_TRUE(File(q, "aZ"));
  EXPECT_FALSE(File(q, "a_"));
  EXPECT_TRUE(File(q, "p_"));
  EXPECT_TRUE(File(q, "p~"));
  EXPECT_FALSE(File(q, "pa"));
  EXPECT_TRUE(File(q, "xF"));
  EXPECT_TRUE(File(q, "xa"));
  EXPECT_FALSE(File(q, "xg"));
  EXPECT_TRUE(File(q, "lq"));
  EXPECT_FALSE(File(q, "lQ"));
  // "[:" not followed by a class name is an ordinary member.
  auto lit = Rules("m[[:]\n");
  EXPECT_TRUE(File(lit, "m["));
  EXPECT_TRUE(File(lit, "m:"));
}

TEST(IgnoreMatcher, MalformedClasses) {
  // An unterminated '[' is a literal (as in fnmatch).
  auto u = Rules("foo[ab\n");
  EXPECT_TRUE(File(u, "foo[ab"));
  EXPECT_FALSE(File(u, "fooa"));
  // An unknown class name makes the pattern match nothing (as in git).
  auto k = Rules("x[[:bogus:]]\n*.c\n");
  EXPECT_FALSE(File(k, "xb"));
  EXPECT_FALSE(File(k, "x[[:bogus:]]"));
  EXPECT_TRUE(File(k, "a.c"));
}

TEST(IgnoreMatcher, NegationLastMatchWins) {
  auto m = Rules("*.log\n!keep.log\n");
  EXPECT_TRUE(File(m, "a.log"));
  EXPECT_TRUE(File(m, "d/a.log"));
  EXPECT_FALSE(File(m, "keep.log"));
  EXPECT_FALSE(File(m, "d/keep.log"));

  auto rev = Rules("!keep.log\n*.log\n");
  EXPECT_TRUE(File(rev, "keep.log"));

  auto again = Rules("*.log\n!keep.log\nkeep.log\n");
  EXPECT_TRUE(File(again, "keep.log"));

  // A negation alone re-includes nothing that was not excluded.
  auto alone = Rules("!x\n");
  EXPECT_FALSE(File(alone, "x"));
  EXPECT_FALSE(File(alone, "y"));
  // "!" alone is not a rule.
  EXPECT_TRUE(Rules("!\n")->empty());
}

TEST(IgnoreMatcher, NegatedDirectoriesOnly) {
  // Ignore everything except directories: files at every level are ignored.
  auto m = Rules("*\n!*/\n");
  EXPECT_FALSE(Dir(m, "a"));
  EXPECT_FALSE(Dir(m, "a/b"));
  EXPECT_TRUE(File(m, "a"));
  EXPECT_TRUE(File(m, "a/b/c"));
}

TEST(IgnoreMatcher, EscapedHashAndBang) {
  auto m = Rules("\\#notes\n\\!important\n");
  EXPECT_TRUE(File(m, "#notes"));
  EXPECT_TRUE(File(m, "!important"));
  EXPECT_FALSE(File(m, "important"));
  EXPECT_FALSE(File(m, "notes"));

  // A '#' that does not start the line is literal.
  auto h = Rules("a#b\n");
  EXPECT_TRUE(File(h, "a#b"));
}

TEST(IgnoreMatcher, OtherEscapes) {
  auto m = Rules("\\*\n\\?x\n\\[y]\nback\\\\slash\n");
  EXPECT_TRUE(File(m, "*"));
  EXPECT_FALSE(File(m, "a"));
  EXPECT_TRUE(File(m, "?x"));
  EXPECT_FALSE(File(m, "ax"));
  EXPECT_TRUE(File(m, "[y]"));
  EXPECT_FALSE(File(m, "y"));
  EXPECT_TRUE(File(m, "back\\slash"));
  // A trailing lone backslash makes a pattern that never matches.
  auto t = Rules("foo\\\n");
  EXPECT_FALSE(File(t, "foo"));
  EXPECT_FALSE(File(t, "foo\\"));
}

TEST(IgnoreMatcher, TrailingSpaces) {
  auto m = Rules("foo   \n");
  EXPECT_TRUE(File(m, "foo"));
  EXPECT_FALSE(File(m, "foo   "));

  auto one = Rules("bar\\ \n");
  EXPECT_TRUE(File(one, "bar "));
  EXPECT_FALSE(File(one, "bar"));

  auto two = Rules("baz\\ \\  \n");
  EXPECT_TRUE(File(two, "baz  "));
  EXPECT_FALSE(File(two, "baz "));

  // Only the unescaped spaces after the last escaped one are trimmed.
  auto mid = Rules("q \\ \n");
  EXPECT_TRUE(File(mid, "q  "));

  // An escaped backslash does not escape the following space.
  auto bs = Rules("r\\\\ \n");
  EXPECT_TRUE(File(bs, "r\\"));

  // Leading spaces and inner spaces are part of the pattern.
  auto lead = Rules(" foo\na b\n");
  EXPECT_TRUE(File(lead, " foo"));
  EXPECT_FALSE(File(lead, "foo"));
  EXPECT_TRUE(File(lead, "a b"));

  // Spaces alone make a blank line.
  EXPECT_TRUE(Rules("    \n")->empty());
}

TEST(IgnoreMatcher, CrLfAndBom) {
  auto m = Rules(
      "\xEF\xBB\xBF"
      "foo\r\nbar/\r\n*.o");
  EXPECT_TRUE(File(m, "foo"));
  EXPECT_TRUE(Dir(m, "bar"));
  EXPECT_FALSE(File(m, "bar"));
  EXPECT_TRUE(File(m, "x.o"));  // last line without a newline
}

TEST(IgnoreMatcher, TrailingSlashMatchesDirectoriesOnly) {
  auto m = Rules("build/\n");
  EXPECT_TRUE(Dir(m, "build"));
  EXPECT_TRUE(Dir(m, "a/b/build"));
  EXPECT_FALSE(File(m, "build"));
  EXPECT_FALSE(File(m, "a/build"));

  auto g = Rules("*.d/\n");
  EXPECT_TRUE(Dir(g, "x.d"));
  EXPECT_FALSE(File(g, "x.d"));

  // A single '/' is no rule at all.
  EXPECT_TRUE(Rules("/\n")->empty());
}

TEST(IgnoreMatcher, LeadingSlashAnchors) {
  auto m = Rules("/foo\n/*.c\n");
  EXPECT_TRUE(File(m, "foo"));
  EXPECT_FALSE(File(m, "a/foo"));
  EXPECT_TRUE(File(m, "x.c"));
  EXPECT_FALSE(File(m, "a/x.c"));
}

TEST(IgnoreMatcher, MiddleSlashAnchors) {
  auto m = Rules("doc/frotz/\na/b\n");
  EXPECT_TRUE(Dir(m, "doc/frotz"));
  EXPECT_FALSE(File(m, "doc/frotz"));
  EXPECT_FALSE(Dir(m, "a/doc/frotz"));
  EXPECT_TRUE(File(m, "a/b"));
  EXPECT_FALSE(File(m, "x/a/b"));
  EXPECT_FALSE(File(m, "a/bc"));
  EXPECT_FALSE(Dir(m, "a"));
  // Slashes are collapsed and an escaped slash is a separator.
  auto c = Rules("x//y\np\\/q\n");
  EXPECT_TRUE(File(c, "x/y"));
  EXPECT_TRUE(File(c, "p/q"));
  EXPECT_FALSE(File(c, "z/p/q"));
}

TEST(IgnoreMatcher, LeadingDoubleStar) {
  auto m = Rules("**/foo\n");
  EXPECT_TRUE(File(m, "foo"));
  EXPECT_TRUE(File(m, "a/foo"));
  EXPECT_TRUE(Dir(m, "a/b/foo"));
  EXPECT_FALSE(File(m, "a/foox"));

  auto two = Rules("**/foo/bar\n");
  EXPECT_TRUE(File(two, "foo/bar"));
  EXPECT_TRUE(File(two, "a/foo/bar"));
  EXPECT_TRUE(File(two, "a/b/foo/bar"));
  EXPECT_FALSE(File(two, "foo/x/bar"));
  EXPECT_FALSE(File(two, "foo/bar2"));
  EXPECT_FALSE(Dir(two, "foo"));

  auto dir = Rules("**/cache/\n");
  EXPECT_TRUE(Dir(dir, "x/cache"));
  EXPECT_FALSE(File(dir, "x/cache"));
}

TEST(IgnoreMatcher, TrailingDoubleStar) {
  auto m = Rules("abc/**\n");
  EXPECT_FALSE(Dir(m, "abc"));  // the directory itself is not matched
  EXPECT_TRUE(File(m, "abc/x"));
  EXPECT_TRUE(Dir(m, "abc/d"));
  EXPECT_TRUE(File(m, "abc/d/e/f"));
  EXPECT_FALSE(File(m, "x/abc/y"));
  EXPECT_FALSE(File(m, "abcd/y"));

  // Since abc itself is not excluded, its content can be re-included.
  auto keep = Rules("abc/**\n!abc/keep\n");
  EXPECT_FALSE(File(keep, "abc/keep"));
  EXPECT_TRUE(File(keep, "abc/other"));

  auto all = Rules("/**\n");
  EXPECT_TRUE(File(all, "a"));
  EXPECT_TRUE(File(all, "a/b"));

  auto dirs = Rules("out/**/\n");
  EXPECT_TRUE(Dir(dirs, "out/x"));
  EXPECT_FALSE(File(dirs, "out/x"));
}

TEST(IgnoreMatcher, MiddleDoubleStar) {
  auto m = Rules("a/**/b\n");
  EXPECT_TRUE(File(m, "a/b"));
  EXPECT_TRUE(File(m, "a/x/b"));
  EXPECT_TRUE(File(m, "a/x/y/z/b"));
  EXPECT_FALSE(File(m, "a/xb"));
  EXPECT_FALSE(File(m, "x/a/b"));
  EXPECT_FALSE(File(m, "a/b/c"));

  auto many = Rules("a/**/b/**/c\n");
  EXPECT_TRUE(File(many, "a/b/c"));
  EXPECT_TRUE(File(many, "a/1/b/2/3/c"));
  EXPECT_TRUE(File(many, "a/b/b/c"));
  EXPECT_FALSE(File(many, "a/1/c"));

  // Backtracking across several components.
  auto bt = Rules("**/x/y/**/z\n");
  EXPECT_TRUE(File(bt, "x/x/x/y/y/q/z"));
  EXPECT_FALSE(File(bt, "x/x/x/q/y/z"));
}

TEST(IgnoreMatcher, DoubleStarElsewhereIsAStar) {
  auto m = Rules("a**b\n");
  EXPECT_TRUE(File(m, "ab"));
  EXPECT_TRUE(File(m, "d/axyb"));
  auto anchored = Rules("foo/**b\n");
  EXPECT_TRUE(File(anchored, "foo/xb"));
  EXPECT_FALSE(File(anchored, "foo/x/yb"));
  auto alone = Rules("**\n");
  EXPECT_TRUE(File(alone, "a"));
  EXPECT_TRUE(Dir(alone, "a/b"));
}

TEST(IgnoreMatcher, Utf8NamesMatchAsBytes) {
  auto m = Rules("\xC3\xBC*\n??ber2\n");  // "ü*", and "?" is one byte
  EXPECT_TRUE(File(m,
                   "\xC3\xBC"
                   "ber"));
  EXPECT_TRUE(File(m,
                   "\xC3\xBC"
                   "ber2"));
  EXPECT_FALSE(File(m, "uber"));
  auto one = Rules("?ber\n");
  EXPECT_FALSE(File(one,
                    "\xC3\xBC"
                    "ber"));
  auto cls = Rules("[\xC3]*\n");
  EXPECT_TRUE(File(cls, "\xC3\xA9t\xC3\xA9"));
}

TEST(IgnoreMatcher, NestedFileRulesApplyBelowTheirDirectory) {
  auto m = Rules("*.txt\n/top\n", "sub");
  EXPECT_TRUE(File(m, "sub/a.txt"));
  EXPECT_TRUE(File(m, "sub/x/y/a.txt"));
  EXPECT_FALSE(File(m, "a.txt"));
  EXPECT_FALSE(File(m, "other/a.txt"));
  EXPECT_FALSE(File(m, "subx/a.txt"));  // a sibling with the same prefix
  EXPECT_TRUE(File(m, "sub/top"));
  EXPECT_FALSE(File(m, "top"));
  EXPECT_FALSE(File(m, "sub/x/top"));

  // Rules never apply to the directory holding the file.
  auto star = Rules("*\n", "a/b");
  EXPECT_FALSE(Dir(star, "a/b"));
  EXPECT_FALSE(Dir(star, "a"));
  EXPECT_TRUE(File(star, "a/b/c"));

  auto anchored = Rules("x/y\n**/z\n", "d");
  EXPECT_TRUE(File(anchored, "d/x/y"));
  EXPECT_FALSE(File(anchored, "x/y"));
  EXPECT_FALSE(File(anchored, "d/q/x/y"));
  EXPECT_TRUE(File(anchored, "d/q/z"));
  EXPECT_FALSE(File(anchored, "z"));
}

TEST(IgnoreMatcher, DeeperFilesOverrideShallowerOnes) {
  auto root = Rules("*.log\n");
  auto m = root->WithRules(P("sub"), "!keep.log\n");
  EXPECT_FALSE(File(m, "sub/keep.log"));
  EXPECT_FALSE(File(m, "sub/x/keep.log"));
  EXPECT_TRUE(File(m, "keep.log"));
  EXPECT_TRUE(File(m, "sub/other.log"));
  EXPECT_TRUE(File(m, "other/keep.log"));

  // A shallower negation does not override a deeper exclusion.
  auto n = Rules("*.tmp\n!a.tmp\n")->WithRules(P("sub"), "a.tmp\n");
  EXPECT_TRUE(File(n, "sub/a.tmp"));
  EXPECT_FALSE(File(n, "a.tmp"));
  EXPECT_FALSE(File(n, "x/a.tmp"));

  // Three levels.
  auto three = Rules("*.o\n")->WithRules(P("a"), "!*.o\n")->WithRules(P("a/b"), "x.o\n");
  EXPECT_TRUE(File(three, "y.o"));
  EXPECT_FALSE(File(three, "a/y.o"));
  EXPECT_FALSE(File(three, "a/b/y.o"));
  EXPECT_TRUE(File(three, "a/b/x.o"));
  EXPECT_FALSE(File(three, "a/x.o"));
}

TEST(IgnoreMatcher, DepthOrderDoesNotDependOnCallOrder) {
  auto m = IgnoreMatcher::Empty()->WithRules(P("sub"), "!keep.log\n")->WithRules(P(""), "*.log\n");
  EXPECT_FALSE(File(m, "sub/keep.log"));
  EXPECT_TRUE(File(m, "keep.log"));
}

TEST(IgnoreMatcher, WithRulesDoesNotModifyTheOriginal) {
  auto base = Rules("a\n");
  auto more = base->WithRules(P(""), "b\n");
  auto sibling = base->WithRules(P("s"), "c\n");
  EXPECT_TRUE(File(base, "a"));
  EXPECT_FALSE(File(base, "b"));
  EXPECT_TRUE(File(more, "b"));
  EXPECT_FALSE(File(more, "s/c"));
  EXPECT_TRUE(File(sibling, "s/c"));
  EXPECT_FALSE(File(sibling, "b"));
  // A file with no rules leaves the matcher equivalent.
  auto none = base->WithRules(P("x"), "# nothing\n");
  EXPECT_TRUE(File(none, "a"));
  EXPECT_FALSE(none->empty());
  EXPECT_TRUE(IgnoreMatcher::Empty()->WithRules(P("x"), "")->empty());
}

TEST(IgnoreMatcher, PathologicalPatternsAreFast) {
  auto start = std::chrono::steady_clock::now();
  std::string star_a;
  for (int i = 0; i < 30; ++i) star_a += "*a";
  star_a += "*b";
  auto m = Rules(star_a + "\n");
  std::string name(250, 'a');
  for (int i = 0; i < 200; ++i) EXPECT_FALSE(File(m, name));
  EXPECT_TRUE(File(m, name + "b"));

  // Same with a class token, which disables the literal fast paths.
  auto cls = Rules("*[a]*[a]*[a]*[a]*[a]*[a]*[a]*[a]*[a]*[a]*[a]*b\n");
  for (int i = 0; i < 200; ++i) EXPECT_FALSE(File(cls, name));

  // Many globstars over a deep path.
  std::string deep_pat;
  for (int i = 0; i < 20; ++i) deep_pat += "**/a/";
  deep_pat += "b";
  auto deep = Rules(deep_pat + "\n");
  std::string path = "a";
  for (int i = 0; i < 150; ++i) path += "/a";
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(File(deep, path));
  EXPECT_TRUE(File(deep, path + "/b"));

  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(IgnoreMatcher, ManyFilesQuickly) {
  // A typical rule set queried for 200,000 paths.
  auto m =
      Rules("*.o\n*.tmp\nbuild/\n/dist\nnode_modules/\n**/cache/**\n!important.tmp\n.DS_Store\n")
          ->WithRules(P("src"), "gen_*\n");
  auto start = std::chrono::steady_clock::now();
  int ignored = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string p = "src/module" + std::to_string(i % 100) + "/file" + std::to_string(i) +
                    (i % 10 == 0 ? ".o" : ".cc");
    ignored += File(m, p) ? 1 : 0;
  }
  EXPECT_EQ(ignored, 20000);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace jvs
