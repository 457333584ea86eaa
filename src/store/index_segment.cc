#include "store/index_segment.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>

#include "base/varint.h"
#include "jvs/base/hash.h"
#include "jvs/base/timeutil.h"

namespace jvs {
namespace {

static_assert(std::endian::native == std::endian::little, "the index is written little-endian");

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}

// Entry layout (kEntrySize bytes).
constexpr size_t kOffId = 0, kOffChange = 32, kOffTime = 48, kOffGen = 56, kOffParentsAt = 60, kOffExtraAt = 64,
                 kOffNParents = 68;

void PutString(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}
bool GetString(std::string_view* in, std::string_view* s) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  *s = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}
template <typename Id>
bool GetIds(std::string_view* in, std::vector<Id>* out) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in->size() / kIdBytes) return false;
  for (uint64_t k = 0; k < n; ++k) {
    Digest d;
    std::memcpy(d.data(), in->data(), kIdBytes);
    in->remove_prefix(kIdBytes);
    out->push_back(Id(d));
  }
  return true;
}

}  // namespace

ChangeKey ChangeKeyOf(std::string_view hex) {
  ChangeKey k{};
  if (hex.size() != 32) return k;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < 16; ++i) {
    int hi = nib(hex[2 * i]), lo = nib(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return ChangeKey{};
    k[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return k;
}

std::string EncodeExtra(const Snapshot& s, const std::vector<SnapshotId>& missing_parents) {
  std::string out;
  for (std::string_view f : {std::string_view(s.change_id), std::string_view(s.note), std::string_view(s.created_at),
                             std::string_view(s.worktree), std::string_view(s.author), std::string_view(s.engine)})
    PutString(&out, f);
  PutVarint(&out, s.root_terms.size());
  for (const auto& t : s.root_terms) out.append(reinterpret_cast<const char*>(t.bytes().data()), kIdBytes);
  PutVarint(&out, missing_parents.size());
  for (const auto& p : missing_parents) out.append(reinterpret_cast<const char*>(p.bytes().data()), kIdBytes);
  return out;
}

bool DecodeExtra(std::string_view d, IndexExtra* out) {
  for (std::string_view* f : {&out->change_id, &out->note, &out->created_at, &out->worktree, &out->author, &out->engine})
    if (!GetString(&d, f)) return false;
  return GetIds(&d, &out->root_terms) && GetIds(&d, &out->missing_parents) && d.empty();
}

bool DecodeNoteAuthor(std::string_view d, std::string_view* note, std::string_view* author) {
  std::string_view skip;
  return GetString(&d, &skip) && GetString(&d, note) && GetString(&d, &skip) && GetString(&d, &skip) &&
         GetString(&d, author);
}

Digest IndexSegment::NameOf(std::string_view encoded) {
  Digest d;
  std::memcpy(d.data(), encoded.data() + encoded.size() - kIdBytes, kIdBytes);
  return d;
}

std::string IndexSegment::Encode(const std::optional<Digest>& parent, uint32_t base,
                                 const std::vector<const IndexEntry*>& entries) {
  const uint32_t count = static_cast<uint32_t>(entries.size());
  std::string parents, extra, body;
  uint32_t nparents = 0;
  for (const IndexEntry* e : entries) nparents += static_cast<uint32_t>(e->parents.size());
  std::string out(kMagic);
  out.push_back(static_cast<char>(kFormatVersion));
  out.push_back(parent ? 1 : 0);
  out.append(2, '\0');
  Put<uint32_t>(&out, count);
  Put<uint32_t>(&out, base);
  Put<uint32_t>(&out, nparents);
  size_t extra_size = 0;
  for (const IndexEntry* e : entries) extra_size += e->extra.size();
  Put<uint32_t>(&out, static_cast<uint32_t>(extra_size));
  if (parent) out.append(reinterpret_cast<const char*>(parent->data()), kIdBytes);
  else out.append(kIdBytes, '\0');
  out.resize(kHeaderSize, '\0');
  out.reserve(kHeaderSize + count * (kEntrySize + 8) + nparents * 4 + extra_size + kIdBytes);
  uint32_t parents_at = 0, extra_at = 0;
  for (const IndexEntry* e : entries) {
    out.append(reinterpret_cast<const char*>(e->id.bytes().data()), kIdBytes);
    out.append(reinterpret_cast<const char*>(e->change.data()), e->change.size());
    Put<int64_t>(&out, e->time_ns);
    Put<uint32_t>(&out, e->generation);
    Put<uint32_t>(&out, parents_at);
    Put<uint32_t>(&out, extra_at);
    Put<uint16_t>(&out, static_cast<uint16_t>(e->parents.size()));
    Put<uint16_t>(&out, 0);
    parents_at += static_cast<uint32_t>(e->parents.size());
    extra_at += static_cast<uint32_t>(e->extra.size());
  }
  std::vector<uint32_t> order(count);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return entries[a]->id < entries[b]->id; });
  for (uint32_t i : order) Put<uint32_t>(&out, i);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return entries[a]->change < entries[b]->change; });
  for (uint32_t i : order) Put<uint32_t>(&out, i);
  for (const IndexEntry* e : entries)
    for (uint32_t p : e->parents) Put<uint32_t>(&out, p);
  for (const IndexEntry* e : entries) out.append(e->extra);
  Digest sum = Sha256Of(out);
  out.append(reinterpret_cast<const char*>(sum.data()), kIdBytes);
  return out;
}

