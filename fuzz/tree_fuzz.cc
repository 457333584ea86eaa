// Tree objects (store/trees): any input decodes or is rejected, never
// crashes; an accepted tree is canonical (re-encodes to exactly the input,
// so one tree has one id), holds only valid, sorted, unique names, and
// encodes and decodes back to itself.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "jvs/base/hash.h"
#include "jvs/store/objects.h"
#include "jvs/base/repo_path.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = AsView(data, size);
  auto tree = jvs::Tree::Decode(in);
  if (!tree.ok()) {
    FUZZ_CHECK(tree.error().code() == jvs::ErrorCode::kCorrupt);
    FUZZ_CHECK(!tree.error().message().empty());
    return 0;
  }
  const std::string enc = tree->Encode();
  FUZZ_CHECK(enc == in);
  FUZZ_CHECK(tree->ComputeId() == jvs::TreeId(jvs::Sha256Of(in)));
  for (size_t i = 0; i < tree->entries.size(); ++i) {
    const auto& e = tree->entries[i];
    FUZZ_CHECK(jvs::ValidateName(e.name).ok());
    FUZZ_CHECK(i == 0 || tree->entries[i - 1].name < e.name);
    FUZZ_CHECK(tree->Find(e.name) == &tree->entries[i]);
    FUZZ_CHECK(static_cast<uint8_t>(e.kind) >= 1 && static_cast<uint8_t>(e.kind) <= 4);
  }
  auto again = jvs::Tree::Decode(enc);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->entries == tree->entries);
  (void)tree->TotalSize();
  return 0;
}
