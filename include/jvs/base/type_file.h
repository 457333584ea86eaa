// Type files: `.jvs/store/type`, `.jvs/op_store/type`, `.jvs/op_heads.type`.
// Each holds the name of the implementation that wrote the folder it sits in
// (one line, "NAME\n"), written at init and checked at open, so that a
// repository is never opened by an implementation that cannot read it.
// Also what every such pluggable part reports to doctor (TempPlace).
// Stateless functions and a value type; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/base/env.h"

namespace jvs {

// A folder where writers of a repository part (store backend, op store, op
// heads) may leave temp files when they die; doctor lists it and removes the
// temp files of dead processes. `all_temp`: everything in it is temporary
// (otherwise only names that carry a writer's pid are).
struct TempPlace {
  fs::path dir;
  bool all_temp = false;
};

// Writes "NAME\n" to `path` atomically.
Status WriteTypeFile(Env* env, const fs::path& path, std::string_view name);

// The implementation name in `path`, which must be one of `known`.
// A missing file means `if_missing` (a folder made before its type file
// existed); without one it is kCorrupt. A malformed file is kCorrupt, a name
// not in `known` kUnsupported; every error names the file and the value.
Result<std::string> ReadTypeFile(Env* env, const fs::path& path, const std::vector<std::string_view>& known,
                                 std::optional<std::string_view> if_missing);

}  // namespace jvs
