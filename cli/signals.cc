#include "signals.h"

#include <signal.h>
#include <unistd.h>

#include "jvs/base/interrupt.h"

namespace jvs::cli {

namespace {

void OnSignal(int signo) {
  if (InterruptRequested()) {
    // Asked twice: stop now.
    ::signal(signo, SIG_DFL);
    ::raise(signo);
    return;
  }
  RequestInterrupt(signo);
  static const char kMsg[] = "\njvs: stopping at the next safe point (interrupt again to stop at once)\n";
  ssize_t n = ::write(STDERR_FILENO, kMsg, sizeof(kMsg) - 1);
  (void)n;
}

}  // namespace

void InstallInterruptHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // system calls go on; the work stops at its next safe point
  for (int s : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    // A signal the parent set to be ignored (nohup, a background job) stays ignored.
    if (::sigaction(s, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    ::sigaction(s, &sa, nullptr);
  }
}

}  // namespace jvs::cli
