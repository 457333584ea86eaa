// CloneEngine: how file content moves between a workspace and the store.
// Engines differ only in cost: `copy` copies bytes in the kernel
// (copy_file_range, with a read/write fallback); reflink and JuiceFS clone
// share extents instead. Engines are stateless apart from atomic counters and
// are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "jvs/env.h"
#include "jvs/result.h"

namespace jvs {

struct EngineCounters {
  std::atomic<uint64_t> files{0};        // files moved
  std::atomic<uint64_t> cloned{0};       // moved by sharing extents
  std::atomic<uint64_t> copied{0};       // moved by copying bytes
  std::atomic<uint64_t> fallbacks{0};    // files where the preferred method failed
  std::atomic<uint64_t> bytes_copied{0};
};

class CloneEngine {
 public:
  virtual ~CloneEngine() = default;
  // "copy", "reflink", "juicefs".
  virtual std::string_view name() const = 0;
  // True when CloneContent shares data instead of copying it.
  virtual bool shares_data() const = 0;
  // Makes dst_fd (a new, empty, writable regular file) hold the first `size`
  // bytes of src_fd. Falls back to copying for this file only when the
  // preferred method fails; counters say what really ran.
  virtual Status CloneContent(Env* env, int src_fd, int dst_fd, uint64_t size) = 0;

  EngineCounters& counters() { return counters_; }

 protected:
  EngineCounters counters_;
};

// copy_file_range in a loop, read/write when the kernel refuses.
std::unique_ptr<CloneEngine> MakeCopyEngine();

// Copies `size` bytes from src_fd to dst_fd (both at offset 0) in the kernel
// where possible; shared by every engine as the fallback.
Status CopyBytes(Env* env, int src_fd, int dst_fd, uint64_t size, EngineCounters* counters);

}  // namespace jvs
