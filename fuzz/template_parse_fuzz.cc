// The template language (jvs/template/template.h): any input compiles or is
// rejected without a crash, and an error points inside the input, has a
// message and renders; a compiled template evaluates against a row with every
// kind of value, and its labelled output is exactly its plain text. Inputs
// past 4 KiB are skipped (the parser is linear; longer inputs only slow the
// fuzzer down).
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "jvs/template/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace jvs::templates;
  if (size > 4096) return 0;
  static const Schema* schema = [] {
    auto* s = new Schema();
    s->AddKeyword("id", Type::kId);
    s->AddKeyword("note", Type::kString);
    s->AddKeyword("n", Type::kInteger);
    s->AddKeyword("flag", Type::kBool);
    s->AddKeyword("time", Type::kTimestamp);
    s->AddKeyword("tags", Type::kStringList);
    s->AddKeyword("parents", Type::kIdList);
    return s;
  }();
  std::string_view in = AsView(data, size);
  auto compiled = Compile(in, *schema);
  if (auto* e = std::get_if<TemplateError>(&compiled)) {
    FUZZ_CHECK(e->offset <= in.size());
    FUZZ_CHECK(e->offset + e->length <= in.size());
    FUZZ_CHECK(!e->message.empty());
    FUZZ_CHECK(!RenderTemplateError(in, *e).empty());
    FUZZ_CHECK(!e->ToError().message().empty());
    return 0;
  }
  const Template& t = std::get<Template>(compiled);
  Row row = [](std::string_view k) -> Value {
    if (k == "id") return Value::Id("0123456789abcdef", 8, 3, "change_id");
    if (k == "note") return Value::String("first\nsecond\n\x1b[31m");
    if (k == "n") return Value::Integer(-7);
    if (k == "flag") return Value::Bool(true);
    if (k == "time") return Value::Timestamp("2026-01-01T00:00:00Z");
    if (k == "tags") return Value::StringList({"a", "", "b c"});
    return Value::IdList({IdValue{"aa", 4, 1, {}}, IdValue{"", 0, 0, {}}});
  };
  Output out = t.Evaluate(row);
  FUZZ_CHECK(PlainText(out) == t.Text(row));
  for (size_t i = 0; i < out.size(); ++i) {
    FUZZ_CHECK(!out[i].text.empty());
    if (i) FUZZ_CHECK(out[i].labels != out[i - 1].labels);  // adjacent equal labels merge
  }
  return 0;
}
