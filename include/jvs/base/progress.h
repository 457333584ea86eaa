// Progress of long work (scan, hash, ingest, restore, fork, verify, gc). The
// library reports; the CLI renders (on a terminal only). A sink receives
// Begin/Add/End from library code; Add may be called from several threads at
// once and often, so implementations must be thread-safe and cheap
// (throttle the drawing, not the counting).
#pragma once

#include <cstdint>
#include <string_view>

namespace jvs {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // A phase begins ("scan", "hash", "restore", "fork", "verify", "gc").
  // Totals are 0 when unknown.
  virtual void Begin(std::string_view phase, uint64_t total_items, uint64_t total_bytes) = 0;
  // Work done since the last call. Thread-safe.
  virtual void Add(uint64_t items, uint64_t bytes) = 0;
  // The phase ended (successfully or not); a renderer clears its line.
  virtual void End() = 0;
};

// Calls Begin on construction and End on destruction; every method is a
// no-op when `sink` is null, so library code can report unconditionally.
class ProgressScope {
 public:
  ProgressScope(ProgressSink* sink, std::string_view phase, uint64_t total_items = 0,
                uint64_t total_bytes = 0)
      : sink_(sink) {
    if (sink_) sink_->Begin(phase, total_items, total_bytes);
  }
  ~ProgressScope() {
    if (sink_) sink_->End();
  }
  ProgressScope(const ProgressScope&) = delete;
  ProgressScope& operator=(const ProgressScope&) = delete;
  void Add(uint64_t items, uint64_t bytes = 0) const {
    if (sink_) sink_->Add(items, bytes);
  }

 private:
  ProgressSink* sink_;
};

}  // namespace jvs
