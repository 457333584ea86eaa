#include "jvs/base/interrupt.h"

#include <signal.h>

#include <atomic>
#include <string>

namespace jvs {

namespace {
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the flag is set from a signal handler");
}  // namespace

void RequestInterrupt(int signo) noexcept { g_signal.store(signo, std::memory_order_relaxed); }

int InterruptSignal() noexcept { return g_signal.load(std::memory_order_relaxed); }

void ClearInterrupt() noexcept { g_signal.store(0, std::memory_order_relaxed); }

Status CheckInterrupt(std::string_view doing) {
  const int s = InterruptSignal();
  if (s == 0) return OkStatus();
  std::string name = s == SIGINT ? "SIGINT" : s == SIGTERM ? "SIGTERM" : s == SIGHUP ? "SIGHUP"
                                                                                     : "signal " + std::to_string(s);
  return Error(ErrorCode::kInterrupted,
               "interrupted by " + name + " while " + std::string(doing) + "; nothing was changed");
}

}  // namespace jvs
