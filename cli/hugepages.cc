#include "hugepages.h"

#include <gnu/libc-version.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <string_view>

namespace jvs::cli {

namespace {

constexpr const char* kTunables = "GLIBC_TUNABLES";
constexpr const char* kTunable = "glibc.malloc.hugetlb=1";
constexpr const char* kMarker = "JVS_HUGEPAGES_REEXEC";           // set in the re-executed process
constexpr const char* kSavedTunables = "JVS_HUGEPAGES_SAVED_TUNABLES";  // the caller's value, if any

std::string& Note() {
  static std::string note = "off: not requested by this command";
  return note;
}

// Commands whose working set grows with the workspace (the others read a few
// small files and would only pay for the second exec).
bool IsHeavyCommand(int argc, char** argv) {
  static const std::set<std::string_view> kHeavy = {
      "snapshot", "status", "restore", "diff", "verify", "doctor", "gc",
      "undo",     "redo",   "fork",    "init", "history", "merge", "rebase", "resolve",
      "abandon",  "squash", "split"};
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") break;
    if (kHeavy.count(a)) return true;
  }
  return false;
}

// True when glibc understands the tunable (2.35 and later).
bool GlibcHasHugetlbTunable() {
  int major = 0, minor = 0;
  if (std::sscanf(gnu_get_libc_version(), "%d.%d", &major, &minor) != 2) return false;
  return major > 2 || (major == 2 && minor >= 35);
}

// "madvise" is the mode in which the tunable matters: with "always" the heap
// already gets huge pages, with "never" it cannot.
std::string ThpMode() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  if (!std::getline(in, line)) return "unavailable";
  auto open = line.find('['), close = line.find(']');
  if (open == std::string::npos || close == std::string::npos || close < open) return "unknown";
  return line.substr(open + 1, close - open - 1);
}

std::string& EnvError() {
  static std::string error;
  return error;
}

}  // namespace

const std::string& HugePagesNote() { return Note(); }

const std::string& HugePagesEnvError() { return EnvError(); }

void MaybeReexecWithHugePages(int argc, char** argv) {
  if (const char* marker = std::getenv(kMarker); marker != nullptr) {
    // The re-executed process: the tunable took effect at startup; give the
    // caller's environment back before anything else can start a program.
    if (const char* saved = std::getenv(kSavedTunables)) {
      ::setenv(kTunables, saved, 1);
    } else {
      ::unsetenv(kTunables);
    }
    ::unsetenv(kSavedTunables);
    ::unsetenv(kMarker);
    Note() = "on (glibc.malloc.hugetlb=1)";
    return;
  }
  if (const char* v = std::getenv("JVS_HUGEPAGES"); v != nullptr && *v != '\0') {
    std::string_view value(v);
    if (value == "0") {
      Note() = "off: JVS_HUGEPAGES=0";
      return;
    }
    if (value != "1") {
      EnvError() = "JVS_HUGEPAGES must be 0 or 1, not '" + std::string(value) + "'";
      Note() = "off: " + EnvError();
      return;
    }
  }
  if (!IsHeavyCommand(argc, argv)) return;
  const char* tunables = std::getenv(kTunables);
  if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.hugetlb") != nullptr) {
    Note() = std::string("as set by the caller: GLIBC_TUNABLES=") + tunables;
    return;
  }
  if (!GlibcHasHugetlbTunable()) {
    Note() = std::string("off: glibc ") + gnu_get_libc_version() + " has no glibc.malloc.hugetlb";
    return;
  }
  if (std::string mode = ThpMode(); mode != "madvise") {
    Note() = "off: transparent huge pages are '" + mode + "' (only 'madvise' needs the tunable)";
    return;
  }
  std::string value = tunables != nullptr && *tunables != '\0' ? std::string(tunables) + ":" + kTunable : kTunable;
  if (tunables != nullptr) ::setenv(kSavedTunables, tunables, 1);
  ::setenv(kTunables, value.c_str(), 1);
  ::setenv(kMarker, "1", 1);
  ::execv("/proc/self/exe", argv);
  // exec failed (no /proc, say): run as we are, with the environment as it was.
  if (tunables != nullptr) {
    ::setenv(kTunables, tunables, 1);
  } else {
    ::unsetenv(kTunables);
  }
  ::unsetenv(kSavedTunables);
  ::unsetenv(kMarker);
  Note() = std::string("off: re-execution failed: ") + std::strerror(errno);
}

}  // namespace jvs::cli
