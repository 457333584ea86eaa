#include "progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "humanize.h"

namespace jvs::cli {

std::string PhaseLabel(std::string_view phase) {
  if (phase == "scan") return "Scanning";
  if (phase == "hash") return "Hashing";
  if (phase == "restore") return "Restoring";
  if (phase == "fork") return "Forking";
  if (phase == "merge") return "Merging";
  if (phase == "verify") return "Verifying";
  if (phase == "gc") return "Collecting";
  if (phase == "export") return "Exporting";
  if (phase == "import") return "Importing";
  return std::string(phase);
}

double EtaSeconds(const ProgressView& v) {
  if (v.total_bytes > 0 && v.bytes_per_s > 0) {
    uint64_t left = v.total_bytes > v.bytes ? v.total_bytes - v.bytes : 0;
    return static_cast<double>(left) / v.bytes_per_s;
  }
  if (v.total_items > 0 && v.items_per_s > 0) {
    uint64_t left = v.total_items > v.items ? v.total_items - v.items : 0;
    return static_cast<double>(left) / v.items_per_s;
  }
  return -1;
}

std::string FormatProgressLine(const ProgressView& v, size_t width) {
  if (width <= 1) return "";
  const size_t max = width - 1;
  const char* unit = v.phase == "scan"     ? "entries"
                     : v.phase == "export" ? "snapshots"
                     : v.phase == "import" ? "commits"
                                           : "files";
  // Fields in display order, each with a priority (0 = kept longest).
  struct Field {
    std::string text;
    int priority;
  };
  std::vector<Field> fields;
  fields.push_back({PhaseLabel(v.phase), 0});
  if (v.total_bytes > 0 || v.total_items > 0) {
    uint64_t done = v.total_bytes > 0 ? v.bytes : v.items,
             total = v.total_bytes > 0 ? v.total_bytes : v.total_items;
    uint64_t pct = total ? std::min<uint64_t>(100, done * 100 / total) : 0;
    if (done > total && total) pct = 100;
    fields.push_back({std::to_string(pct) + "%", 2});
  }
  fields.push_back(
      {HumanCount(v.items) + (v.total_items ? "/" + HumanCount(v.total_items) : "") + " " + unit,
       1});
  if (v.total_bytes > 0)
    fields.push_back({HumanBytes(v.bytes) + "/" + HumanBytes(v.total_bytes), 3});
  else if (v.bytes > 0)
    fields.push_back({HumanBytes(v.bytes), 3});
  if (v.bytes_per_s > 0 && (v.total_bytes > 0 || v.bytes > 0)) {
    fields.push_back({HumanBytes(static_cast<uint64_t>(v.bytes_per_s)) + "/s", 4});
  } else if (v.items_per_s > 0) {
    fields.push_back(
        {HumanCount(static_cast<uint64_t>(std::llround(v.items_per_s))) + " " + unit + "/s", 4});
  }
  double eta = EtaSeconds(v);
  if (eta >= 0) fields.push_back({"ETA " + HumanDuration(eta), 5});

  auto join = [&] {
    std::string s;
    for (const auto& f : fields) s += (s.empty() ? "" : "  ") + f.text;
    return s;
  };
  std::string line = join();
  while (line.size() > max) {
    auto worst = fields.end();
    for (auto it = fields.begin(); it != fields.end(); ++it)
      if (it->priority >= 2 && (worst == fields.end() || it->priority > worst->priority))
        worst = it;
    if (worst == fields.end()) break;
    fields.erase(worst);
    line = join();
  }
  if (line.size() > max) line.resize(max);
  return line;
}

void RateMeter::Sample(double t, uint64_t items, uint64_t bytes) {
  samples_.push_back({t, items, bytes});
  while (samples_.size() > 2 && samples_[1].t <= t - window_s_) samples_.pop_front();
}

double RateMeter::items_per_s() const {
  if (samples_.size() < 2) return 0;
  double dt = samples_.back().t - samples_.front().t;
  if (dt < 0.2) return 0;
  return static_cast<double>(samples_.back().items - samples_.front().items) / dt;
}

double RateMeter::bytes_per_s() const {
  if (samples_.size() < 2) return 0;
  double dt = samples_.back().t - samples_.front().t;
  if (dt < 0.2) return 0;
  return static_cast<double>(samples_.back().bytes - samples_.front().bytes) / dt;
}

namespace {

void WriteStderr(std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(STDERR_FILENO, s.data(), s.size());
    if (n <= 0) return;  // nothing sensible to do about a broken terminal
    s.remove_prefix(static_cast<size_t>(n));
  }
}

size_t StderrWidth() {
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace

TerminalProgress::TerminalProgress(Options options) : o_(std::move(options)) {
  if (!o_.write) o_.write = WriteStderr;
  if (!o_.now) o_.now = [] { return Clock::now(); };
  if (!o_.width) o_.width = StderrWidth;
  if (o_.ticker) {
    ticker_ = std::thread([this] {
      std::unique_lock<std::mutex> l(mu_);
      while (!cv_.wait_for(l, o_.interval, [this] { return stop_; })) {
        l.unlock();
        Tick();
        l.lock();
      }
    });
  }
}

TerminalProgress::~TerminalProgress() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  std::lock_guard<std::mutex> l(mu_);
  EraseLocked();
}

void TerminalProgress::Begin(std::string_view phase, uint64_t total_items, uint64_t total_bytes) {
  std::lock_guard<std::mutex> l(mu_);
  EraseLocked();
  Phase p{std::string(phase), total_items,        total_bytes, o_.now(),
          items_.exchange(0), bytes_.exchange(0), RateMeter()};
  p.meter.Sample(0, 0, 0);  // so that the first draw already has a rate
  phases_.push_back(std::move(p));
}

void TerminalProgress::Add(uint64_t items, uint64_t bytes) {
  items_.fetch_add(items, std::memory_order_relaxed);
  if (bytes) bytes_.fetch_add(bytes, std::memory_order_relaxed);
}

void TerminalProgress::End() {
  std::lock_guard<std::mutex> l(mu_);
  if (phases_.empty()) return;
  items_.store(phases_.back().saved_items);
  bytes_.store(phases_.back().saved_bytes);
  phases_.pop_back();
  EraseLocked();
}

void TerminalProgress::Tick() {
  std::lock_guard<std::mutex> l(mu_);
  if (phases_.empty()) return;
  Phase& p = phases_.back();
  Clock::time_point now = o_.now();
  if (now - p.begin < o_.delay) return;
  if (drawn_ && now - last_draw_ < o_.interval / 2) return;
  ProgressView v;
  v.phase = p.name;
  v.items = items_.load(std::memory_order_relaxed);
  v.bytes = bytes_.load(std::memory_order_relaxed);
  v.total_items = p.total_items;
  v.total_bytes = p.total_bytes;
  p.meter.Sample(std::chrono::duration<double>(now - p.begin).count(), v.items, v.bytes);
  v.items_per_s = p.meter.items_per_s();
  v.bytes_per_s = p.meter.bytes_per_s();
  o_.write("\r" + FormatProgressLine(v, o_.width()) + "\x1b[K");
  drawn_ = true;
  last_draw_ = now;
}

void TerminalProgress::Clear() {
  std::lock_guard<std::mutex> l(mu_);
  EraseLocked();
}

void TerminalProgress::EraseLocked() {
  if (!drawn_) return;
  o_.write("\r\x1b[K");
  drawn_ = false;
}

std::unique_ptr<TerminalProgress> MakeTerminalProgress() {
  if (!::isatty(STDERR_FILENO)) return nullptr;
  const char* term = std::getenv("TERM");
  if (term && std::strcmp(term, "dumb") == 0) return nullptr;
  return std::make_unique<TerminalProgress>(TerminalProgress::Options{});
}

}  // namespace jvs::cli
