#include "jvs/merge/materialize.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "jvs/merge/text_merge.h"
#include "merge/materialize_plan.h"

namespace jvs {

// LooksBinary is defined in text_diff.cc (also declared in text_diff.h).

Result<MaterializedTree> MaterializeTree(Store& store, const Merge<TreeId>& root,
                                         ConflictStyle style) {
  Merge<TreeId> simple = root.Simplify();
  if (auto resolved = simple.ResolveTrivial()) return MaterializedTree{*resolved, {}};
  JVS_ASSIGN_OR_RETURN(std::vector<PlannedConflict> plan, PlanConflicts(store, simple));
  MaterializedTree out;
  std::vector<TreeEdit> edits;
  for (PlannedConflict& c : plan) {
    if (c.kind == MaterializedConflict::Kind::kText) {
      std::string text = RenderConflicts(c.hunks, style, c.marker_len);
      JVS_ASSIGN_OR_RETURN(BlobId blob, store.WriteBlob(text));
      c.text_value.id = blob.bytes();
      c.text_value.size = text.size();
      edits.push_back({c.path, c.text_value, std::nullopt});
    } else {
      const PathValue& side1 = c.simplified.add(0);
      if (c.dir_mode) {
        // Side 1 without the directory: no edit, so that the helper files of
        // conflicts below still get a directory (created by the edits).
        if (side1) edits.push_back({c.path, std::nullopt, side1->EffectiveMode()});
      } else {
        edits.push_back({c.path, side1, std::nullopt});
      }
      for (size_t i = 0; i < c.side_files.size(); ++i)
        if (c.side_files[i]) edits.push_back({*c.side_files[i], c.simplified.add(i + 1), std::nullopt});
      std::string note = ConflictNoteText(c);
      JVS_ASSIGN_OR_RETURN(BlobId blob, store.WriteBlob(note));
      edits.push_back({*c.note_file, TreeValue{EntryKind::kFile, blob.bytes(), note.size(), {}},
                       std::nullopt});
    }
    out.conflicts.push_back(Describe(c));
  }
  JVS_ASSIGN_OR_RETURN(out.tree, ApplyEdits(store, simple.add(0), edits));
  return out;
}

ContentMerger TextContentMerger(Store& store) {
  return [&store](const RepoPath&,
                  const Merge<std::optional<BlobId>>& contents) -> Result<std::optional<BlobId>> {
    std::vector<std::string> texts;
    for (const auto& id : contents.terms()) {
      if (!id) return std::optional<BlobId>();
      JVS_ASSIGN_OR_RETURN(ObjectStat st, store.backend().Stat(StoreKind::kBlob, id->bytes()));
      if (st.size > kMaxMarkedTextSize) return std::optional<BlobId>();
      JVS_ASSIGN_OR_RETURN(std::string data, store.ReadBlob(*id, kMaxMarkedTextSize));
      if (LooksBinary(data)) return std::optional<BlobId>();
      texts.push_back(std::move(data));
    }
    std::vector<std::string_view> views(texts.begin(), texts.end());
    std::optional<std::string> merged =
        ResolvedText(MergeText(Merge<std::string_view>::FromTerms(std::move(views))));
    if (!merged) return std::optional<BlobId>();
    JVS_ASSIGN_OR_RETURN(BlobId blob, store.WriteBlob(*merged));
    return std::optional<BlobId>(blob);
  };
}

}  // namespace jvs
