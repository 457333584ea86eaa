// Operations (op_store/operations, JSON): any input decodes or is rejected
// as corrupt, never crashes; an accepted operation round-trips through its
// canonical encoding.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "jvs/oplog/oplog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto op = jvs::Operation::Decode(AsView(data, size));
  if (!op.ok()) {
    FUZZ_CHECK(op.error().code() == jvs::ErrorCode::kCorrupt);
    return 0;
  }
  const std::string enc = op->Encode();
  auto back = jvs::Operation::Decode(enc);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(back->parents == op->parents);
  FUZZ_CHECK(back->view == op->view);
  FUZZ_CHECK(back->metadata == op->metadata);
  FUZZ_CHECK(back->Encode() == enc);
  return 0;
}
