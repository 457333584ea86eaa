// SIGINT, SIGTERM and SIGHUP: the first one asks the running command to stop
// at its next safe point (jvs::RequestInterrupt; the library then returns
// kInterrupted, exit code 130, with the repository as before the command); a
// second one stops the process at once (the default action), which is as safe
// as kill -9: the next command finds the repository consistent.
#pragma once

namespace jvs::cli {

void InstallInterruptHandlers();

}  // namespace jvs::cli
