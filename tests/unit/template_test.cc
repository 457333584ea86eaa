// The template language (jvs/template/template.h): parsing, type checks with
// errors pointing at their column, evaluation, labels and caller methods.
#include "jvs/template/template.h"

#include <gtest/gtest.h>

namespace jvs::templates {
namespace {

class TemplateTest : public ::testing::Test {
 protected:
  TemplateTest() {
    schema.AddKeyword("id", Type::kId);
    schema.AddKeyword("note", Type::kString);
    schema.AddKeyword("tags", Type::kStringList);
    schema.AddKeyword("parents", Type::kIdList);
    schema.AddKeyword("empty", Type::kBool);
    schema.AddKeyword("time", Type::kTimestamp);
    schema.AddKeyword("size", Type::kInteger);
    schema.AddMethod(MethodSpec{Type::kString, "shout", {}, 0, Type::kString,
                                [](const Value& s, const std::vector<Value>&) { return Value::String(s.str + "!"); }});
  }

  Value Get(std::string_view k) const {
    if (k == "id") return Value::Id("0123456789abcdef", 8, 3);
    if (k == "note") return Value::String(note);
    if (k == "tags") return Value::StringList(tags);
    if (k == "parents") return Value::IdList({IdValue{"aaaa1111", 6, 2}, IdValue{"bbbb2222", 6, 4}});
    if (k == "empty") return Value::Bool(empty);
    if (k == "time") return Value::Timestamp("2024-03-05T06:07:08Z");
    if (k == "size") return Value::Integer(42);
    ADD_FAILURE() << "unexpected keyword " << k;
    return Value::String("");
  }

  std::variant<Template, TemplateError> Build(std::string_view source) { return Compile(source, schema); }

  std::string Run(std::string_view source) {
    auto t = Build(source);
    if (auto* e = std::get_if<TemplateError>(&t)) {
      ADD_FAILURE() << source << ": " << e->message;
      return "<error>";
    }
    return std::get<Template>(t).Text([this](std::string_view k) { return Get(k); });
  }

  Output Segments(std::string_view source) {
    auto t = Build(source);
    EXPECT_TRUE(std::holds_alternative<Template>(t)) << source;
    if (!std::holds_alternative<Template>(t)) return {};
    return std::get<Template>(t).Evaluate([this](std::string_view k) { return Get(k); });
  }

  TemplateError Err(std::string_view source) {
    auto t = Build(source);
    EXPECT_TRUE(std::holds_alternative<TemplateError>(t)) << source << " compiled";
    if (!std::holds_alternative<TemplateError>(t)) return {};
    return std::get<TemplateError>(t);
  }

