// The interrupted-restore marker (see repo/checkout_marker.h).
#include "repo/checkout_marker.h"

#include <cstdlib>
#include <deque>
#include <unordered_set>

#include "jvs/repo/workspace.h"

namespace jvs {

std::string EncodeMarker(const PendingMarker& m) {
  std::string out = m.target + "\n";
  if (m.base) out += "base " + m.base->hex() + "\npid " + std::to_string(m.pid) + "\nhost " + m.host + "\n";
  return out;
}

PendingMarker DecodeMarker(std::string_view text) {
  PendingMarker m;
  bool first = true;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (first) {
      m.target = std::string(line);
      first = false;
    } else if (line.rfind("base ", 0) == 0) {
      if (auto d = DigestFromHex(line.substr(5)); d.ok()) m.base = OperationId(*d);
    } else if (line.rfind("pid ", 0) == 0) {
      m.pid = std::atoll(std::string(line.substr(4)).c_str());
    } else if (line.rfind("host ", 0) == 0) {
      m.host = std::string(line.substr(5));
    }
  }
  if (m.pid <= 0) m.base.reset();  // incomplete: treated as published
  return m;
}

Result<bool> CheckoutMarkerPublished(OpStore& ops, const std::vector<OperationId>& heads,
                                     const std::string& worktree, std::string_view marker_text) {
  const PendingMarker m = DecodeMarker(marker_text);
  if (!m.base) return true;
  // Its operation has parents [base]: if base is still the only head, nothing
  // was published since, so neither was it.
  if (heads == std::vector<OperationId>{*m.base}) return false;
  // Else look for it among the operations published since (walking back from
  // the heads, not past base). A long walk or an unreadable operation gives
  // up: published, as a marker always was (the user finishes the restore).
  constexpr size_t kMaxVisited = 10000;
  std::unordered_set<OperationId, IdHash> seen(heads.begin(), heads.end());
  std::deque<OperationId> queue(heads.begin(), heads.end());
  while (!queue.empty()) {
    if (seen.size() > kMaxVisited) return true;
    OperationId id = queue.front();
    queue.pop_front();
    if (id == *m.base) continue;
    auto op = ops.ReadOperation(id);
    if (!op.ok()) return true;
    const auto& md = op->metadata;
    auto wt = md.attributes.find("worktree");
    if (op->parents == std::vector<OperationId>{*m.base} && md.pid == m.pid && md.host == m.host &&
        wt != md.attributes.end() && wt->second == worktree)
      return true;
    for (const auto& p : ops.LiveParents(*op))
      if (seen.insert(p).second) queue.push_back(p);
  }
  return false;
}

}  // namespace jvs
