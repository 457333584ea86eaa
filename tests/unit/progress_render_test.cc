// The terminal progress line (cli/progress.h): formatting of counts, bytes,
// rates and ETAs, truncation to the terminal width, the rate window, and the
// renderer's timing (delay, throttling, clearing) with an injected clock and
// output.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "humanize.h"
#include "progress.h"

namespace jvs::cli {
namespace {

TEST(HumanizeTest, Bytes) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1024), "1.0 KiB");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(5u << 20), "5.0 MiB");
  EXPECT_EQ(HumanBytes(uint64_t{3} << 40), "3.0 TiB");
  EXPECT_EQ(HumanBytes(uint64_t{2} << 50), "2.0 PiB");
}

TEST(HumanizeTest, Counts) {
  EXPECT_EQ(HumanCount(0), "0");
  EXPECT_EQ(HumanCount(999), "999");
  EXPECT_EQ(HumanCount(1000), "1,000");
  EXPECT_EQ(HumanCount(1234567), "1,234,567");
}

TEST(HumanizeTest, Durations) {
  EXPECT_EQ(HumanDuration(0), "0s");
  EXPECT_EQ(HumanDuration(7.4), "7s");
  EXPECT_EQ(HumanDuration(59.4), "59s");
  EXPECT_EQ(HumanDuration(65), "1m05s");
  EXPECT_EQ(HumanDuration(3599), "59m59s");
  EXPECT_EQ(HumanDuration(3600 * 2 + 3 * 60), "2h03m");
  EXPECT_EQ(HumanDuration(1e9), "99h+");
  EXPECT_EQ(HumanDuration(-5), "0s");
}

TEST(HumanizeTest, RelativeTimes) {
  const int64_t s = 1000000000;
  const int64_t now = 1800000000 * s;
  EXPECT_EQ(RelativeTime(now, now), "just now");
  EXPECT_EQ(RelativeTime(now - s, now), "1 second ago");
  EXPECT_EQ(RelativeTime(now - 45 * s, now), "45 seconds ago");
  EXPECT_EQ(RelativeTime(now - 3 * 60 * s, now), "3 minutes ago");
  EXPECT_EQ(RelativeTime(now - 60 * 60 * s, now), "60 minutes ago");
  EXPECT_EQ(RelativeTime(now - 5 * 3600 * s, now), "5 hours ago");
  EXPECT_EQ(RelativeTime(now - 3 * 86400 * s, now), "3 days ago");
  EXPECT_EQ(RelativeTime(now - 21 * 86400 * s, now), "3 weeks ago");
  EXPECT_EQ(RelativeTime(now - 120 * 86400 * s, now), "4 months ago");
  EXPECT_EQ(RelativeTime(now - 800 * 86400 * s, now), "2 years ago");
  EXPECT_EQ(RelativeTime(now + 10 * s, now), "in the future");
  EXPECT_EQ(RelativeTime(now + s / 2, now), "just now")
      << "sub-second clock skew is not 'the future'";
}

ProgressView HashView() {
  ProgressView v;
  v.phase = "hash";
  v.items = 1234;
  v.total_items = 5000;
  v.bytes = 120u << 20;
  v.total_bytes = 480u << 20;
  v.bytes_per_s = 40u << 20;
  v.items_per_s = 400;
  return v;
}

TEST(ProgressLineTest, FullLineWithTotals) {
  EXPECT_EQ(FormatProgressLine(HashView(), 200),
            "Hashing  25%  1,234/5,000 files  120.0 MiB/480.0 MiB  40.0 MiB/s  ETA 9s");
}

TEST(ProgressLineTest, ScanWithoutTotals) {
  ProgressView v;
  v.phase = "scan";
  v.items = 12345;
  v.items_per_s = 8123.4;
  EXPECT_EQ(FormatProgressLine(v, 80), "Scanning  12,345 entries  8,123 entries/s");
  v.items_per_s = 0;  // no rate yet: no rate, no ETA
  EXPECT_EQ(FormatProgressLine(v, 80), "Scanning  12,345 entries");
}

TEST(ProgressLineTest, ItemsOnlyTotalsUseItemsForPercentAndEta) {
  ProgressView v;
  v.phase = "restore";
  v.items = 10;
  v.total_items = 50;
  v.items_per_s = 4;
  EXPECT_EQ(FormatProgressLine(v, 80), "Restoring  20%  10/50 files  4 files/s  ETA 10s");
}

