// Rename detection (see jvs/merge/renames.h).
#include "jvs/merge/renames.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "jvs/merge/text_diff.h"

namespace jvs {

namespace {

bool Pairable(const TreeEntry& e) { return e.kind != EntryKind::kTree && e.size > 0; }

size_t Lines(std::string_view s) {
  size_t n = static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
  return n + (!s.empty() && s.back() != '\n' ? 1 : 0);
}

}  // namespace

int TextSimilarity(std::string_view a, std::string_view b) {
  if (a == b) return 100;
  const size_t la = Lines(a), lb = Lines(b);
  const size_t larger = std::max(la, lb);
  if (larger == 0) return 100;
  LineChangeCount n = CountLineChanges(a, b);
  const size_t common = la >= n.removed ? la - n.removed : 0;
  return static_cast<int>(common * 100 / larger);
}

std::vector<TreeChange> DetectRenames(std::vector<TreeChange> changes, const RenameContentReader& read,
                                      const RenameOptions& options) {
  std::vector<size_t> removed, added;
  for (size_t i = 0; i < changes.size(); ++i) {
    const TreeChange& c = changes[i];
    if (c.removed() && Pairable(*c.old_entry)) removed.push_back(i);
    if (c.added() && Pairable(*c.new_entry)) added.push_back(i);
  }
  if (removed.empty() || added.empty()) return changes;
  std::vector<char> gone(changes.size(), 0);  // removed changes that became a rename
  auto pair = [&](size_t r, size_t a, int similarity) {
    TreeChange& to = changes[a];
    to.old_entry = changes[r].old_entry;
    to.old_path = changes[r].path;
    to.similarity = similarity;
    gone[r] = 1;
  };
  // Exact: the same id and kind. Same file name first, then by path.
  std::unordered_map<std::string, std::vector<size_t>> by_content;  // id + kind -> removed (by path)
  auto key = [](const TreeEntry& e) { return ToHex(e.id.data(), e.id.size()) + char('0' + static_cast<int>(e.kind)); };
  for (size_t r : removed) by_content[key(*changes[r].old_entry)].push_back(r);
  std::vector<size_t> unpaired_added;
  for (size_t a : added) {
    auto it = by_content.find(key(*changes[a].new_entry));
    if (it == by_content.end() || it->second.empty()) {
      unpaired_added.push_back(a);
      continue;
    }
    auto& cands = it->second;
    auto best = std::find_if(cands.begin(), cands.end(),
                             [&](size_t r) { return changes[r].path.name() == changes[a].path.name(); });
    if (best == cands.end()) best = cands.begin();
    pair(*best, a, 100);
    cands.erase(best);
  }
  std::vector<size_t> unpaired_removed;
  for (size_t r : removed)
    if (!gone[r]) unpaired_removed.push_back(r);
  if (options.similar && !unpaired_added.empty() && !unpaired_removed.empty() &&
      unpaired_added.size() * unpaired_removed.size() <= options.max_pairs) {
    auto text_file = [&](const TreeEntry& e) {
      return (e.kind == EntryKind::kFile || e.kind == EntryKind::kExecutable) && e.size <= options.max_text_bytes;
    };
    std::map<size_t, std::optional<std::string>> old_text;
    auto old_of = [&](size_t r) -> const std::optional<std::string>& {
      auto it = old_text.find(r);
      if (it != old_text.end()) return it->second;
      std::optional<std::string> t = read(changes[r].path, *changes[r].old_entry, false);
      if (t && LooksBinary(*t)) t.reset();
      return old_text.emplace(r, std::move(t)).first->second;
    };
    for (size_t a : unpaired_added) {
      const TreeEntry& ne = *changes[a].new_entry;
      if (!text_file(ne)) continue;
      std::optional<std::string> nt;
      bool read_new = false;
      int best_score = -1;
      size_t best = 0;
      for (size_t r : unpaired_removed) {
        if (gone[r]) continue;
        const TreeEntry& oe = *changes[r].old_entry;
        if (!text_file(oe) || oe.kind != ne.kind) continue;
        // Sizes too far apart cannot reach the threshold.
        const uint64_t lo = std::min(oe.size, ne.size), hi = std::max(oe.size, ne.size);
        if (lo * 100 < hi * static_cast<uint64_t>(options.min_similarity) / 2) continue;
        if (!read_new) {
          read_new = true;
          nt = read(changes[a].path, ne, true);
          if (nt && LooksBinary(*nt)) nt.reset();
        }
        if (!nt) break;
        const auto& ot = old_of(r);
        if (!ot) continue;
        int score = TextSimilarity(*ot, *nt);
        if (score > best_score ||
            (score == best_score && changes[r].path.name() == changes[a].path.name() &&
             changes[best].path.name() != changes[a].path.name())) {
          best_score = score;
          best = r;
        }
      }
      if (best_score >= options.min_similarity) pair(best, a, std::min(best_score, 99));
    }
  }
  std::vector<TreeChange> out;
  out.reserve(changes.size());
  for (size_t i = 0; i < changes.size(); ++i)
    if (!gone[i]) out.push_back(std::move(changes[i]));
  return out;
}

}  // namespace jvs
