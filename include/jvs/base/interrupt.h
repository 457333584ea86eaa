// Cooperative interruption. The program that owns the process (the CLI)
// turns SIGINT/SIGTERM into RequestInterrupt() from its signal handler; long
// library work calls CheckInterrupt() at its safe points, the places where
// stopping leaves the repository as it was before the command (nothing
// published, temp files removed by the code that made them), and returns
// ErrorCode::kInterrupted. Once a command has published its operation it does
// not check any more: it finishes, so the repository is then as after it.
//
// The flag is one lock-free atomic: RequestInterrupt is async-signal-safe,
// the rest is thread-safe.
#pragma once

#include <string_view>

#include "jvs/base/result.h"

namespace jvs {

// Records that signal `signo` asked the process to stop (async-signal-safe).
void RequestInterrupt(int signo) noexcept;
// The signal that asked to stop, or 0.
int InterruptSignal() noexcept;
inline bool InterruptRequested() noexcept { return InterruptSignal() != 0; }
// kInterrupted ("interrupted by SIGINT while <doing>; nothing was changed")
// once a stop was requested, else OK.
Status CheckInterrupt(std::string_view doing);
// Forgets a request (tests).
void ClearInterrupt() noexcept;

}  // namespace jvs
