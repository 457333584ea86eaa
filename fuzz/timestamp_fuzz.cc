// Timestamps (JVS_TIMESTAMP, RFC 3339 or epoch seconds): any input parses or
// is rejected without a crash or an overflow, and an accepted time formats
// (FormatRfc3339, millisecond precision) to text that parses back to the
// same time at that precision.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "jvs/base/timeutil.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto t = jvs::ParseTimestamp(AsView(data, size));
  if (!t.ok()) {
    FUZZ_CHECK(t.error().code() == jvs::ErrorCode::kInvalidArgument);
    return 0;
  }
  const int64_t ms = *t / 1000000 - (*t % 1000000 < 0 ? 1 : 0);
  std::string text = jvs::FormatRfc3339(*t);
  auto back = jvs::ParseTimestamp(text);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(*back == ms * 1000000);
  FUZZ_CHECK(jvs::FormatRfc3339(*back) == text);
  return 0;
}
