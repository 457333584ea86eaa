// RepoPath validation: the only way a path from a tree, a tree state or the
// command line becomes a workspace path. Whatever the input, an accepted path
// is relative, normalised (no empty, "." or ".." component, no NUL, no
// trailing '/'), can never leave the workspace, and its pieces (components,
// parent, name, Join) agree with each other.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "jvs/base/repo_path.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = AsView(data, size);
  (void)jvs::ValidateName(in);
  if (jvs::ValidateName(in).ok()) {
    FUZZ_CHECK(!in.empty() && in != "." && in != ".." && in != ".jvs");
    FUZZ_CHECK(in.find('/') == std::string_view::npos && in.find('\0') == std::string_view::npos);
  }
  auto p = jvs::RepoPath::Parse(in);
  if (!p.ok()) {
    FUZZ_CHECK(p.error().code() == jvs::ErrorCode::kInvalidArgument);
    return 0;
  }
  const std::string& s = p->str();
  FUZZ_CHECK(s.empty() || (s.front() != '/' && s.back() != '/'));
  FUZZ_CHECK(s.find('\0') == std::string::npos);
  FUZZ_CHECK(s.find("//") == std::string::npos);
  jvs::RepoPath rebuilt;
  for (std::string_view c : p->components()) {
    FUZZ_CHECK(jvs::ValidateName(c).ok());
    rebuilt = rebuilt.Join(c);
  }
  FUZZ_CHECK(rebuilt.str() == s);
  auto again = jvs::RepoPath::Parse(s);
  FUZZ_CHECK(again.ok() && again->str() == s);
  if (!p->is_root()) {
    FUZZ_CHECK(p->parent().Join(p->name()).str() == s);
    FUZZ_CHECK(p->StartsWith(p->parent()));
  }
  // Lexically inside the workspace whatever the components are.
  std::filesystem::path root("/ws");
  std::filesystem::path abs = p->ToFsPath(root).lexically_normal();
  std::filesystem::path rel = abs.lexically_relative(root);
  FUZZ_CHECK(!rel.empty());
  FUZZ_CHECK(*rel.begin() != "..");  // a component "..\xd0up" is a name, not a way up
  return 0;
}
