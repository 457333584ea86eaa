#include "jvs/fault.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

namespace jvs::fault {
namespace {

enum class Action { kKill, kError };

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

Status Malformed(std::string_view spec, std::string_view why) {
  return Error(ErrorCode::kInvalidArgument,
               "malformed fault spec '" + std::string(spec) + "': " + std::string(why),
               "use NAME[:kill|:error][@N], comma-separated");
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
      char* e = nullptr;
      unsigned long long v = std::strtoull(n.c_str(), &e, 10);
      if (n.empty() || *e != '\0' || v == 0) return Malformed(spec, "@N needs a positive number");
      r.at = v;
      item = item.substr(0, at);
    }
    if (size_t colon = item.find(':'); colon != std::string_view::npos) {
      std::string_view act = item.substr(colon + 1);
      if (act == "kill") r.action = Action::kKill;
      else if (act == "error") r.action = Action::kError;
      else return Malformed(spec, "unknown action '" + std::string(act) + "'");
      item = item.substr(0, colon);
    }
    if (item.empty()) return Malformed(spec, "empty point name");
    r.name = std::string(item);
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
  return Error(ErrorCode::kIo, "injected fault at " + std::string(name));
}

const std::vector<std::string_view>& KnownPoints() {
  // Every JVS_FAULT name in the library. The crash tests run each one and
  // fail when a listed point is never reached, so this list stays true.
  static const std::vector<std::string_view> points = {
      // gc run (src/repo/gc.cc), in the order they are reached
      "gc.locked", "gc.before_horizon", "gc.after_horizon", "gc.delete_operation", "gc.delete_view",
      "gc.after_op_log", "gc.delete_object", "gc.before_publish", "gc.after_publish",
  };
  return points;
}

}  // namespace jvs::fault
