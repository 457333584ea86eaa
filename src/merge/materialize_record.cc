// RecordWorkingTree: the working tree read back into a Merge<TreeId>, from
// the plan of the root it was materialized from (materialize_plan.h).
#include <utility>

#include "jvs/base/hash.h"
#include "jvs/merge/materialize.h"
#include "jvs/merge/text_merge.h"
#include "merge/materialize_plan.h"

namespace jvs {

namespace {

// A conflict's value to record, in the root's terms; nullopt: resolved to
// what the working tree holds (no edit).
using Recorded = std::optional<Merge<PathValue>>;

Result<Recorded> RecordText(Store& store, const PlannedConflict& c, const PathValue& w) {
  if (!w || !w->is_file()) return Recorded();
  for (ConflictStyle style : {ConflictStyle::kDiff, ConflictStyle::kSnapshot, ConflictStyle::kGit})
    if (Sha256Of(RenderConflicts(c.hunks, style, c.marker_len)) == w->id) return Recorded(c.value);
  JVS_ASSIGN_OR_RETURN(std::string text, store.ReadBlob(BlobId(w->id)));
  const size_t n = c.simplified.terms().size();
  auto hunks = ParseConflicts(text, c.simplified.num_sides(), c.marker_len);
  if (!hunks) return Recorded();
  std::vector<std::string> contents(n);
  for (const auto& h : *hunks)
    for (size_t j = 0; j < n; ++j) contents[j] += h.is_resolved() ? h.terms()[0] : h.terms()[j];
  if (auto same = Merge<std::string>::FromTerms(contents).ResolveTrivial()) {
    TreeValue v = c.text_value;
    JVS_ASSIGN_OR_RETURN(BlobId blob, store.WriteBlob(*same));
    v.id = blob.bytes();
    v.size = same->size();
    return Recorded(Merge<PathValue>(v));
  }
  std::vector<PathValue> terms = c.value.terms();
  for (size_t j = 0; j < n; ++j) {
    const size_t pos = j % 2 == 0 ? c.add_terms[j / 2] : c.remove_terms[j / 2];
    TreeValue v = *terms[pos];  // a text conflict has no absent term
    JVS_ASSIGN_OR_RETURN(BlobId blob, store.WriteBlob(contents[j]));
    v.id = blob.bytes();
    v.size = contents[j].size();
    terms[pos] = v;
  }
  return Recorded(Merge<PathValue>::FromTerms(std::move(terms)));
}

}  // namespace

Result<Merge<TreeId>> RecordWorkingTree(Store& store, const Merge<TreeId>& base_root,
                                        const TreeId& working) {
  Merge<TreeId> simple = base_root.Simplify();
  if (simple.ResolveTrivial()) return Merge<TreeId>(working);
  JVS_ASSIGN_OR_RETURN(std::vector<PlannedConflict> plan, PlanConflicts(store, simple));
  const size_t num_terms = simple.terms().size();
  std::vector<TreeEdit> common;  // for every term
  std::vector<std::vector<TreeEdit>> per_term(num_terms);
  for (const PlannedConflict& c : plan) {
    JVS_ASSIGN_OR_RETURN(PathValue w, ValueAt(store, working, c.path));
    Recorded kept;
    if (c.kind == MaterializedConflict::Kind::kText) {
      JVS_ASSIGN_OR_RETURN(kept, RecordText(store, c, w));
    } else {
      JVS_ASSIGN_OR_RETURN(PathValue note, ValueAt(store, working, *c.note_file));
      if (note) {
        common.push_back({*c.note_file, std::nullopt, std::nullopt});
        std::vector<PathValue> terms = c.value.terms();
        terms[c.add_terms[0]] = w;
        for (size_t k = 0; k < c.side_files.size(); ++k) {
          if (!c.side_files[k]) continue;
          common.push_back({*c.side_files[k], std::nullopt, std::nullopt});
          JVS_ASSIGN_OR_RETURN(terms[c.add_terms[k + 1]], ValueAt(store, working, *c.side_files[k]));
        }
        kept = Merge<PathValue>::FromTerms(std::move(terms));
      }
    }
    if (!kept) continue;
    if (c.dir_mode) {
      // Only the directory's permission bits are this conflict's.
      auto modes = kept->Map([](const PathValue& v) -> std::optional<uint32_t> {
        if (!v || !v->is_tree()) return std::nullopt;
        return v->EffectiveMode();
      });
      if (auto resolved = modes.ResolveTrivial()) {
        common.push_back({c.path, std::nullopt, *resolved});
      } else {
        for (size_t t = 0; t < num_terms; ++t)
          per_term[t].push_back({c.path, std::nullopt, modes.terms()[t]});
      }
    } else if (auto resolved = kept->ResolveTrivial()) {
      common.push_back({c.path, *resolved, std::nullopt});
    } else {
      for (size_t t = 0; t < num_terms; ++t)
        per_term[t].push_back({c.path, kept->terms()[t], std::nullopt});
    }
  }
  std::vector<TreeId> trees;
  for (size_t t = 0; t < num_terms; ++t) {
    std::vector<TreeEdit> edits = common;
    edits.insert(edits.end(), per_term[t].begin(), per_term[t].end());
    if (t > 0 && per_term[t] == per_term[0]) {
      trees.push_back(trees[0]);
      continue;
    }
    JVS_ASSIGN_OR_RETURN(TreeId id, ApplyEdits(store, working, edits));
    trees.push_back(id);
  }
  Merge<TreeId> out = Merge<TreeId>::FromTerms(std::move(trees)).Simplify();
  if (auto resolved = out.ResolveTrivial()) return Merge<TreeId>(*resolved);
  return out;
}

}  // namespace jvs
