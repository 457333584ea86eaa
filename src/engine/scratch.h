// A per-thread scratch buffer for engines that read and write through user
// space. Allocated once per thread and never zeroed: a fresh 1 MiB vector per
// file costs an mmap, page faults and a memset, which for 20,000 small files
// is more than the reading itself. Never hold it across a call that may use
// it again (no engine function nests).
#pragma once

#include <cstddef>
#include <memory>

namespace jvs::engine_internal {

inline constexpr size_t kScratchSize = 1u << 20;

inline char* ThreadScratch() {
  thread_local std::unique_ptr<char[]> buf(new char[kScratchSize]);
  return buf.get();
}

}  // namespace jvs::engine_internal
