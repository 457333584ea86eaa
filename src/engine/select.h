// Engine selection: which CloneEngine a repository uses, and why.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "jvs/engine.h"

namespace jvs {

struct EngineChoice {
  std::unique_ptr<CloneEngine> engine;
  std::string reason;
};

// `forced` (JVS_ENGINE) wins; otherwise a reflink probe inside `control_dir`
// decides between reflink and copy.
Result<EngineChoice> ChooseEngine(Env* env, const fs::path& control_dir,
                                  const std::optional<std::string>& forced);

std::unique_ptr<CloneEngine> MakeReflinkEngine();

}  // namespace jvs
