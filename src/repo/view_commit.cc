// CommitWithoutFiles (repo/view_commit.h).
#include "repo/view_commit.h"

namespace jvs {

Result<OperationId> CommitWithoutFiles(Repo& repo, const ViewUpdate& u) {
  Transaction tx(repo);
  JVS_ASSIGN_OR_RETURN(View v, u.make_view(tx.view()));
  tx.SetView(std::move(v));
  for (const auto& [k, val] : u.attributes) tx.SetAttribute(k, val);
  for (const auto& [old_id, new_ids] : u.rewrites) tx.RecordRewrite(old_id, new_ids);
  return tx.Commit(u.description);
}

}  // namespace jvs
