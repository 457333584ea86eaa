#include "store/snapshot_index.h"

#include <fcntl.h>

#include <algorithm>
#include <set>

#include "jvs/base/hash.h"
#include "jvs/base/timeutil.h"

namespace jvs {
namespace {

constexpr size_t kMaxChainDepth = 256;  // squashing keeps chains near log2(n) segments

std::string Hex(const Digest& d) { return ToHex(d.data(), d.size()); }

}  // namespace

std::optional<std::vector<const SnapshotIndex::Loaded*>> SnapshotIndex::LoadChain(Env* env, const Digest& head) {
  std::vector<const Loaded*> chain;
  std::optional<Digest> next = head;
  while (next) {
    if (chain.size() >= kMaxChainDepth) {
      damaged_.push_back("index segment " + Hex(head) + ": chain too deep");
      return std::nullopt;
    }
    auto it = segments_.find(*next);
    if (it == segments_.end()) {
      auto file = env->MapFile(segments_dir() / Hex(*next), IndexSegment::kMaxSize);
      if (!file.ok()) {
        damaged_.push_back("index segment " + Hex(*next) + ": " + file.error().message());
        return std::nullopt;
      }
      auto l = std::make_unique<Loaded>();
      l->name = *next;
      l->file = std::move(file).value();
      auto seg = IndexSegment::Parse(l->file.data(), *next);
      if (!seg.ok()) {
        damaged_.push_back(seg.error().message());
        return std::nullopt;
      }
      l->seg = *seg;
      it = segments_.emplace(*next, std::move(l)).first;
    }
    chain.push_back(it->second.get());
    next = it->second->seg.parent();
  }
  std::reverse(chain.begin(), chain.end());
  uint32_t base = 0;
  for (const Loaded* l : chain) {
    if (l->seg.base() != base) {
      damaged_.push_back("index segment " + Hex(head) + ": positions do not follow its parent's");
      return std::nullopt;
    }
    base += l->seg.count();
  }
  return chain;
}

void SnapshotIndex::Load(Env* env) {
  if (loaded_) return;
  loaded_ = true;
  auto dfd = env->Open(heads_dir(), O_RDONLY | O_DIRECTORY);
  if (!dfd.ok()) return;  // no index yet
  auto entries = env->ReadDir(dfd->get());
  if (!entries.ok()) return;
  std::vector<Digest> names;
  for (const auto& e : *entries) {
    if (e.name.size() != kIdHexLength) continue;  // a concurrent writer's temp file
    if (auto d = DigestFromHex(e.name); d.ok()) names.push_back(*d);
  }
  std::sort(names.begin(), names.end());
  heads_ = names;
  std::vector<std::vector<const Loaded*>> chains;
  for (const auto& name : names)
    if (auto c = LoadChain(env, name)) chains.push_back(std::move(*c));
  if (chains.empty()) return;
  auto total = [](const std::vector<const Loaded*>& c) { return c.back()->seg.base() + c.back()->seg.count(); };
  size_t best = 0;
  for (size_t k = 1; k < chains.size(); ++k)
    if (total(chains[k]) > total(chains[best])) best = k;
  for (const Loaded* l : chains[best]) {
    stack_.push_back(&l->seg);
    chain_.push_back({l->name, l->seg.base(), l->seg.count()});
  }
  committed_ = total(chains[best]);
  // Other heads (concurrent writers): add what they hold that this one lacks,
  // in their order, so that parents come first.
  for (size_t k = 0; k < chains.size(); ++k) {
    if (k == best) continue;
    const auto& c = chains[k];
    auto id_at = [&](uint32_t pos) {
      for (auto it = c.rbegin(); it != c.rend(); ++it)
        if (pos >= (*it)->seg.base()) return (*it)->seg.Id(pos - (*it)->seg.base());
      return SnapshotId();
    };
    for (const Loaded* l : c) {
      if (std::find(stack_.begin(), stack_.end(), &l->seg) != stack_.end()) continue;
      for (uint32_t i = 0; i < l->seg.count(); ++i) {
        if (Find(l->seg.Id(i))) continue;
        IndexEntry e = l->seg.Entry(i);
        bool ok = true;
        for (uint32_t& p : e.parents) {
          if (p == IndexSegment::kMissingParent) continue;
          auto mine = Find(id_at(p));
          if (!mine) ok = false;
          else p = *mine;
        }
        if (ok) AddEntry(std::move(e));
      }
    }
  }
}

const IndexSegment& SnapshotIndex::SegmentOf(uint32_t pos) const {
  for (auto it = stack_.rbegin(); it != stack_.rend(); ++it)
    if (pos >= (*it)->base()) return **it;
  return *stack_.front();
}

std::optional<uint32_t> SnapshotIndex::Find(const SnapshotId& id) const {
  if (auto it = pending_ids_.find(id); it != pending_ids_.end()) return it->second;
  for (const IndexSegment* s : stack_)
    if (auto i = s->Find(id)) return s->base() + *i;
  return std::nullopt;
}

std::vector<uint32_t> SnapshotIndex::FindPrefix(std::string_view hex) const {
  std::vector<uint32_t> out;
  if (hex.size() > kIdHexLength) return out;
  std::string bytes;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (char c : hex)
    if (nib(c) < 0) return out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back(static_cast<char>(nib(hex[i]) << 4 | nib(hex[i + 1])));
  std::optional<uint8_t> odd;
  if (hex.size() % 2) odd = static_cast<uint8_t>(nib(hex.back()));
  for (const IndexSegment* s : stack_) {
    std::vector<uint32_t> local;
    s->FindPrefix(bytes, odd, &local);
    for (uint32_t i : local) out.push_back(s->base() + i);
  }
  std::string lower(hex);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [id, pos] : pending_ids_)
    if (id.hex().compare(0, lower.size(), lower) == 0) out.push_back(pos);
  std::sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) { return Id(a) < Id(b); });
  return out;
}

