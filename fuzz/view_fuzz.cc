// Views (op_store/views, JSON): any input decodes or is rejected as corrupt,
// never crashes; an accepted view round-trips through its canonical encoding,
// and every name in it is one the commands themselves accept (a worktree
// name becomes a directory name under .jvs/worktrees, so "../x" must never
// get through).
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "jvs/oplog/oplog.h"
#include "jvs/base/repo_path.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto view = jvs::View::Decode(AsView(data, size));
  if (!view.ok()) {
    FUZZ_CHECK(view.error().code() == jvs::ErrorCode::kCorrupt);
    return 0;
  }
  for (const auto& [name, wt] : view->worktrees) FUZZ_CHECK(jvs::ValidateWorktreeName(name).ok());
  for (const auto& [name, id] : view->tags) FUZZ_CHECK(jvs::ValidateTagName(name).ok());
  const std::string enc = view->Encode();
  auto back = jvs::View::Decode(enc);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(*back == *view);
  FUZZ_CHECK(back->Encode() == enc);
  return 0;
}