Result<IndexSegment> IndexSegment::Parse(std::string_view data, const Digest& name) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorCode::kCorrupt, "index segment " + ToHex(name.data(), name.size()) + ": " + why);
  };
  if (data.size() < kHeaderSize + kIdBytes || data.size() > kMaxSize) return bad("wrong size");
  if (data.substr(0, 4) != kMagic || static_cast<uint8_t>(data[4]) != kFormatVersion) return bad("not a segment");
  if (Sha256Of(data.substr(0, data.size() - kIdBytes)) != name || NameOf(data) != name)
    return bad("does not hash to its name");
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  IndexSegment s;
  s.count_ = Load<uint32_t>(p + 8);
  s.base_ = Load<uint32_t>(p + 12);
  s.nparents_ = Load<uint32_t>(p + 16);
  s.extra_size_ = Load<uint32_t>(p + 20);
  if (p[5] > 1) return bad("bad header");
  if (p[5]) {
    Digest d;
    std::memcpy(d.data(), p + 24, kIdBytes);
    s.parent_ = d;
  }
  const uint64_t want = kHeaderSize + uint64_t{s.count_} * (kEntrySize + 8) + uint64_t{s.nparents_} * 4 +
                        s.extra_size_ + kIdBytes;
  if (want != data.size() || uint64_t{s.base_} + s.count_ >= IndexSegment::kMissingParent) return bad("bad sizes");
  if (!s.parent_ && s.base_ != 0) return bad("a bottom segment starts at 0");
  s.entries_ = p + kHeaderSize;
  s.id_order_ = s.entries_ + size_t{s.count_} * kEntrySize;
  s.change_order_ = s.id_order_ + size_t{s.count_} * 4;
  s.parents_ = s.change_order_ + size_t{s.count_} * 4;
  s.extra_ = reinterpret_cast<const char*>(s.parents_ + size_t{s.nparents_} * 4);
  uint32_t parents_at = 0, extra_at = 0;
  for (uint32_t i = 0; i < s.count_; ++i) {
    const uint8_t* e = s.EntryAt(i);
    const uint32_t pa = Load<uint32_t>(e + kOffParentsAt), xa = Load<uint32_t>(e + kOffExtraAt);
    if (pa != parents_at || xa < extra_at || xa > s.extra_size_) return bad("bad entry offsets");
    parents_at += Load<uint16_t>(e + kOffNParents);
    extra_at = xa;
    if (parents_at > s.nparents_) return bad("bad parent count");
    for (uint32_t k = pa; k < parents_at; ++k) {
      uint32_t pos = Load<uint32_t>(s.parents_ + size_t{k} * 4);
      if (pos != kMissingParent && pos >= s.base_ + i) return bad("a parent after its child");
    }
    if (s.IdOrder(i) >= s.count_ || s.ChangeOrder(i) >= s.count_) return bad("bad lookup table");
    if (i > 0 && !(s.Id(s.IdOrder(i - 1)) < s.Id(s.IdOrder(i)))) return bad("ids not sorted");
    if (i > 0 && s.Change(s.ChangeOrder(i)) < s.Change(s.ChangeOrder(i - 1))) return bad("change ids not sorted");
  }
  if (parents_at != s.nparents_) return bad("bad parent count");
  return s;
}

