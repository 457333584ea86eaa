#include "merge/materialize_plan.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "jvs/merge/text_merge.h"

namespace jvs {

namespace {

// The surviving terms of Merge::Simplify, by position (the same pairing:
// each add cancels the first remaining equal remove).
void SurvivingTerms(const Merge<PathValue>& m, std::vector<size_t>* adds,
                    std::vector<size_t>* removes) {
  const size_t n = m.num_sides();
  std::vector<bool> add_gone(n, false), remove_gone(n - 1, false);
  for (size_t i = 0; i < n; ++i) {
    for (size_t r = 0; r + 1 < n; ++r) {
      if (!remove_gone[r] && m.remove(r) == m.add(i)) {
        add_gone[i] = remove_gone[r] = true;
        break;
      }
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (!add_gone[i]) adds->push_back(2 * i);
  for (size_t r = 0; r + 1 < n; ++r)
    if (!remove_gone[r]) removes->push_back(2 * r + 1);
}

bool TreeOrAbsent(const Merge<PathValue>& m) {
  return std::all_of(m.terms().begin(), m.terms().end(),
                     [](const PathValue& v) { return !v || v->is_tree(); });
}

// Fills the text part of `c` when its conflict can be written with markers.
Status PlanText(Store& store, PlannedConflict* c) {
  for (const PathValue& v : c->simplified.terms())
    if (!v || !v->is_file() || v->size > kMaxMarkedTextSize) return OkStatus();
  auto mode = c->simplified.Map([](const PathValue& v) { return v->EffectiveMode(); })
                  .ResolveTrivial();
  if (!mode) return OkStatus();
  std::vector<std::string> contents;
  for (const PathValue& v : c->simplified.terms()) {
    JVS_ASSIGN_OR_RETURN(std::string data, store.ReadBlob(BlobId(v->id), kMaxMarkedTextSize));
    if (LooksBinary(data)) return OkStatus();
    contents.push_back(std::move(data));
  }
  std::vector<std::string_view> views(contents.begin(), contents.end());
  c->hunks = MergeText(Merge<std::string_view>::FromTerms(std::move(views)));
  c->marker_len = ChooseMarkerLength(c->hunks);
  c->num_conflicted_hunks = static_cast<size_t>(std::count_if(
      c->hunks.begin(), c->hunks.end(), [](const auto& h) { return !h.is_resolved(); }));
  c->kind = MaterializedConflict::Kind::kText;
  TreeValue& tv = c->text_value;
  tv.kind = (*mode & S_IXUSR) ? EntryKind::kExecutable : EntryKind::kFile;
  tv.mode = TreeEntry::CanonicalMode(tv.kind, *mode);
  return OkStatus();  // id and size: set when rendered
}

// The names of the entries of directory `dir` in every term of `root`.
Result<std::set<std::string>> NamesInAnyTerm(Store& store, const Merge<TreeId>& root,
                                             const RepoPath& dir) {
  JVS_ASSIGN_OR_RETURN(Merge<PathValue> at, PathValueAt(store, root, dir));
  std::set<std::string> names;
  for (const PathValue& v : at.terms()) {
    if (!v || !v->is_tree()) continue;
    JVS_ASSIGN_OR_RETURN(auto tree, store.ReadTree(TreeId(v->id)));
    for (const auto& e : tree->entries) names.insert(e.name);
  }
  return names;
}

// `base` + `suffix`, with `~2`, `~3`, ... appended until it is not taken. A
// name that would exceed the 255 bytes filesystems allow for one component
// keeps only the start of `base` (cut at a UTF-8 character boundary), leaving
// room for the suffix and a `~N`; truncated names that collide get told apart
// by the `~N`. Deterministic: the read-back plans the same names.
std::string FreeName(std::set<std::string>* taken, std::string base, const std::string& suffix) {
  constexpr size_t kNameMax = 255;
  constexpr size_t kCounterRoom = 8;  // "~" and up to 7 digits
  const size_t room = kNameMax - suffix.size() - kCounterRoom;
  if (base.size() > room) {
    size_t n = room;
    while (n > 0 && (static_cast<unsigned char>(base[n]) & 0xC0) == 0x80) --n;
    base.resize(n);
  }
  const std::string wanted = base + suffix;
  std::string name = wanted;
  for (int n = 2; taken->count(name); ++n) name = wanted + "~" + std::to_string(n);
  taken->insert(name);
  return name;
}

std::string Describe(const PathValue& v) {
  if (!v) return "absent";
  std::string s(v->is_tree() ? "directory" : EntryKindName(v->kind));
  if (v->is_tree()) {
    s += ", " + std::to_string(v->size) + " bytes of files";
  } else if (v->kind == EntryKind::kSymlink) {
    s += ", target of " + std::to_string(v->size) + " bytes";
  } else {
    s += ", " + std::to_string(v->size) + " bytes";
  }
  if (v->mode) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%04o", *v->mode);
    s += ", mode " + std::string(buf);
  }
  return s + ", id " + ToHex(v->id.data(), v->id.size()).substr(0, 12);
}

}  // namespace

Result<std::vector<PlannedConflict>> PlanConflicts(Store& store, const Merge<TreeId>& root) {
  JVS_ASSIGN_OR_RETURN(std::vector<ConflictedPath> listed, ListConflicts(store, root));
  std::vector<PlannedConflict> plan;
  std::map<RepoPath, std::set<std::string>> taken;  // per directory
  for (ConflictedPath& cp : listed) {
    PlannedConflict c;
    c.path = std::move(cp.path);
    c.value = std::move(cp.value);
    SurvivingTerms(c.value, &c.add_terms, &c.remove_terms);
    c.simplified = c.value.Simplify();
    c.dir_mode = TreeOrAbsent(c.value);
    if (!c.dir_mode) JVS_TRY(PlanText(store, &c));
    if (c.kind == MaterializedConflict::Kind::kSides) {
      RepoPath dir = c.path.parent();
      auto it = taken.find(dir);
      if (it == taken.end()) {
        JVS_ASSIGN_OR_RETURN(std::set<std::string> names, NamesInAnyTerm(store, root, dir));
        it = taken.emplace(dir, std::move(names)).first;
      }
      const std::string name(c.path.name());
      c.note_file = dir.Join(FreeName(&it->second, name, ".jvs-conflict"));
      if (!c.dir_mode) {
        for (size_t k = 1; k < c.simplified.num_sides(); ++k) {
          if (!c.simplified.add(k)) {
            c.side_files.push_back(std::nullopt);
            continue;
          }
          std::string side = ".jvs-side-" + std::to_string(k + 1);
          c.side_files.push_back(dir.Join(FreeName(&it->second, name, side)));
        }
      }
    }
    plan.push_back(std::move(c));
  }
  return plan;
}

std::string ConflictNoteText(const PlannedConflict& c) {
  const Merge<PathValue>& m = c.simplified;
  const std::string name(c.path.name());
  std::string s = c.path.str() + ": conflict of " + std::to_string(m.num_sides()) + " sides" +
                  (c.dir_mode ? " (the directory's permission bits)" : "") + "\n\n";
  for (size_t k = 0; k < m.num_sides(); ++k) {
    s += "side #" + std::to_string(k + 1) + ": " + Describe(m.add(k));
    if (k == 0 && m.add(0)) s += " (at " + name + ")";
    if (k > 0 && k - 1 < c.side_files.size() && c.side_files[k - 1])
      s += " (at " + std::string(c.side_files[k - 1]->name()) + ")";
    s += "\n";
    if (k + 1 < m.num_sides())
      s += "base #" + std::to_string(k + 1) + ": " + Describe(m.remove(k)) + "\n";
  }
  s += "\nWhile this file exists, " + name + " stays conflicted: " + name +
       " holds side #1, each side file its side.\nPut the resolution at " + name +
       " and delete this file once the path holds the resolution;\n"
       "side files left then are kept as ordinary files.\n";
  return s;
}

MaterializedConflict Describe(const PlannedConflict& c) {
  MaterializedConflict out;
  out.path = c.path;
  out.kind = c.kind;
  out.num_sides = c.simplified.num_sides();
  if (c.kind == MaterializedConflict::Kind::kText) {
    out.marker_len = c.marker_len;
    out.num_hunks = c.num_conflicted_hunks;
  } else {
    out.note_file = c.note_file;
    out.side_files = c.side_files;
  }
  return out;
}

// ---- tree edits ----

namespace {

struct Edit {
  std::vector<std::string> components;
  const TreeEdit* edit;
};

bool SetsSomething(const TreeEdit& e) {
  return e.dir_mode ? e.dir_mode->has_value() : e.value.has_value();
}

// The entries of directory `tree` with the edits in [begin, end) applied;
// every edit's components from `depth` on name a path below it.
Result<std::vector<TreeEntry>> EditEntries(Store& store, const TreeId& tree,
                                           std::vector<Edit>::const_iterator begin,
                                           std::vector<Edit>::const_iterator end, size_t depth) {
  JVS_ASSIGN_OR_RETURN(auto base, store.ReadTree(tree));
  std::map<std::string, TreeEntry> entries;
  for (const auto& e : base->entries) entries.emplace(e.name, e);
  while (begin != end) {
    const std::string& name = begin->components[depth];
    auto group_end = std::find_if(begin, end, [&](const Edit& e) {
      return e.components[depth] != name;
    });
    // Sorted by components: the edit of `name` itself, if any, comes first.
    const TreeEdit* exact = begin->components.size() == depth + 1 ? begin->edit : nullptr;
    auto deeper = exact ? begin + 1 : begin;
    auto it = entries.find(name);
    const TreeEntry* old = it == entries.end() ? nullptr : &it->second;
    if (exact && !exact->dir_mode) {
      if (exact->value)
        entries[name] = exact->value->ToEntry(name);
      else if (old)
        entries.erase(it);
    } else {
      bool sets = exact != nullptr && SetsSomething(*exact);
      for (auto d = deeper; d != group_end; ++d) sets = sets || SetsSomething(*d->edit);
      const bool old_tree = old && old->kind == EntryKind::kTree;
      if (old_tree || sets || (exact && old)) {
        TreeId sub = old_tree ? TreeId(old->id) : EmptyTreeId();
        JVS_ASSIGN_OR_RETURN(std::vector<TreeEntry> out,
                             EditEntries(store, sub, deeper, group_end, depth + 1));
        const bool was_empty = old_tree && sub == EmptyTreeId();
        std::optional<uint32_t> mode = old_tree ? old->mode : std::nullopt;
        bool keep = !out.empty() || was_empty;
        if (exact) {
          keep = exact->dir_mode->has_value();
          if (keep) mode = TreeEntry::CanonicalMode(EntryKind::kTree, **exact->dir_mode);
        }
        if (!keep) {
          if (old) entries.erase(name);
        } else {
          Tree t;
          t.entries = std::move(out);
          JVS_ASSIGN_OR_RETURN(TreeId id, store.WriteTree(t));
          entries[name] = TreeEntry{name, EntryKind::kTree, id.bytes(), t.TotalSize(), mode};
        }
      }
    }
    begin = group_end;
  }
  std::vector<TreeEntry> out;
  out.reserve(entries.size());
  for (auto& [name, e] : entries) out.push_back(std::move(e));
  return out;
}

}  // namespace

Result<TreeId> ApplyEdits(Store& store, const TreeId& tree, const std::vector<TreeEdit>& edits) {
  if (edits.empty()) return tree;
  std::vector<Edit> sorted;
  for (const TreeEdit& e : edits) {
    std::vector<std::string> c;
    for (std::string_view s : e.path.components()) c.emplace_back(s);
    if (c.empty()) continue;  // the root itself is never edited
    sorted.push_back({std::move(c), &e});
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Edit& a, const Edit& b) { return a.components < b.components; });
  // One edit per path: the last one given wins.
  std::vector<Edit> unique;
  for (Edit& e : sorted) {
    if (!unique.empty() && unique.back().components == e.components)
      unique.back() = std::move(e);
    else
      unique.push_back(std::move(e));
  }
  sorted = std::move(unique);
  JVS_ASSIGN_OR_RETURN(std::vector<TreeEntry> entries,
                       EditEntries(store, tree, sorted.begin(), sorted.end(), 0));
  Tree t;
  t.entries = std::move(entries);
  return store.WriteTree(t);
}

Result<PathValue> ValueAt(Store& store, const TreeId& tree, const RepoPath& path) {
  JVS_ASSIGN_OR_RETURN(Merge<PathValue> v, PathValueAt(store, Merge<TreeId>(tree), path));
  return v.terms()[0];
}

}  // namespace jvs
