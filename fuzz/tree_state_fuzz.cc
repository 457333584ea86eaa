// The per-worktree tree state ("JVSS", .jvs/worktrees/NAME/tree_state): any
// input decodes or is rejected as corrupt, never crashes; an accepted state
// is canonical (re-encodes to exactly the input, checksum included) and holds only valid,
// normalised, sorted, unique paths of files and symlinks.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "jvs/base/hash.h"
#include "jvs/base/repo_path.h"
#include "wc/tree_state.h"

namespace {
int CheckOne(std::string_view in) {
  auto ts = jvs::TreeState::Decode(in);
  if (!ts.ok()) {
    FUZZ_CHECK(ts.error().code() == jvs::ErrorCode::kCorrupt);
    return 0;
  }
  for (size_t i = 0; i < ts->entries.size(); ++i) {
    const auto& [path, st] = ts->entries[i];
    auto parsed = jvs::RepoPath::Parse(path);
    FUZZ_CHECK(parsed.ok());
    FUZZ_CHECK(!parsed->is_root());
    FUZZ_CHECK(parsed->str() == path);
    FUZZ_CHECK(i == 0 || ts->entries[i - 1].first < path);
    FUZZ_CHECK(st.kind != jvs::EntryKind::kTree);
  }
  FUZZ_CHECK(ts->Encode() == in);
  jvs::TreeStateIndex index(*ts);
  for (const auto& [path, st] : ts->entries) FUZZ_CHECK(index.Find(path) != nullptr);
  return 0;
}
}  // namespace

// The input as a whole file, and (so that the checksum does not hide the
// decoder) as the bytes before a checksum that matches them. The seeds are
// such bodies (tree state files without their last 32 bytes).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = AsView(data, size);
  CheckOne(in);
  std::string with_sum(in);
  jvs::Digest sum = jvs::Sha256Of(in);
  with_sum.append(reinterpret_cast<const char*>(sum.data()), sum.size());
  return CheckOne(with_sum);
}