std::vector<uint32_t> SnapshotIndex::FindChange(const ChangeKey& change) const {
  std::vector<uint32_t> out;
  for (const IndexSegment* s : stack_) {
    std::vector<uint32_t> local;
    s->FindChange(change, &local);
    for (uint32_t i : local) out.push_back(s->base() + i);
  }
  for (uint32_t k = 0; k < pending_.size(); ++k)
    if (pending_[k].change == change) out.push_back(committed_ + k);
  return out;
}

SnapshotId SnapshotIndex::Id(uint32_t pos) const {
  if (pos >= committed_) return PendingOf(pos).id;
  const IndexSegment& s = SegmentOf(pos);
  return s.Id(pos - s.base());
}
int64_t SnapshotIndex::Time(uint32_t pos) const {
  if (pos >= committed_) return PendingOf(pos).time_ns;
  const IndexSegment& s = SegmentOf(pos);
  return s.Time(pos - s.base());
}
uint32_t SnapshotIndex::Generation(uint32_t pos) const {
  if (pos >= committed_) return PendingOf(pos).generation;
  const IndexSegment& s = SegmentOf(pos);
  return s.Generation(pos - s.base());
}
ChangeKey SnapshotIndex::Change(uint32_t pos) const {
  if (pos >= committed_) return PendingOf(pos).change;
  const IndexSegment& s = SegmentOf(pos);
  return s.Change(pos - s.base());
}
void SnapshotIndex::Parents(uint32_t pos, std::vector<uint32_t>* out) const {
  out->clear();
  if (pos >= committed_) {
    *out = PendingOf(pos).parents;
    return;
  }
  const IndexSegment& s = SegmentOf(pos);
  s.Parents(pos - s.base(), out);
}
std::string_view SnapshotIndex::Extra(uint32_t pos) const {
  if (pos >= committed_) return PendingOf(pos).extra;
  const IndexSegment& s = SegmentOf(pos);
  return s.Extra(pos - s.base());
}

