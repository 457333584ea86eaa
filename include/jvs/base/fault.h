// Fault injection points: named places in snapshot, restore, fork, gc and
// operation publication where a test can make the process die (SIGKILL) or
// fail, to prove that nothing committed is lost and nothing half-made is
// visible. Inert unless armed: the CLI arms them from JVS_FAULT_POINT only in
// builds configured with JVS_FAULT_INJECTION (the default for test builds).
//
// Spec: "NAME[:ACTION][@N]" (comma-separated for several), where ACTION is
// `kill` (default: raise SIGKILL) or `error` (the point returns an injected
// kIo error), and N is the hit at which it fires (default 1, counting hits of
// NAME in this process). NAME may end in '*' to match a prefix.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "jvs/base/result.h"

namespace jvs::fault {

// Arms the points named by `spec` (replacing what was armed; "" disarms).
// Fails on a malformed spec and on a NAME that matches no known point.
Status Arm(std::string_view spec);
// True when any point is armed (cheap check for hot paths).
bool Armed();
// A named point. Returns an injected error ("injected fault at NAME") when
// armed with `error`; never returns when armed with `kill` and this is the
// chosen hit. While anything is armed, a name missing from KnownPoints() is
// an internal error, so that no point escapes the crash tests.
Status Point(std::string_view name);
// Every point name the code has declared, in flow order (src/base/fault.cc).
const std::vector<std::string_view>& KnownPoints();

}  // namespace jvs::fault

// Usage inside a function returning Status or Result<T>:
//   JVS_FAULT("snapshot.before_publish");
#define JVS_FAULT(name)                                             \
  do {                                                              \
    if (::jvs::fault::Armed()) {                                    \
      ::jvs::Status jvs_fault_st_ = ::jvs::fault::Point(name);      \
      if (!jvs_fault_st_.ok()) return std::move(jvs_fault_st_).error(); \
    }                                                               \
  } while (0)
