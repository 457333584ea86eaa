#include "jvs/oplog/oplog.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "base/sync_set.h"
#include "jvs/base/hash.h"
#include "jvs/base/repo_path.h"
#include "jvs/base/timeutil.h"
#include "jvs/oplog/op_walk.h"

namespace jvs {

using nlohmann::json;

namespace {

Error Corrupt(const std::string& what) { return Error(ErrorCode::kCorrupt, what); }

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json OptId(const std::optional<SnapshotId>& id) { return id ? json(id->hex()) : json(nullptr); }

Result<std::optional<SnapshotId>> ParseOptId(const json& j, const char* what) {
  if (j.is_null()) return std::optional<SnapshotId>();
  if (!j.is_string()) return Corrupt(std::string("view: invalid ") + what);
  JVS_ASSIGN_OR_RETURN(SnapshotId id, SnapshotId::FromHex(j.get<std::string>()));
  return std::optional<SnapshotId>(id);
}

Result<json> ParseObject(std::string_view data, const char* what, int64_t max_format = 1) {
  json j = json::parse(data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Corrupt(std::string(what) + " is not valid JSON");
  auto f = j.find("format");
  if (f == j.end() || !f->is_number_integer() || f->get<int64_t>() < 1 || f->get<int64_t>() > max_format)
    return Corrupt(std::string(what) + " has an unsupported format");
  return j;
}

Result<std::string> GetString(const json& j, const char* key, const char* what) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string())
    return Corrupt(std::string(what) + ": missing or invalid '" + key + "'");
  return it->get<std::string>();
}

}  // namespace

bool PinRecord::Expired(int64_t now_ns) const {
  if (until.empty()) return false;
  auto t = ParseTimestamp(until);
  return t.ok() && *t <= now_ns;
}

std::string View::Encode() const {
  json j;
  j["format"] = kFormatVersion;
  json wts = json::object();
  for (const auto& [name, wt] : worktrees) wts[name] = {{"head", OptId(wt.head)}, {"latest", OptId(wt.latest)}};
  j["worktrees"] = wts;
  json hs = json::array();
  for (const auto& h : heads) hs.push_back(h.hex());
  j["heads"] = hs;
  json ts = json::object();
  for (const auto& [name, id] : tags) ts[name] = id.hex();
  j["tags"] = ts;
  json pin_list = json::array();
  for (const auto& p : pins) pin_list.push_back(p.hex());
  j["pins"] = pin_list;
  if (!user_pins.empty()) {
    j["format"] = kFormatVersionWithUserPins;
    json up = json::object();
    for (const auto& [id, p] : user_pins)
      up[id.hex()] = {{"created_at", p.created_at},
                      {"reason", p.reason},
                      {"until", p.until.empty() ? json(nullptr) : json(p.until)}};
    j["pinned"] = up;
  }
  return Dump(j);
}

