// Progress on a terminal: a single line on stderr with the phase, count/total,
// bytes, rate and ETA, redrawn at most ~10 times a second by a background
// ticker and erased (\r ESC[K) when the phase ends. It appears only once a
// phase has run for `delay` (250 ms), so fast commands never flicker.
//
// The pure parts (FormatProgressLine, RateMeter) are separate from the sink
// (TerminalProgress) so that they can be tested with an injected clock,
// output and width. TerminalProgress is thread-safe: Add is two relaxed
// atomic adds and may be called from any number of threads; Begin/End/Tick/
// Clear serialise on a mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "jvs/base/progress.h"

namespace jvs::cli {

// What one progress line shows.
struct ProgressView {
  std::string phase;                    // "scan", "hash", "restore", "fork", ... (see PhaseLabel)
  uint64_t items = 0, total_items = 0;  // totals are 0 when unknown
  uint64_t bytes = 0, total_bytes = 0;
  double items_per_s = 0, bytes_per_s = 0;  // recent rates (0: not known yet)
};

// "Scanning", "Hashing", "Restoring", "Forking", "Verifying", "Collecting";
// unknown phases are shown as given.
std::string PhaseLabel(std::string_view phase);

// Seconds left, from bytes when their total and rate are known, else from
// items; negative when it cannot be estimated.
double EtaSeconds(const ProgressView& v);

// The line (no \r, no escape codes), at most `width - 1` characters so that it
// never wraps: fields are dropped from the least important (ETA, rate, bytes,
// percent) until it fits; the label and count are cut only as a last resort.
// For example "Hashing  42%  1,234/5,000 files  120.5 MiB/1.2 GiB  45.2 MiB/s  ETA 25s".
std::string FormatProgressLine(const ProgressView& v, size_t width);

// Rates over a sliding window of samples (the last `window` seconds), so that
// a slow start or a pause does not skew the ETA for long.
class RateMeter {
 public:
  explicit RateMeter(double window_s = 3.0) : window_s_(window_s) {}
  void Reset() { samples_.clear(); }
  // `t` in seconds (monotonic), cumulative counts.
  void Sample(double t, uint64_t items, uint64_t bytes);
  // 0 until two samples at least 0.2 s apart exist.
  double items_per_s() const;
  double bytes_per_s() const;

 private:
  struct Point {
    double t;
    uint64_t items, bytes;
  };
  double window_s_;
  std::deque<Point> samples_;
};

class TerminalProgress final : public ProgressSink {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    std::function<void(std::string_view)> write;  // default: write(2) to stderr
    std::function<Clock::time_point()> now;       // default: steady_clock::now
    std::function<size_t()> width;                // default: stderr's terminal width (80)
    std::chrono::milliseconds delay{250};         // a phase is shown after this long
    std::chrono::milliseconds interval{100};      // redraws at most this often
    bool ticker = true;                           // a background thread calls Tick
  };
  explicit TerminalProgress(Options options);
  ~TerminalProgress() override;  // stops the ticker and erases the line
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  // Phases nest: Begin pushes, End pops (and the outer phase continues).
  void Begin(std::string_view phase, uint64_t total_items, uint64_t total_bytes) override;
  void Add(uint64_t items, uint64_t bytes) override;
  void End() override;

  // Redraws the line if a phase is due and `interval` has passed since the
  // last draw.
  void Tick();
  // Erases the line now (before other output on stderr); the next Tick draws
  // it again.
  void Clear();

 private:
  struct Phase {
    std::string name;
    uint64_t total_items, total_bytes;
    Clock::time_point begin;
    uint64_t saved_items, saved_bytes;  // the outer phase's counts
    RateMeter meter;
  };
  void EraseLocked();

  Options o_;
  std::atomic<uint64_t> items_{0}, bytes_{0};
  std::mutex mu_;
  std::vector<Phase> phases_;
  bool drawn_ = false;
  Clock::time_point last_draw_{};
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread ticker_;
};

// The progress sink for this process: a TerminalProgress when stderr is a
// terminal and TERM is not "dumb"; null otherwise (pipes, files, CI logs).
std::unique_ptr<TerminalProgress> MakeTerminalProgress();

}  // namespace jvs::cli