  Schema schema;
  std::string note = "first line\nsecond line";
  std::vector<std::string> tags = {"v1", "release"};
  bool empty = false;
};

TEST_F(TemplateTest, LiteralsAndConcatenation) {
  EXPECT_EQ(Run(""), "");
  EXPECT_EQ(Run("\"a\" ++ 'b\\n' ++ \"c\\td\\\"\\\\\""), "ab\\nc\td\"\\");
  EXPECT_EQ(Run("(\"x\" ++ \"y\") ++ 7"), "xy7");
}

TEST_F(TemplateTest, KeywordsRenderAsListingsShowThem) {
  EXPECT_EQ(Run("id"), "01234567");
  EXPECT_EQ(Run("tags"), "v1 release");
  EXPECT_EQ(Run("parents"), "aaaa11 bbbb22");
  EXPECT_EQ(Run("empty ++ ' ' ++ size ++ ' ' ++ time"), "false 42 2024-03-05T06:07:08Z");
}

TEST_F(TemplateTest, Methods) {
  EXPECT_EQ(Run("id.short()"), "0123456789ab");
  EXPECT_EQ(Run("id.short(4)"), "0123");
  EXPECT_EQ(Run("id.shortest()"), "012");
  EXPECT_EQ(Run("id.shortest(6)"), "012345");
  EXPECT_EQ(Run("id.hex()"), "0123456789abcdef");
  EXPECT_EQ(Run("note.first_line()"), "first line");
  EXPECT_EQ(Run("note.lines().join('|')"), "first line|second line");
  EXPECT_EQ(Run("note.contains('second') ++ note.contains('third')"), "truefalse");
  EXPECT_EQ(Run("note.first_line().upper().len()"), "10");
  EXPECT_EQ(Run("tags.join(', ') ++ ' ' ++ tags.len() ++ tags.contains('v1')"), "v1, release 2true");
  EXPECT_EQ(Run("parents.short(3).join(',')"), "aaa,bbb");
  EXPECT_EQ(Run("time.format('%Y/%m/%d %H:%M')"), "2024/03/05 06:07");
  EXPECT_EQ(Run("note.first_line().shout()"), "first line!");
}

TEST_F(TemplateTest, Functions) {
  EXPECT_EQ(Run("if(empty, 'E', 'F')"), "F");
  EXPECT_EQ(Run("if(!empty, 'yes')"), "yes");
  EXPECT_EQ(Run("if(empty, 'yes')"), "");
  EXPECT_EQ(Run("if(tags && note, 'both') ++ if(empty || '', 'x', 'neither')"), "bothneither");
  EXPECT_EQ(Run("separate(' ', 'a', '', if(empty, 'b'), tags.join(','), id.short(2))"), "a v1,release 01");
  EXPECT_EQ(Run("concat('a', 1, empty)"), "a1false");
  EXPECT_EQ(Run("json(note) ++ json(tags) ++ json(id) ++ json(size) ++ json(empty)"),
            "\"first line\\nsecond line\"[\"v1\",\"release\"]\"0123456789abcdef\"42false");
  EXPECT_EQ(Run("json('a' ++ 'b')"), "\"ab\"");
  tags.clear();
  EXPECT_EQ(Run("if(tags, '(' ++ tags.join(', ') ++ ')', 'untagged')"), "untagged");
}

TEST_F(TemplateTest, LabelsAndIdParts) {
  Output out = Segments("id ++ ' ' ++ label('tag', tags).join(', ') ++ label('dim', ' (' ++ 'x' ++ ')')");
  Output want = {{"012", {"prefix"}}, {"34567", {"rest"}}, {" ", {}}, {"v1", {"tag"}},
                 {", ", {}},         {"release", {"tag"}}, {" (x)", {"dim"}}};
  EXPECT_EQ(out, want);
  Output nested = Segments("label('a', 'x' ++ label('b', id.shortest()))");
  Output want_nested = {{"x", {"a"}}, {"012", {"a", "b", "prefix"}}};
  EXPECT_EQ(nested, want_nested);
}

TEST_F(TemplateTest, SyntaxErrorsPointAtTheirColumn) {
  TemplateError e = Err("id ++ \"open");
  EXPECT_EQ(e.offset, 6u);
  EXPECT_EQ(e.message, "this string is not closed");
  EXPECT_EQ(e.ToError().message(), "template: column 7: this string is not closed");
  e = Err("id + note");
  EXPECT_EQ(e.offset, 3u);
  EXPECT_EQ(e.hint, "concatenation is '++'");
  e = Err("id note");
  EXPECT_EQ(e.offset, 3u);
  EXPECT_NE(e.hint.find("++"), std::string::npos);
  e = Err("if(empty, 'a'");
  EXPECT_EQ(e.offset, 13u);
  EXPECT_EQ(e.hint, "close the '(' at column 3");
  e = Err("id.");
  EXPECT_EQ(e.message, "expected a method name after '.', found the end");
  e = Err("id.short");
  EXPECT_EQ(e.hint, "a method is called with parentheses: .short()");
  EXPECT_EQ(Run("'\\q'"), "\\q");  // nothing is escaped in '...'
  e = Err("\"\\q\"");
  EXPECT_EQ(e.offset, 1u);
  EXPECT_EQ(e.message, "unknown escape '\\q'");
  e = Err("'a' ++ \"ends in a backslash\\");
  EXPECT_EQ(e.offset, 7u);
  EXPECT_EQ(e.message, "this string is not closed");
  e = Err("99999999999999999999");
  EXPECT_EQ(e.message, "this number is too large");
  e = Err("é");
  EXPECT_EQ(e.length, 2u);
}

TEST_F(TemplateTest, NameAndTypeErrorsPointAtTheirColumn) {
  TemplateError e = Err("id ++ chnage_id ++ noet");
  EXPECT_EQ(e.offset, 6u);
  EXPECT_EQ(e.message, "unknown keyword 'chnage_id'");
  EXPECT_NE(e.hint.find("the keywords here are: empty, id, note, parents, size, tags, time"), std::string::npos);
  e = Err("id ++ noet");
  EXPECT_EQ(e.hint, "did you mean 'note'?");
  e = Err("note.frist_line()");
  EXPECT_EQ(e.offset, 5u);
  EXPECT_EQ(e.message, "String has no method 'frist_line'");
  EXPECT_EQ(e.hint, "did you mean 'first_line'?");
  e = Err("empty.xyz()");
  EXPECT_EQ(e.hint, "Boolean has no methods");
  e = Err("id.short('a')");
  EXPECT_EQ(e.offset, 9u);
  EXPECT_EQ(e.message, "argument 1 of short() must be Integer, found String");
  e = Err("id.short(1, 2)");
  EXPECT_EQ(e.message, "Id.short() takes 0 to 1 arguments, got 2");
  e = Err("if(size, 'a')");
  EXPECT_EQ(e.offset, 3u);
  EXPECT_EQ(e.message, "expected a condition, found Integer");
  e = Err("fi(empty)");
  EXPECT_EQ(e.message, "unknown function 'fi'");
  EXPECT_EQ(e.hint, "did you mean 'if'?");
  EXPECT_EQ(Err("note()").message, "'note' is a keyword, not a function");
  EXPECT_EQ(Err("id ++ separate").message, "'separate' is a function, not a keyword");
  EXPECT_EQ(Err("label(note, 'x')").message, "the label of label() must be a string literal");
  EXPECT_EQ(Err("json()").message, "json() takes 1 argument, got 0");
  EXPECT_EQ(Err("note.contains(tags)").message, "argument 1 of contains() must be String, found List<String>");
}

TEST_F(TemplateTest, ErrorsRenderWithACaret) {
  TemplateError e = Err("id ++ noet");
  EXPECT_EQ(RenderTemplateError("id ++ noet", e), "  id ++ noet\n        ^ unknown keyword 'noet'\nhint: did you mean 'note'?");
  e.name = "mine";
  EXPECT_EQ(e.ToError().message(), "template 'mine': column 7: unknown keyword 'noet'");
  // Multi-line source: the caret goes under the offending line's column.
  std::string src = "id ++\n  bogus";
  e = Err(src);
  EXPECT_EQ(RenderTemplateError(src, e).rfind("    bogus\n    ^ unknown keyword 'bogus'\nhint", 0), 0u);
}

TEST_F(TemplateTest, DepthIsBounded) {
  std::string deep(kMaxDepth * 2, '(');
  EXPECT_NE(Err(deep + "id" + std::string(kMaxDepth * 2, ')')).message.find("nests deeper"), std::string::npos);
  std::string nots(kMaxDepth * 2, '!');
  EXPECT_NE(Err(nots + "empty").message.find("nests deeper"), std::string::npos);
  std::string chain = "note";
  for (size_t i = 0; i < kMaxDepth * 2; ++i) chain += ".first_line()";
  EXPECT_NE(Err(chain).message.find("nests deeper"), std::string::npos);
}

}  // namespace
}  // namespace jvs::templates
