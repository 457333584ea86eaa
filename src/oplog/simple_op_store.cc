// SimpleOpStore: operations and views as files, the horizon as JSON.
#include <sys/stat.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/sync_set.h"
#include "jvs/base/hash.h"
#include "jvs/oplog/simple.h"

namespace jvs {

using nlohmann::json;

namespace {
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }
}  // namespace

Status SimpleOpStore::Create(Env* env, const fs::path& dir) {
  JVS_TRY(env->MkdirAll(dir / "operations"));
  return env->MkdirAll(dir / "views");
}

Result<OpObjectStat> SimpleOpStore::StatFile(const fs::path& path) {
  JVS_ASSIGN_OR_RETURN(struct stat st, env_->Lstat(path));
  OpObjectStat s;
  s.size = static_cast<uint64_t>(st.st_size);
  s.disk_bytes = static_cast<uint64_t>(st.st_blocks) * 512;
  s.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  return s;
}

Result<OpObjectStat> SimpleOpStore::StatOperation(const OperationId& id) { return StatFile(OperationPath(id)); }
Result<OpObjectStat> SimpleOpStore::StatView(const ViewId& id) { return StatFile(ViewPath(id)); }
Status SimpleOpStore::DeleteOperation(const OperationId& id) { return env_->Unlink(OperationPath(id)); }
Status SimpleOpStore::DeleteView(const ViewId& id) { return env_->Unlink(ViewPath(id)); }

Result<std::string> SimpleOpStore::ReadVerified(const char* kind, const Digest& id) {
  std::string hex = ToHex(id.data(), id.size());
  auto data = env_->ReadFile(dir_ / kind / hex, 16u << 20);
  std::string what = std::string(kind).substr(0, std::string(kind).size() - 1);
  if (!data.ok()) {
    if (data.error().code() == ErrorCode::kNotFound)
      return Error(ErrorCode::kNotFound, what + " " + hex + " is missing")
          .WithRemedy(Remedy::kInspectRepository);
    return data.error();
  }
  if (Sha256Of(*data) != id)
    return Error(ErrorCode::kCorrupt, what + " " + hex + " does not match its id (damaged or tampered)")
        .WithRemedy(Remedy::kFindDamagedObjects);
  return data;
}

Status SimpleOpStore::WriteObject(const char* kind, const Digest& id, std::string_view data) {
  fs::path p = dir_ / kind / ToHex(id.data(), id.size());
  if (env_->Exists(p)) return OkStatus();
  JVS_TRY(env_->WriteFileAtomic(p, data));
  if (sync_set_) sync_set_->Add(p);
  return OkStatus();
}

Result<Operation> SimpleOpStore::ReadOperation(const OperationId& id) {
  auto read = ReadVerified("operations", id.bytes());
  if (!read.ok() && read.error().code() == ErrorCode::kNotFound && !horizon_.empty())
    return Error(ErrorCode::kNotFound,
                 "operation " + id.hex().substr(0, 12) +
                     " is not in the op log: it is older than the op log horizon (removed by garbage collection)")
        .WithRemedy(Remedy::kListOperations);
  JVS_ASSIGN_OR_RETURN(std::string data, std::move(read));
  auto op = Operation::Decode(data);
  if (!op.ok()) return op.error().WithContext("operation " + id.hex());
  return op;
}

Result<OperationId> SimpleOpStore::WriteOperation(const Operation& op) {
  std::string data = op.Encode();
  OperationId id(Sha256Of(data));
  JVS_TRY(WriteObject("operations", id.bytes(), data));
  return id;
}

Result<View> SimpleOpStore::ReadView(const ViewId& id) {
  JVS_ASSIGN_OR_RETURN(std::string data, ReadVerified("views", id.bytes()));
  auto v = View::Decode(data);
  if (!v.ok()) return v.error().WithContext("view " + id.hex());
  return v;
}

Result<ViewId> SimpleOpStore::WriteView(const View& view) {
  std::string data = view.Encode();
  ViewId id(Sha256Of(data));
  JVS_TRY(WriteObject("views", id.bytes(), data));
  return id;
}

Result<std::vector<OperationId>> SimpleOpStore::FindOperationsByPrefix(std::string_view prefix) {
  std::vector<OperationId> out;
  JVS_ASSIGN_OR_RETURN(UniqueFd dfd, env_->Open(dir_ / "operations", O_RDONLY | O_DIRECTORY));
  JVS_ASSIGN_OR_RETURN(auto entries, env_->ReadDir(dfd.get()));
  for (const auto& e : entries) {
    if (e.name.size() != kIdHexLength || e.name.compare(0, prefix.size(), prefix) != 0) continue;
    auto id = OperationId::FromHex(e.name);
    if (id.ok()) out.push_back(*id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {
constexpr const char* kHorizonFile = "horizon";

template <typename Id>
Result<std::vector<Id>> ListIds(Env* env, const fs::path& dir) {
  JVS_ASSIGN_OR_RETURN(UniqueFd dfd, env->Open(dir, O_RDONLY | O_DIRECTORY));
  JVS_ASSIGN_OR_RETURN(auto entries, env->ReadDir(dfd.get()));
  std::vector<Id> out;
  for (const auto& e : entries) {
    if (e.name.size() != kIdHexLength) continue;  // temp files of a writer
    auto id = Id::FromHex(e.name);
    if (id.ok()) out.push_back(*id);
  }
  return out;
}
}  // namespace

Status SimpleOpStore::LoadHorizon() {
  horizon_.clear();
  auto data = env_->ReadFile(dir_ / kHorizonFile, 256u << 20);
  if (!data.ok()) {
    if (data.error().code() == ErrorCode::kNotFound) return OkStatus();
    return data.error();
  }
  json j = json::parse(*data, nullptr, false);
  auto bad = [] {
    return Error(ErrorCode::kCorrupt, "the op log horizon file 'op_store/horizon' is malformed",
                 "")
        .WithRemedy(Remedy::kInspectRepository);
  };
  if (j.is_discarded() || !j.is_object()) return bad();
  auto f = j.find("format");
  if (f == j.end() || !f->is_number_integer()) return bad();
  if (f->get<int64_t>() != 1)
    return Error(ErrorCode::kFormatTooNew, "the op log horizon has an unsupported format",
                 "upgrade jvs to open this repository");
  auto cut = j.find("cut");
  if (cut == j.end() || !cut->is_array()) return bad();
  for (const auto& c : *cut) {
    if (!c.is_string()) return bad();
    auto id = OperationId::FromHex(c.get<std::string>());
    if (!id.ok()) return bad();
    horizon_.insert(*id);
  }
  return OkStatus();
}

Status SimpleOpStore::WriteHorizon(const std::set<OperationId>& cut) {
  json j;
  j["format"] = 1;
  json list = json::array();
  for (const auto& c : cut) list.push_back(c.hex());
  j["cut"] = list;
  JVS_TRY(env_->WriteFileAtomic(dir_ / kHorizonFile, Dump(j) + "\n", /*sync=*/true));
  JVS_ASSIGN_OR_RETURN(UniqueFd dfd, env_->Open(dir_, O_RDONLY | O_DIRECTORY));
  JVS_TRY(env_->Fsync(dfd.get()));
  horizon_ = cut;
  return OkStatus();
}

Result<std::vector<OperationId>> SimpleOpStore::ListOperations() {
  return ListIds<OperationId>(env_, dir_ / "operations");
}

Result<std::vector<ViewId>> SimpleOpStore::ListViews() { return ListIds<ViewId>(env_, dir_ / "views"); }

}  // namespace jvs