Result<View> View::Decode(std::string_view data) {
  JVS_ASSIGN_OR_RETURN(json j, ParseObject(data, "view", kFormatVersionWithUserPins));
  View v;
  // User pins: in format 2 only, and never empty there (not canonical).
  const bool with_user_pins = j["format"].get<int64_t>() == kFormatVersionWithUserPins;
  auto up = j.find("pinned");
  if ((up != j.end()) != with_user_pins) return Corrupt("view: 'pinned' does not match the format");
  if (with_user_pins) {
    if (!up->is_object() || up->empty()) return Corrupt("view: invalid pinned");
    for (const auto& [hex, rec] : up->items()) {
      JVS_ASSIGN_OR_RETURN(SnapshotId id, SnapshotId::FromHex(hex));
      if (!rec.is_object() || rec.size() != 3) return Corrupt("view: invalid pin record");
      PinRecord p;
      JVS_ASSIGN_OR_RETURN(p.created_at, GetString(rec, "created_at", "view pin"));
      JVS_ASSIGN_OR_RETURN(p.reason, GetString(rec, "reason", "view pin"));
      auto until = rec.find("until");
      if (until == rec.end() || !(until->is_null() || until->is_string())) return Corrupt("view: invalid pin expiry");
      if (until->is_string()) {
        p.until = until->get<std::string>();
        if (p.until.empty()) return Corrupt("view: invalid pin expiry");
      }
      v.user_pins[id] = std::move(p);
    }
  }
  auto wts = j.find("worktrees");
  if (wts == j.end() || !wts->is_object()) return Corrupt("view: missing worktrees");
  for (const auto& [name, wt] : wts->items()) {
    // A worktree name becomes a directory name under .jvs/worktrees/: only
    // names the commands accept (never "..", "/" or a leading '.').
    if (!ValidateWorktreeName(name).ok()) return Corrupt("view: invalid worktree name '" + name + "'");
    if (!wt.is_object() || !wt.contains("head") || !wt.contains("latest"))
      return Corrupt("view: invalid worktree '" + name + "'");
    WorktreeView w;
    JVS_ASSIGN_OR_RETURN(w.head, ParseOptId(wt["head"], "worktree head"));
    JVS_ASSIGN_OR_RETURN(w.latest, ParseOptId(wt["latest"], "worktree latest"));
    v.worktrees[name] = w;
  }
  auto hs = j.find("heads");
  if (hs == j.end() || !hs->is_array()) return Corrupt("view: missing heads");
  for (const auto& h : *hs) {
    if (!h.is_string()) return Corrupt("view: invalid head");
    JVS_ASSIGN_OR_RETURN(SnapshotId id, SnapshotId::FromHex(h.get<std::string>()));
    v.heads.push_back(id);
  }
  auto ts = j.find("tags");
  if (ts == j.end() || !ts->is_object()) return Corrupt("view: missing tags");
  for (const auto& [name, id] : ts->items()) {
    if (!ValidateTagName(name).ok()) return Corrupt("view: invalid tag name '" + name + "'");
    if (!id.is_string()) return Corrupt("view: invalid tag '" + name + "'");
    JVS_ASSIGN_OR_RETURN(SnapshotId sid, SnapshotId::FromHex(id.get<std::string>()));
    v.tags[name] = sid;
  }
  if (auto ps = j.find("pins"); ps != j.end()) {
    if (!ps->is_array()) return Corrupt("view: invalid pins");
    for (const auto& p : *ps) {
      if (!p.is_string()) return Corrupt("view: invalid pin");
      JVS_ASSIGN_OR_RETURN(SnapshotId id, SnapshotId::FromHex(p.get<std::string>()));
      v.pins.push_back(id);
    }
  }
  return v;
}

std::vector<SnapshotId> View::ReferencedSnapshots() const {
  std::vector<SnapshotId> out;
  std::unordered_set<SnapshotId, IdHash> seen;
  auto add = [&](const SnapshotId& id) {
    if (seen.insert(id).second) out.push_back(id);
  };
  for (const auto& h : heads) add(h);
  for (const auto& [name, wt] : worktrees) {
    if (wt.head) add(*wt.head);
    if (wt.latest) add(*wt.latest);
  }
  for (const auto& [name, id] : tags) add(id);
  for (const auto& p : pins) add(p);
  for (const auto& [id, p] : user_pins) add(id);
  return out;
}

ViewId View::ComputeId() const { return ViewId(Sha256Of(Encode())); }

std::string Operation::Encode() const {
  json j;
  j["format"] = kFormatVersion;
  json ps = json::array();
  for (const auto& p : parents) ps.push_back(p.hex());
  j["parents"] = ps;
  j["view"] = view.hex();
  const auto& m = metadata;
  j["metadata"] = {{"start_time", m.start_time}, {"end_time", m.end_time}, {"user", m.user},
                   {"host", m.host}, {"pid", m.pid}, {"command", m.command},
                   {"description", m.description}, {"attributes", m.attributes}};
  if (!predecessors.empty()) {
    json preds = json::object();
    for (const auto& [old_id, news] : predecessors) {
      json arr = json::array();
      for (const auto& n : news) arr.push_back(n.hex());
      preds[old_id.hex()] = std::move(arr);
    }
    j["predecessors"] = std::move(preds);
  }
  return Dump(j);
}

