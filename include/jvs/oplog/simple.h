// The "simple" op store and op heads: plain files under `.jvs/`.
//   SimpleOpStore: `op_store/{operations,views}/<hex id>` (one file per
//     object, written atomically) and `op_store/horizon` (JSON, see
//     docs/formats.md).
//   SimpleOpHeads: `op_heads/<hex id>`, one empty file per head operation.
// These two classes are the only code that knows those layouts. Thread-safe
// as the interfaces (oplog.h) say.
#pragma once

#include "jvs/oplog/oplog.h"

namespace jvs {

class SimpleOpStore : public OpStore {
 public:
  static constexpr std::string_view kName = "simple";
  // Written files are added to `sync_set` (may be null) for the next barrier.
  SimpleOpStore(Env* env, fs::path dir, SyncSet* sync_set = nullptr)
      : env_(env), dir_(std::move(dir)), sync_set_(sync_set) {}
  // Makes the folders (not the type file).
  static Status Create(Env* env, const fs::path& dir);

  std::string_view name() const override { return kName; }
  Result<Operation> ReadOperation(const OperationId& id) override;
  Result<OperationId> WriteOperation(const Operation& op) override;
  Result<View> ReadView(const ViewId& id) override;
  Result<ViewId> WriteView(const View& view) override;
  Result<std::string> ReadOperationBytes(const OperationId& id, size_t max_size) override {
    return env_->ReadFile(OperationPath(id), max_size);
  }
  Result<std::string> ReadViewBytes(const ViewId& id, size_t max_size) override {
    return env_->ReadFile(ViewPath(id), max_size);
  }
  Result<std::vector<OperationId>> FindOperationsByPrefix(std::string_view prefix) override;
  Result<std::vector<OperationId>> ListOperations() override;
  Result<std::vector<ViewId>> ListViews() override;
  Result<OpObjectStat> StatOperation(const OperationId& id) override;
  Result<OpObjectStat> StatView(const ViewId& id) override;
  Status DeleteOperation(const OperationId& id) override;
  Status DeleteView(const ViewId& id) override;
  bool HasOperation(const OperationId& id) override { return env_->Exists(OperationPath(id)); }
  fs::path OperationPath(const OperationId& id) const override { return OperationsPath() / id.hex(); }
  fs::path ViewPath(const ViewId& id) const override { return ViewsPath() / id.hex(); }
  fs::path OperationsPath() const override { return dir_ / "operations"; }
  fs::path ViewsPath() const override { return dir_ / "views"; }
  // The folder itself (horizon and type file) and both object folders.
  std::vector<TempPlace> TempPlaces() const override {
    return {{dir_, false}, {OperationsPath(), false}, {ViewsPath(), false}};
  }
  Status LoadHorizon() override;
  // The file and its directory are fsync'ed.
  Status WriteHorizon(const std::set<OperationId>& cut) override;
  const fs::path& dir() const { return dir_; }

 private:
  Result<std::string> ReadVerified(const char* kind, const Digest& id);
  Status WriteObject(const char* kind, const Digest& id, std::string_view data);
  Result<OpObjectStat> StatFile(const fs::path& path);
  Env* env_;
  fs::path dir_;
  SyncSet* sync_set_;
};

class SimpleOpHeads : public OpHeads {
 public:
  static constexpr std::string_view kName = "simple";
  SimpleOpHeads(Env* env, fs::path dir) : env_(env), dir_(std::move(dir)) {}
  // Makes the folder (not the type file).
  static Status Create(Env* env, const fs::path& dir);

  std::string_view name() const override { return kName; }
  // Ignores temp files of concurrent writers and any name that is not a
  // lowercase hex id (jvs writes no other).
  Result<std::vector<OperationId>> List() override;
  Status Add(const OperationId& new_head) override;
  void RemoveOld(const OperationId& new_head, const std::vector<OperationId>& old_heads) override;
  Status Remove(const OperationId& head) override;
  // fsync of the folder.
  Status Sync() override;
  fs::path Location() const override { return dir_; }
  fs::path HeadPath(const OperationId& head) const override { return dir_ / head.hex(); }
  std::vector<TempPlace> TempPlaces() const override { return {{dir_, false}}; }

 private:
  Env* env_;
  fs::path dir_;
};

}  // namespace jvs
