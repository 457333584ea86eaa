// The syntax of references (REF~N...): any input parses or is rejected
// without a crash, and the parse is faithful: printing the parsed expression
// back (base, then each step as "~N") and parsing that again gives the same
// expression; a base never contains '~' after its first character; every
// step is at most 6 digits.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "jvs/repo/refs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = AsView(data, size);
  auto e = jvs::ParseRefExpr(in);
  if (!e.ok()) {
    FUZZ_CHECK(in.empty());
    FUZZ_CHECK(e.error().code() == jvs::ErrorCode::kInvalidArgument);
    return 0;
  }
  FUZZ_CHECK(!e->base.empty());
  FUZZ_CHECK(in.substr(0, e->base.size()) == e->base);
  if (e->base.size() > 1)
    FUZZ_CHECK(e->base.find('~', 1) == std::string::npos || e->base[0] == '~');
  if (e->base[0] == '~') FUZZ_CHECK(e->steps.empty() && !e->suffix_error && e->base == in);
  for (uint32_t n : e->steps) FUZZ_CHECK(n <= 999999);
  if (e->suffix_error) {
    FUZZ_CHECK(e->suffix_error->code() == jvs::ErrorCode::kNotFound ||
               e->suffix_error->code() == jvs::ErrorCode::kInvalidArgument);
    return 0;
  }
  std::string printed = e->base;
  for (uint32_t n : e->steps) printed += "~" + std::to_string(n);
  auto again = jvs::ParseRefExpr(printed);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->base == e->base);
  FUZZ_CHECK(again->steps == e->steps);
  FUZZ_CHECK(!again->suffix_error);
  return 0;
}
