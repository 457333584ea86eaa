// Transparent huge pages for malloc in the commands that build large working
// sets (the tree state, scan entries, trees). A no-change snapshot of 200,000
// files touches ~160 MB of fresh heap; with 4 KiB pages that is ~40,000 page
// faults, which on a virtual machine cost more than the scan's own system
// calls (docs/performance.md: 1.31 s -> 0.72 s). glibc (>= 2.35) backs its
// heap with huge pages only when the tunable `glibc.malloc.hugetlb=1` is set
// before the process starts, so such a command re-executes itself once with
// it set. The child restores the caller's GLIBC_TUNABLES at once, so programs
// that jvs starts never inherit it. JVS_HUGEPAGES=0 turns this off (for
// valgrind, which does not follow the re-execution); 1 (the default) asks for it.
#pragma once

#include <string>

namespace jvs::cli {

// Called first in main(). Either returns (nothing to do, or this process is
// the re-executed one) or replaces the process. Never fails: when the
// re-execution cannot happen, the command runs with ordinary pages.
void MaybeReexecWithHugePages(int argc, char** argv);

// What happened, for --debug ("on", or "off: <why>").
const std::string& HugePagesNote();

// A malformed JVS_HUGEPAGES (anything but empty, 0 or 1), to be reported as a
// usage error once the command line is parsed; empty when there is none.
const std::string& HugePagesEnvError();

}  // namespace jvs::cli