Result<Snapshot> SnapshotIndex::SnapshotAt(uint32_t pos) const {
  const SnapshotId id = Id(pos);
  IndexExtra x;
  if (!DecodeExtra(Extra(pos), &x)) return Error(ErrorCode::kCorrupt, "index entry " + id.hex() + " is damaged");
  Snapshot s;
  s.root_terms = std::move(x.root_terms);
  std::vector<uint32_t> parents;
  Parents(pos, &parents);
  size_t missing = 0;
  for (uint32_t p : parents) {
    if (p != IndexSegment::kMissingParent && p < pos) s.parents.push_back(Id(p));
    else if (missing < x.missing_parents.size()) s.parents.push_back(x.missing_parents[missing++]);
  }
  s.change_id = x.change_id;
  s.note = x.note;
  s.created_at = x.created_at;
  s.worktree = x.worktree;
  s.author = x.author;
  s.engine = x.engine;
  if (SnapshotId(Sha256Of(s.Encode())) != id)
    return Error(ErrorCode::kCorrupt, "index entry " + id.hex() + " does not match its snapshot");
  return s;
}

uint32_t SnapshotIndex::AddEntry(IndexEntry e) {
  const uint32_t pos = size();
  pending_ids_.emplace(e.id, pos);
  pending_.push_back(std::move(e));
  return pos;
}

uint32_t SnapshotIndex::Add(const SnapshotId& id, const Snapshot& s) {
  if (auto pos = Find(id)) return *pos;
  IndexEntry e;
  e.id = id;
  e.change = ChangeKeyOf(s.change_id);
  auto t = ParseTimestamp(s.created_at);
  e.time_ns = t.ok() ? *t : 0;
  std::vector<SnapshotId> missing;
  for (const auto& p : s.parents) {
    auto pos = Find(p);
    if (!pos) {
      missing.push_back(p);
      e.parents.push_back(IndexSegment::kMissingParent);
      continue;
    }
    e.parents.push_back(*pos);
    e.generation = std::max(e.generation, Generation(*pos) + 1);
  }
  e.extra = EncodeExtra(s, missing);
  return AddEntry(std::move(e));
}

Status SnapshotIndex::Flush(Env* env) {
  if (!loaded_) return OkStatus();
  const uint32_t first_new = committed_ + flushed_;
  if (first_new == size()) {
    // Nothing new: only heads that this one includes (or damaged ones) to drop.
    if (heads_.size() <= 1 || chain_.empty()) return OkStatus();
    for (const auto& h : heads_)
      if (h != chain_.back().name) (void)env->Unlink(heads_dir() / Hex(h));
    heads_ = {chain_.back().name};
    return OkStatus();
  }
  // Squash: while the new segment would be larger than half its parent,
  // take the parent's entries in and stack on the grandparent instead.
  uint32_t start = first_new;
  while (!chain_.empty() && size() - start > chain_.back().count / 2) {
    start = chain_.back().base;
    chain_.pop_back();
  }
  std::deque<IndexEntry> copies;  // entries of squashed segments
  std::vector<const IndexEntry*> entries;
  entries.reserve(size() - start);
  for (uint32_t pos = start; pos < size(); ++pos) {
    if (pos >= committed_) {
      entries.push_back(&PendingOf(pos));
    } else {
      const IndexSegment& s = SegmentOf(pos);
      entries.push_back(&copies.emplace_back(s.Entry(pos - s.base())));
    }
  }
  std::optional<Digest> parent;
  if (!chain_.empty()) parent = chain_.back().name;
  const std::string data = IndexSegment::Encode(parent, start, entries);
  const Digest name = IndexSegment::NameOf(data);
  JVS_TRY(env->MkdirAll(segments_dir()));
  JVS_TRY(env->MkdirAll(heads_dir()));
  // Published as op heads are: the segment first, then its head, then the
  // heads it includes go. A writer killed in between leaves one head too many
  // (merged by the next reader) or a segment no head names (harmless).
  // (Always written: a file of that name may be a damaged copy.)
  JVS_TRY(env->WriteFileAtomic(segments_dir() / Hex(name), data));
  JVS_TRY(env->WriteFileAtomic(heads_dir() / Hex(name), ""));
  for (const auto& h : heads_)
    if (h != name) (void)env->Unlink(heads_dir() / Hex(h));
  heads_ = {name};
  chain_.push_back({name, start, size() - start});
  flushed_ = static_cast<uint32_t>(pending_.size());
  return OkStatus();
}

}  // namespace jvs
