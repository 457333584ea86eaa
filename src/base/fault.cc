#include "jvs/base/fault.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace jvs::fault {
namespace {

// kPause (`:pause`, not in the header's list: for concurrency tests) sleeps
// two seconds at the point and goes on, so that two processes started
// together both pass their earlier steps before either goes further.
enum class Action { kKill, kError, kPause };

struct Rule {
  std::string name;  // may end in '*'
  Action action = Action::kKill;
  uint64_t at = 1;
  uint64_t hits = 0;
};

std::atomic<bool> g_armed{false};
std::mutex g_mu;
std::vector<Rule>& Rules() {
  static std::vector<Rule> rules;
  return rules;
}

bool Matches(const std::string& pattern, std::string_view name) {
  if (!pattern.empty() && pattern.back() == '*')
    return name.substr(0, pattern.size() - 1) == std::string_view(pattern).substr(0, pattern.size() - 1);
  return name == pattern;
}

bool IsKnown(std::string_view name) {
  const auto& known = KnownPoints();
  return std::find(known.begin(), known.end(), name) != known.end();
}

Status Malformed(std::string_view spec, std::string_view why) {
  return Error(ErrorCode::kInvalidArgument,
               "malformed fault spec '" + std::string(spec) + "': " + std::string(why),
               "use NAME[:kill|:error|:pause][@N], comma-separated");
}

}  // namespace

Status Arm(std::string_view spec) {
  std::vector<Rule> rules;
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t end = spec.find(',', pos);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view item = spec.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) {
      if (end == spec.size()) break;
      continue;
    }
    Rule r;
    if (size_t at = item.rfind('@'); at != std::string_view::npos) {
      std::string n(item.substr(at + 1));
      // Digits only: strtoull alone would take "-1" (as 2^64-1) and " 2".
      if (n.empty() || n.size() > 18 || n.find_first_not_of("0123456789") != std::string::npos)
        return Malformed(spec, "@N needs a positive number");
      unsigned long long v = std::strtoull(n.c_str(), nullptr, 10);
      if (v == 0) return Malformed(spec, "@N needs a positive number");
      r.at = v;
      item = item.substr(0, at);
    }
    if (size_t colon = item.find(':'); colon != std::string_view::npos) {
      std::string_view act = item.substr(colon + 1);
      if (act == "kill") r.action = Action::kKill;
      else if (act == "error") r.action = Action::kError;
      else if (act == "pause") r.action = Action::kPause;
      else return Malformed(spec, "unknown action '" + std::string(act) + "'");
      item = item.substr(0, colon);
    }
    if (item.empty()) return Malformed(spec, "empty point name");
    r.name = std::string(item);
    const auto& known = KnownPoints();
    if (std::none_of(known.begin(), known.end(), [&](std::string_view k) { return Matches(r.name, k); }))
      return Error(ErrorCode::kInvalidArgument, "unknown fault point '" + r.name + "'",
                   "known points are listed in src/base/fault.cc (KnownPoints); NAME may end in '*'");
    rules.push_back(std::move(r));
  }
  std::lock_guard<std::mutex> lock(g_mu);
  Rules() = std::move(rules);
  g_armed.store(!Rules().empty(), std::memory_order_release);
  return OkStatus();
}

bool Armed() { return g_armed.load(std::memory_order_relaxed); }

Status Point(std::string_view name) {
  if (!Armed()) return OkStatus();
  if (!IsKnown(name))
    return Error(ErrorCode::kInternal, "fault point '" + std::string(name) + "' is not listed in KnownPoints()",
                 "add it to src/base/fault.cc");
  Action fire;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    Rule* hit = nullptr;
    for (Rule& r : Rules()) {
      if (!Matches(r.name, name)) continue;
      if (++r.hits == r.at) hit = &r;
    }
    if (!hit) return OkStatus();
    fire = hit->action;
  }
  if (fire == Action::kKill) {
    ::kill(::getpid(), SIGKILL);
    ::_exit(137);  // not reached
  }
  if (fire == Action::kPause) {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    return OkStatus();
  }
  return Error(ErrorCode::kIo, "injected fault at " + std::string(name));
}

const std::vector<std::string_view>& KnownPoints() {
  // Every fault point in the library, in the order a flow reaches them. The
  // crash tests (tests/e2e/crash_points_test.cc) run each one and fail when a
  // listed point is never reached; an armed process fails at a point that is
  // not listed; Arm() rejects names that match none. So this list stays true.
  static const std::vector<std::string_view> points = {
      // Workspace::TakeSnapshot (the scan steps are in the scanner).
      "snapshot.after_scan",       // workspace walked and stat'ed, nothing stored yet
      "snapshot.ingest_file",      // before each changed file is read and stored (@N: mid-ingest)
      "snapshot.after_ingest",     // every changed file stored
      "snapshot.after_trees",      // every tree written
      "snapshot.before_publish",   // descriptor written, operation not yet published
      "snapshot.after_publish",    // published; the tree state is not yet saved
      "snapshot.after_tree_state", // tree state saved
      // Workspace::Update for restore, undo, redo, op restore and stale worktrees.
      "restore.after_capture",        // dirty files stored and saved as a snapshot
      "restore.stage_file",           // before each new file is staged
      "restore.after_stage",          // every new file staged, nothing visible changed
      "restore.after_marker",         // checkout_pending written, operation not yet published
      "restore.after_publish",        // published; no file moved yet
      "restore.apply_file",           // before each file is put in place
      "restore.before_tree_state",    // every file in place
      "restore.before_clear_marker",  // tree state saved, checkout_pending still there
      // ForkWorktree: a fresh directory, files cloned straight into place
      // (Checkout::Materialize), then published; no staging, no marker.
      "fork.after_prepare",       // directory and path record made, nothing in the view
      "fork.materialize_file",    // before each file is cloned into the new directory
      "fork.after_materialize",   // every file in place, operation not yet published
      "fork.after_publish",       // published; the tree state is not yet saved
      "fork.after_tree_state",    // tree state saved
      // Repo::Publish: every mutating command.
      "publish.after_view",             // view object written
      "publish.after_op",               // operation object written, no barrier yet
      "publish.after_barrier",          // everything durable, no op head yet
      "publish.after_new_head",         // published: new head file made, old one still there
      "publish.after_remove_old_head",  // old head removed, op_heads not yet fsync'ed
      // Repo::MergeHeads: a reader merging concurrent operations.
      "merge.after_view",
      "merge.after_op",
      "merge.after_barrier",
      "merge.after_new_head",  // merge published, the merged heads still there
      "merge.after_remove_old_heads",
      // gc run (src/integrity/gc.cc), in the order they are reached
      "gc.locked", "gc.before_horizon", "gc.after_horizon", "gc.delete_operation", "gc.delete_view",
      "gc.after_op_log", "gc.delete_object", "gc.before_publish", "gc.after_publish",
  };
  return points;
}

}  // namespace jvs::fault
