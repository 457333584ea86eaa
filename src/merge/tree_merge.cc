#include "jvs/merge/tree_merge.h"

#include <sys/stat.h>

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "jvs/merge/tree_diff.h"

namespace jvs {

namespace {

using TreePtr = std::shared_ptr<const Tree>;

Merge<PathValue> TreeValues(const Merge<TreeId>& ids) {
  return ids.Map([](const TreeId& id) -> PathValue {
    return TreeValue{EntryKind::kTree, id.bytes(), 0, {}};
  });
}

bool TreeOrAbsent(const Merge<PathValue>& m) {
  return std::all_of(m.terms().begin(), m.terms().end(),
                     [](const PathValue& v) { return !v || v->is_tree(); });
}

// Every add a file or executable, every remove one too or absent.
bool FileMergeable(const Merge<PathValue>& m) {
  for (size_t i = 0; i < m.terms().size(); ++i) {
    const PathValue& v = m.terms()[i];
    if (i % 2 == 0 ? !(v && v->is_file()) : (v && !v->is_file())) return false;
  }
  return true;
}

// The permission bits of a value (nullopt when absent), masked.
Merge<std::optional<uint32_t>> ModeBits(const Merge<PathValue>& m, uint32_t mask) {
  return m.Map([mask](const PathValue& v) -> std::optional<uint32_t> {
    if (!v) return std::nullopt;
    return v->EffectiveMode() & mask;
  });
}

// Reads trees once per merge, counting.
class TreeReader {
 public:
  TreeReader(Store& store, TreeMergeStats* stats) : store_(store), stats_(stats) {}
  Result<TreePtr> Read(const PathValue& v) {
    if (!v || TreeId(v->id) == EmptyTreeId()) return empty_;
    TreeId id(v->id);
    auto it = seen_.find(id);
    if (it != seen_.end()) return it->second;
    JVS_ASSIGN_OR_RETURN(TreePtr t, store_.ReadTree(id));
    if (stats_) stats_->trees_read++;
    seen_.emplace(id, t);
    return t;
  }