TEST(ProgressLineTest, EtaPrefersBytes) {
  ProgressView v = HashView();
  EXPECT_DOUBLE_EQ(EtaSeconds(v), 9.0);  // 360 MiB left at 40 MiB/s
  v.bytes_per_s = 0;
  EXPECT_DOUBLE_EQ(EtaSeconds(v), (5000.0 - 1234.0) / 400.0);
  v.items_per_s = 0;
  EXPECT_LT(EtaSeconds(v), 0) << "no rate: no estimate";
  v = HashView();
  v.bytes = v.total_bytes + 10;  // files grew while read
  EXPECT_DOUBLE_EQ(EtaSeconds(v), 0.0);
  EXPECT_NE(FormatProgressLine(v, 200).find("100%"), std::string::npos);
}

TEST(ProgressLineTest, UnknownPhaseShownAsGiven) {
  ProgressView v;
  v.phase = "compact";
  v.items = 3;
  EXPECT_EQ(FormatProgressLine(v, 80), "compact  3 files");
  EXPECT_EQ(PhaseLabel("fork"), "Forking");
  EXPECT_EQ(PhaseLabel("verify"), "Verifying");
  EXPECT_EQ(PhaseLabel("gc"), "Collecting");
}

TEST(ProgressLineTest, DropsLeastImportantFieldsToFit) {
  const ProgressView v = HashView();
  const std::string full = FormatProgressLine(v, 200);
  for (size_t width = 1; width <= full.size() + 2; ++width) {
    std::string line = FormatProgressLine(v, width);
    EXPECT_LE(line.size(), width > 0 ? width - 1 : 0)
        << "width " << width << ": never wraps: " << line;
  }
  EXPECT_EQ(FormatProgressLine(v, full.size() + 1), full);
  EXPECT_EQ(FormatProgressLine(v, full.size()),
            "Hashing  25%  1,234/5,000 files  120.0 MiB/480.0 MiB  40.0 MiB/s")
      << "the ETA goes first";
  EXPECT_EQ(FormatProgressLine(v, 60), "Hashing  25%  1,234/5,000 files  120.0 MiB/480.0 MiB");
  EXPECT_EQ(FormatProgressLine(v, 36), "Hashing  25%  1,234/5,000 files");
  EXPECT_EQ(FormatProgressLine(v, 30), "Hashing  1,234/5,000 files");
  EXPECT_EQ(FormatProgressLine(v, 12), "Hashing  1,")
      << "label and count are cut only as a last resort";
  EXPECT_EQ(FormatProgressLine(v, 0), "");
}

TEST(RateMeterTest, SlidingWindow) {
  RateMeter m(3.0);
  EXPECT_EQ(m.items_per_s(), 0);
  m.Sample(0, 0, 0);
  m.Sample(0.1, 10, 1000);
  EXPECT_EQ(m.items_per_s(), 0) << "too short a span to trust";
  m.Sample(1, 100, 10000);
  EXPECT_DOUBLE_EQ(m.items_per_s(), 100);
  EXPECT_DOUBLE_EQ(m.bytes_per_s(), 10000);
  // A slow start is forgotten once it leaves the window.
  for (int t = 2; t <= 10; ++t) m.Sample(t, 100 + static_cast<uint64_t>(t - 1) * 1000, 0);
  EXPECT_NEAR(m.items_per_s(), 1000, 1e-9);
}

// A renderer with a fake clock, a captured output and a fixed width.
class FakeTerminal {
 public:
  explicit FakeTerminal(size_t width = 100) {
    TerminalProgress::Options o;
    o.write = [this](std::string_view s) { out += s; };
    o.now = [this] { return now; };
    o.width = [width] { return width; };
    o.ticker = false;
    progress = std::make_unique<TerminalProgress>(o);
  }
  void Advance(int ms) { now += std::chrono::milliseconds(ms); }
  std::string Take() { return std::exchange(out, ""); }

  TerminalProgress::Clock::time_point now{};
  std::string out;
  std::unique_ptr<TerminalProgress> progress;
};