Result<Operation> Operation::Decode(std::string_view data) {
  JVS_ASSIGN_OR_RETURN(json j, ParseObject(data, "operation"));
  Operation op;
  auto ps = j.find("parents");
  if (ps == j.end() || !ps->is_array() || ps->size() > 4096) return Corrupt("operation: invalid parents");
  for (const auto& p : *ps) {
    if (!p.is_string()) return Corrupt("operation: invalid parent");
    JVS_ASSIGN_OR_RETURN(OperationId id, OperationId::FromHex(p.get<std::string>()));
    op.parents.push_back(id);
  }
  JVS_ASSIGN_OR_RETURN(std::string view, GetString(j, "view", "operation"));
  JVS_ASSIGN_OR_RETURN(op.view, ViewId::FromHex(view));
  auto m = j.find("metadata");
  if (m == j.end() || !m->is_object()) return Corrupt("operation: missing metadata");
  auto& md = op.metadata;
  JVS_ASSIGN_OR_RETURN(md.start_time, GetString(*m, "start_time", "operation"));
  JVS_ASSIGN_OR_RETURN(md.end_time, GetString(*m, "end_time", "operation"));
  JVS_ASSIGN_OR_RETURN(md.user, GetString(*m, "user", "operation"));
  JVS_ASSIGN_OR_RETURN(md.host, GetString(*m, "host", "operation"));
  JVS_ASSIGN_OR_RETURN(md.command, GetString(*m, "command", "operation"));
  JVS_ASSIGN_OR_RETURN(md.description, GetString(*m, "description", "operation"));
  auto pid = m->find("pid");
  if (pid == m->end() || !pid->is_number_integer()) return Corrupt("operation: invalid pid");
  md.pid = pid->get<int64_t>();
  auto attrs = m->find("attributes");
  if (attrs == m->end() || !attrs->is_object()) return Corrupt("operation: invalid attributes");
  for (const auto& [k, v] : attrs->items()) {
    if (!v.is_string()) return Corrupt("operation: invalid attribute '" + k + "'");
    md.attributes[k] = v.get<std::string>();
  }
  if (auto preds = j.find("predecessors"); preds != j.end()) {
    // Present only when non-empty (the canonical encoding omits an empty map).
    if (!preds->is_object() || preds->empty() || preds->size() > (1u << 20))
      return Corrupt("operation: invalid predecessors");
    for (const auto& [k, v] : preds->items()) {
      JVS_ASSIGN_OR_RETURN(SnapshotId old_id, SnapshotId::FromHex(k));
      if (!v.is_array()) return Corrupt("operation: invalid predecessors of " + k);
      auto& news = op.predecessors[old_id];
      for (const auto& n : v) {
        if (!n.is_string()) return Corrupt("operation: invalid predecessors of " + k);
        JVS_ASSIGN_OR_RETURN(SnapshotId nid, SnapshotId::FromHex(n.get<std::string>()));
        news.push_back(nid);
      }
    }
  }
  return op;
}

OperationId Operation::ComputeId() const { return OperationId(Sha256Of(Encode())); }

std::vector<OperationId> OpStore::LiveParents(const Operation& op) const {
  return jvs::LiveParents(horizon_, op);
}

Status OpHeads::Update(const OperationId& new_head, const std::vector<OperationId>& old_heads) {
  JVS_TRY(Add(new_head));
  // The new head exists: the operation is published. An old head that cannot
  // be removed is harmless (it is an ancestor of the new one, and readers drop
  // ancestor heads), so removal is best effort.
  RemoveOld(new_head, old_heads);
  return OkStatus();
}

}  // namespace jvs