 private:
  Store& store_;
  TreeMergeStats* stats_;
  TreePtr empty_ = std::make_shared<const Tree>();
  std::unordered_map<TreeId, TreePtr, IdHash> seen_;
};

// The sorted union of the entry names of `trees`.
std::vector<std::string> UnionOfNames(const std::vector<TreePtr>& trees) {
  std::vector<std::string> names;
  for (const auto& t : trees)
    for (const auto& e : t->entries) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Merge<PathValue> ValuesAt(const std::vector<TreePtr>& trees, const std::string& name) {
  std::vector<PathValue> terms;
  terms.reserve(trees.size());
  for (const auto& t : trees) {
    const TreeEntry* e = t->Find(name);
    terms.push_back(e ? PathValue(TreeValue::Of(*e)) : std::nullopt);
  }
  return Merge<PathValue>::FromTerms(std::move(terms));
}

// One directory being merged: its input trees (one per term, empty for an
// absent term) and the entries each term's output tree gets.
struct Frame {
  RepoPath path;
  std::string name;            // in the parent
  Merge<PathValue> input;      // the directory's value in every term
  std::vector<TreePtr> trees;  // per term
  std::vector<std::string> names;
  size_t next = 0;
  std::vector<std::vector<TreeEntry>> out;  // per term
};

class TreeMerger {
 public:
  TreeMerger(Store& store, const ContentMerger& merge_files, TreeMergeStats* stats)
      : store_(store), merge_files_(merge_files), stats_(stats), reader_(store, stats) {}

  Result<Merge<TreeId>> Run(const Merge<TreeId>& input) {
    if (auto resolved = input.ResolveTrivial()) return Merge<TreeId>(*resolved);
    std::vector<Frame> stack;
    JVS_TRY(Push(&stack, RepoPath(), "", TreeValues(input)));
    for (;;) {
      Frame& f = stack.back();
      if (f.next == f.names.size()) {
        JVS_ASSIGN_OR_RETURN(Merge<PathValue> done, Finish(f));
        if (stack.size() == 1) {
          std::vector<TreeId> ids;
          for (const auto& v : done.terms()) ids.push_back(v ? TreeId(v->id) : EmptyTreeId());
          return Merge<TreeId>::FromTerms(std::move(ids)).Simplify();
        }
        std::string name = std::move(f.name);
        stack.pop_back();
        Place(&stack.back(), name, done);
        continue;
      }
      const std::string& name = f.names[f.next++];
      Merge<PathValue> values = ValuesAt(f.trees, name);
      if (auto resolved = values.ResolveTrivial()) {
        Place(&f, name, Merge<PathValue>(*resolved));
      } else if (TreeOrAbsent(values)) {
        if (stack.size() > kMaxTreeDepth)
          return Error(ErrorCode::kUnsupported,
                       "tree deeper than " + std::to_string(kMaxTreeDepth) + " levels");
        RepoPath child = f.path.Join(name);
        std::string child_name = name;  // `f` and `name` dangle once the stack grows
        JVS_TRY(Push(&stack, std::move(child), std::move(child_name), std::move(values)));
      } else if (FileMergeable(values)) {
        JVS_ASSIGN_OR_RETURN(Merge<PathValue> merged, MergeFile(f.path.Join(name), values));
        Place(&f, name, merged);
      } else {
        Place(&f, name, values);
      }
    }
  }

 private:
  Status Push(std::vector<Frame>* stack, RepoPath path, std::string name, Merge<PathValue> input) {
    Frame f{std::move(path), std::move(name), std::move(input), {}, {}, 0, {}};
    for (const auto& v : f.input.terms()) {
      JVS_ASSIGN_OR_RETURN(TreePtr t, reader_.Read(v));
      f.trees.push_back(std::move(t));
    }
    f.names = UnionOfNames(f.trees);
    f.out.resize(f.trees.size());
    stack->push_back(std::move(f));
    return OkStatus();
  }

  // Adds `value` (resolved: to every term) at `name` in the output of `f`.
  static void Place(Frame* f, const std::string& name, const Merge<PathValue>& value) {
    for (size_t i = 0; i < f->out.size(); ++i) {
      const PathValue& v = value.is_resolved() ? value.terms()[0] : value.terms()[i];
      if (v) f->out[i].push_back(v->ToEntry(name));
    }
  }

  // Writes the output trees of `f`; returns the directory's merged value.
  Result<Merge<PathValue>> Finish(const Frame& f) {
    // A directory's own permission bits merge like a file's.
    std::optional<std::optional<uint32_t>> mode = ModeBits(f.input, 07777).ResolveTrivial();
    std::vector<PathValue> terms;
    std::vector<TreeId> written;
    for (size_t i = 0; i < f.out.size(); ++i) {
      const PathValue& in = f.input.terms()[i];
      // Emptied out where the term had no directory: absent there.
      if (f.out[i].empty() && !in) {
        terms.push_back(std::nullopt);
        written.push_back(EmptyTreeId());
        continue;
      }
      TreeId id = EmptyTreeId();
      size_t same = 0;
      while (same < i && f.out[same] != f.out[i]) ++same;
      if (same < i) {
        id = written[same];
      } else if (!f.out[i].empty()) {
        Tree t;
        t.entries = f.out[i];
        JVS_ASSIGN_OR_RETURN(id, store_.WriteTree(t));
        if (stats_) stats_->trees_written++;
      }
      written.push_back(id);
      uint32_t bits = mode && *mode ? **mode
                      : in          ? in->EffectiveMode()
                                    : TreeEntry::DefaultMode(EntryKind::kTree);
      Tree sized;
      sized.entries = f.out[i];
      terms.push_back(TreeValue{EntryKind::kTree, id.bytes(), sized.TotalSize(),
                                TreeEntry::CanonicalMode(EntryKind::kTree, bits)});
    }
    Merge<PathValue> out = Merge<PathValue>::FromTerms(std::move(terms));
    if (auto resolved = out.ResolveTrivial()) return Merge<PathValue>(*resolved);
    return out;
  }

  // A path where every side holds a file: content, executable bits and the
  // other permission bits merge apart; a conflict in any keeps every term.
  Result<Merge<PathValue>> MergeFile(const RepoPath& path, const Merge<PathValue>& values) {
    auto exec = ModeBits(values, 0111).ResolveTrivial();
    auto rest = ModeBits(values, 07777 & ~0111u).ResolveTrivial();
    if (!exec || !*exec || !rest || !*rest) return values;
    Merge<std::optional<BlobId>> contents =
        values.Map([](const PathValue& v) -> std::optional<BlobId> {
          if (!v) return std::nullopt;
          return BlobId(v->id);
        });
    std::optional<BlobId> blob;
    if (auto resolved = contents.ResolveTrivial()) {
      blob = *resolved;
    } else {
      if (stats_) stats_->content_merges++;
      JVS_ASSIGN_OR_RETURN(blob, merge_files_(path, contents));
    }
    if (!blob) return values;
    TreeValue v;
    const uint32_t bits = **exec | **rest;
    v.kind = (bits & S_IXUSR) ? EntryKind::kExecutable : EntryKind::kFile;
    v.mode = TreeEntry::CanonicalMode(v.kind, bits);
    v.id = blob->bytes();
    JVS_ASSIGN_OR_RETURN(v.size, BlobSize(*blob, values));
    return Merge<PathValue>(v);
  }

  Result<uint64_t> BlobSize(const BlobId& blob, const Merge<PathValue>& values) {
    for (const auto& v : values.terms())
      if (v && v->id == blob.bytes()) return v->size;
    JVS_ASSIGN_OR_RETURN(ObjectStat st, store_.backend().Stat(StoreKind::kBlob, blob.bytes()));
    return st.size;
  }

  Store& store_;
  const ContentMerger& merge_files_;
  TreeMergeStats* stats_;
  TreeReader reader_;
};

}  // namespace

Result<Merge<TreeId>> MergeTrees(Store& store, const Merge<TreeId>& input,
                                 const ContentMerger& merge_files, TreeMergeStats* stats) {
  return TreeMerger(store, merge_files, stats).Run(input);
}

Result<std::vector<ConflictedPath>> ListConflicts(Store& store, const Merge<TreeId>& tree) {
  std::vector<ConflictedPath> out;
  if (tree.ResolveTrivial()) return out;
  TreeReader reader(store, nullptr);
  struct Dir {
    RepoPath path;
    Merge<PathValue> values;
    size_t depth;
  };
  std::vector<Dir> stack{{RepoPath(), TreeValues(tree), 0}};
  while (!stack.empty()) {
    Dir d = std::move(stack.back());
    stack.pop_back();
    if (d.depth > kMaxTreeDepth)
      return Error(ErrorCode::kUnsupported,
                   "tree deeper than " + std::to_string(kMaxTreeDepth) + " levels");
    std::vector<TreePtr> trees;
    for (const auto& v : d.values.terms()) {
      JVS_ASSIGN_OR_RETURN(TreePtr t, reader.Read(v));
      trees.push_back(std::move(t));
    }
    std::vector<Dir> children;
    for (const auto& name : UnionOfNames(trees)) {
      Merge<PathValue> values = ValuesAt(trees, name);
      if (values.ResolveTrivial()) continue;
      RepoPath p = d.path.Join(name);
      if (TreeOrAbsent(values)) {
        if (!ModeBits(values, 07777).ResolveTrivial()) out.push_back({p, values});
        children.push_back({std::move(p), std::move(values), d.depth + 1});
      } else {
        out.push_back({std::move(p), std::move(values)});
      }
    }
    // Depth-first in name order: push the last child first.
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(std::move(*it));
  }
  std::sort(out.begin(), out.end(),
            [](const ConflictedPath& a, const ConflictedPath& b) { return a.path < b.path; });
  return out;
}

Result<Merge<PathValue>> PathValueAt(Store& store, const Merge<TreeId>& tree,
                                     const RepoPath& path) {
  TreeReader reader(store, nullptr);
  Merge<PathValue> values = TreeValues(tree);
  for (std::string_view component : path.components()) {
    std::vector<PathValue> next;
    for (const auto& v : values.terms()) {
      if (!v || !v->is_tree()) {
        next.push_back(std::nullopt);
        continue;
      }
      JVS_ASSIGN_OR_RETURN(TreePtr t, reader.Read(v));
      const TreeEntry* e = t->Find(component);
      next.push_back(e ? PathValue(TreeValue::Of(*e)) : std::nullopt);
    }
    values = Merge<PathValue>::FromTerms(std::move(next));
  }
  return values;
}

Merge<TreeId> SnapshotRoot(const Snapshot& snapshot) {
  return Merge<TreeId>::FromTerms(snapshot.root_terms);
}

void SetSnapshotRoot(Snapshot* snapshot, const Merge<TreeId>& root) {
  snapshot->root_terms = root.Simplify().terms();
}

}  // namespace jvs