TEST(TerminalProgressTest, NothingBeforeTheDelay) {
  FakeTerminal t;
  t.progress->Begin("hash", 2, 2000);
  t.progress->Add(1, 1000);
  t.Advance(200);
  t.progress->Tick();
  t.progress->Add(1, 1000);
  t.progress->End();
  t.progress.reset();
  EXPECT_EQ(t.out, "") << "a fast phase never draws, so nothing flickers";
}

TEST(TerminalProgressTest, DrawsThrottlesAndClears) {
  FakeTerminal t;
  t.progress->Begin("hash", 4, 4u << 20);
  t.progress->Add(1, 1u << 20);
  t.Advance(250);
  t.progress->Tick();
  // 1 MiB in 0.25 s: 4 MiB/s, 3 MiB left: ETA 1s (rounded).
  EXPECT_EQ(t.Take(), "\rHashing  25%  1/4 files  1.0 MiB/4.0 MiB  4.0 MiB/s  ETA 1s\x1b[K");
  t.Advance(10);
  t.progress->Tick();
  EXPECT_EQ(t.Take(), "") << "at most one redraw per half interval";
  t.progress->Add(1, 1u << 20);
  t.Advance(90);
  t.progress->Tick();
  EXPECT_NE(t.Take().find("2/4 files"), std::string::npos);
  t.progress->Clear();
  EXPECT_EQ(t.Take(), "\r\x1b[K") << "Clear erases the line before other output";
  t.progress->Clear();
  EXPECT_EQ(t.Take(), "") << "nothing to erase twice";
  t.Advance(100);
  t.progress->Tick();
  EXPECT_NE(t.Take().find("2/4 files"), std::string::npos) << "and the next tick draws it again";
  t.progress->End();
  EXPECT_EQ(t.Take(), "\r\x1b[K") << "End erases the line";
  t.Advance(1000);
  t.progress->Tick();
  EXPECT_EQ(t.Take(), "") << "no phase, no line";
}

TEST(TerminalProgressTest, NestedPhasesRestoreTheOuterCounts) {
  FakeTerminal t;
  t.progress->Begin("restore", 10, 0);
  t.progress->Add(3, 0);
  t.progress->Begin("hash", 0, 0);
  t.progress->Add(100, 0);
  t.Advance(300);
  t.progress->Tick();
  EXPECT_NE(t.Take().find("Hashing  100 files"), std::string::npos);
  t.progress->End();
  EXPECT_EQ(t.Take(), "\r\x1b[K");
  t.Advance(100);
  t.progress->Tick();
  EXPECT_NE(t.Take().find("3/10 files"), std::string::npos)
      << "the outer phase continues with its own count";
  t.progress->End();
}

TEST(TerminalProgressTest, TruncatesToTheTerminalWidth) {
  FakeTerminal t(30);
  t.progress->Begin("hash", 5000, 480u << 20);
  t.progress->Add(1234, 120u << 20);
  t.Advance(500);
  t.progress->Tick();
  std::string out = t.Take();
  ASSERT_EQ(out.rfind("\r", 0), 0u);
  std::string line = out.substr(1, out.size() - 1 - 3);
  EXPECT_EQ(line, "Hashing  1,234/5,000 files");
  EXPECT_LE(line.size(), 29u);
}

TEST(TerminalProgressTest, AddFromManyThreads) {
  TerminalProgress::Options o;
  std::string out;
  std::mutex mu;
  o.write = [&](std::string_view s) {
    std::lock_guard<std::mutex> l(mu);
    out += s;
  };
  o.delay = std::chrono::milliseconds(0);
  o.interval = std::chrono::milliseconds(1);
  auto p = std::make_unique<TerminalProgress>(o);  // with the real ticker thread
  p->Begin("hash", 0, 0);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) p->Add(1, 2);
    });
  for (auto& th : threads) th.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  {
    std::lock_guard<std::mutex> l(mu);
    EXPECT_NE(out.find("400,000 files"), std::string::npos)
        << out.substr(out.size() > 200 ? out.size() - 200 : 0);
  }
  p->End();
  p.reset();
  EXPECT_EQ(out.substr(out.size() - 4), "\r\x1b[K") << "the line is erased at the end";
}

}  // namespace
}  // namespace jvs::cli