uint32_t IndexSegment::IdOrder(uint32_t k) const { return Load<uint32_t>(id_order_ + size_t{k} * 4); }
uint32_t IndexSegment::ChangeOrder(uint32_t k) const { return Load<uint32_t>(change_order_ + size_t{k} * 4); }

SnapshotId IndexSegment::Id(uint32_t i) const {
  Digest d;
  std::memcpy(d.data(), EntryAt(i) + kOffId, kIdBytes);
  return SnapshotId(d);
}
ChangeKey IndexSegment::Change(uint32_t i) const {
  ChangeKey k;
  std::memcpy(k.data(), EntryAt(i) + kOffChange, k.size());
  return k;
}
int64_t IndexSegment::Time(uint32_t i) const { return Load<int64_t>(EntryAt(i) + kOffTime); }
uint32_t IndexSegment::Generation(uint32_t i) const { return Load<uint32_t>(EntryAt(i) + kOffGen); }

void IndexSegment::Parents(uint32_t i, std::vector<uint32_t>* out) const {
  const uint8_t* e = EntryAt(i);
  const uint32_t at = Load<uint32_t>(e + kOffParentsAt), n = Load<uint16_t>(e + kOffNParents);
  for (uint32_t k = 0; k < n; ++k) out->push_back(Load<uint32_t>(parents_ + size_t{at + k} * 4));
}

std::string_view IndexSegment::Extra(uint32_t i) const {
  const uint32_t at = Load<uint32_t>(EntryAt(i) + kOffExtraAt);
  const uint32_t end = i + 1 < count_ ? Load<uint32_t>(EntryAt(i + 1) + kOffExtraAt) : extra_size_;
  return {extra_ + at, end - at};
}

IndexEntry IndexSegment::Entry(uint32_t i) const {
  IndexEntry e;
  e.id = Id(i);
  e.change = Change(i);
  e.time_ns = Time(i);
  e.generation = Generation(i);
  Parents(i, &e.parents);
  e.extra = std::string(Extra(i));
  return e;
}

std::optional<uint32_t> IndexSegment::Find(const SnapshotId& id) const {
  uint32_t lo = 0, hi = count_;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int c = std::memcmp(EntryAt(IdOrder(mid)) + kOffId, id.bytes().data(), kIdBytes);
    if (c == 0) return IdOrder(mid);
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return std::nullopt;
}

void IndexSegment::FindPrefix(std::string_view prefix, std::optional<uint8_t> odd_nibble,
                              std::vector<uint32_t>* out) const {
  auto cmp = [&](uint32_t k) {  // the entry's id against the prefix, first prefix.size() bytes
    return std::memcmp(EntryAt(IdOrder(k)) + kOffId, prefix.data(), prefix.size());
  };
  uint32_t lo = 0, hi = count_;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (cmp(mid) < 0) lo = mid + 1;
    else hi = mid;
  }
  for (uint32_t k = lo; k < count_ && cmp(k) == 0; ++k) {
    const uint8_t* e = EntryAt(IdOrder(k));
    if (odd_nibble && (e[kOffId + prefix.size()] >> 4) != *odd_nibble) continue;
    out->push_back(IdOrder(k));
  }
}

void IndexSegment::FindChange(const ChangeKey& change, std::vector<uint32_t>* out) const {
  uint32_t lo = 0, hi = count_;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (Change(ChangeOrder(mid)) < change) lo = mid + 1;
    else hi = mid;
  }
  for (uint32_t k = lo; k < count_ && Change(ChangeOrder(k)) == change; ++k) out->push_back(ChangeOrder(k));
}

}  // namespace jvs
